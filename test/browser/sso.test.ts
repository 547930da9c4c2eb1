import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  launchChromium,
  openPage,
  startWebServer,
} from './browser-support.ts';

const SECRET = 'browser-test-shared-secret-0123456789';

describeBrowser('single sign-on arrival in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let host: Server;
  let hostUrl = '';

  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer({ ssoIssuer: 'http://host.test', ssoSecret: SECRET });
    browser = await launchChromium();
    // The host site: another origin (another port) whose page links to Replay with a fresh token.
    host = createServer((_request, response) => {
      const now = Math.floor(s.clock.nowMs() / 1000);
      void new SignJWT({ name: 'host_reader' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('http://host.test')
        .setSubject('reader-7')
        .setIssuedAt(now)
        .setExpirationTime(now + 120)
        .sign(new TextEncoder().encode(SECRET))
        .then((token) => {
          const target = `${s.url}/sso?token=${token}&go_url=${encodeURIComponent('/history')}`;
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(`<!doctype html><title>Host</title><a id="go" href="${target}">Discuss on Replay</a>`);
        });
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await new Promise((resolve) => host?.close(resolve));
  });

  it('a link on the host site lands signed in on the go_url page', async () => {
    const { page, context } = await openPage(browser, s);
    // openPage aborts every other origin; the host site is the one this test allows (the newest route wins).
    await context.route(`${hostUrl}**`, (route) => route.continue());
    await page.goto(hostUrl);
    await page.locator('#go').click();
    await page.waitForURL(`${s.url}/history`);
    await page.locator('.account .me').filter({ hasText: 'host_reader' }).waitFor();
    const names = (await context.cookies(s.url)).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['SESSDATA', 'bili_jct', 'DedeUserID']));
  });

  it('an expired or forged token shows the error page, signed out', async () => {
    const { page } = await openPage(browser, s);
    await page.goto(`${s.url}/sso?token=e30.e30.forged&go_url=/history`);
    await page.getByRole('heading', { name: 'Sign-on failed' }).waitFor();
    expect(await page.locator('#sso-error').getAttribute('data-reason')).toBe('malformed');
  });
});
