import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  expectLabelled,
  launchChromium,
  openPage,
  screenshot,
  startWebServer,
} from './browser-support.ts';

describeBrowser('sign-in pages in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    await s.admin.createUser({ uname: 'qr-viewer', password: 'qr-secret-1' });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs in through the QR flow: scan on a second device, confirm, land on go_url signed in; then signs out', async () => {
    const tv = await openPage(browser, s);
    await tv.page.goto(`${s.url}/login?go_url=${encodeURIComponent('/history')}`);
    const status = tv.page.locator('.qr-box [role="status"]');
    await status.filter({ hasText: 'Waiting for the QR code to be scanned.' }).waitFor();

    // The QR code encodes the generate endpoint's url, drawn by the qrcode package.
    const canvas = tv.page.getByRole('img', { name: 'QR code to scan for signing in' });
    const url = (await canvas.getAttribute('data-url'))!;
    expect(url).toMatch(
      new RegExp(`^${s.url}/h5-app/passport/login/scan\\?navhide=1&qrcode_key=[A-Za-z0-9]{32}&from=$`),
    );
    const drawn = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! < 128) dark++;
      return dark;
    });
    const modules = QRCode.create(url, { errorCorrectionLevel: 'M' }).modules;
    expect(drawn).toBeGreaterThan(modules.size * modules.size); // dark modules drawn, several pixels each
    expect(await tv.page.getByRole('link', { name: 'Open the confirmation page' }).getAttribute('href')).toBe(
      url,
    );
    await expectLabelled(tv.page);
    await screenshot(tv.page, 'sign-in-qr');

    // The "phone": another browser with its own cookie jar opens the QR url and approves.
    const phone = await openPage(browser, s);
    await phone.page.goto(url);
    await status.filter({ hasText: 'Scanned. Confirm the sign-in on the other device.' }).waitFor();
    await phone.page.getByLabel(/用户名/).fill('qr-viewer');
    await phone.page.getByLabel(/密码/).fill('qr-secret-1');
    await phone.page.getByRole('button', { name: '确认登录' }).click();
    await phone.page.getByText('已确认').waitFor();

    await tv.page.waitForURL(`${s.url}/history`);
    await tv.page.locator('.account .me').filter({ hasText: 'qr-viewer' }).waitFor();
    const cookies = await tv.context.cookies(s.url);
    // The login's five cookies, beside the device id (buvid3, b_nut) that the first page visit set.
    expect(cookies.map((c) => c.name).sort()).toEqual([
      'DedeUserID',
      'DedeUserID__ckMd5',
      'SESSDATA',
      'b_nut',
      'bili_jct',
      'buvid3',
      'sid',
    ]);
    expect(cookies.find((c) => c.name === 'SESSDATA')!.httpOnly).toBe(true);

    await tv.page.getByRole('button', { name: 'Sign out' }).click();
    await tv.page.locator('.account').getByRole('link', { name: 'Sign in' }).waitFor();
    expect((await tv.context.cookies(s.url)).map((c) => c.name)).not.toContain('SESSDATA');
    // Signed out on the server too: the old session no longer opens nav.
    const stale = Object.fromEntries(cookies.map((c) => [c.name, c.value]));
    const { createClient } = await import('../../src/client/index.ts');
    expect((await createClient({ baseUrl: s.url, cookies: stale }).nav()).code).toBe(-101);

    expect(tv.foreign).toEqual([]);
    expect(phone.foreign).toEqual([]);
    expect(tv.errors).toEqual([]);
    await tv.context.close();
    await phone.context.close();
  });

  it('an expired QR code says so and a new one can be had', async () => {
    const tv = await openPage(browser, s);
    await tv.page.goto(`${s.url}/login`);
    const status = tv.page.locator('.qr-box [role="status"]');
    await status.filter({ hasText: 'Waiting' }).waitFor();
    const first = await tv.page.locator('.qr-box canvas').getAttribute('data-url');
    s.clock.advance(181);
    await status.filter({ hasText: 'This QR code has expired. Get a new one.' }).waitFor();
    await tv.page.getByRole('button', { name: 'Get a new QR code' }).click();
    await status.filter({ hasText: 'Waiting' }).waitFor();
    expect(await tv.page.locator('.qr-box canvas').getAttribute('data-url')).not.toBe(first);
    await tv.context.close();
  });

  it('the password tab signs in, says what went wrong in words, and ignores a go_url to another site', async () => {
    await s.admin.createUser({ uname: 'pw-viewer', password: 'pw-secret-1' });
    const b = await openPage(browser, s);
    await b.page.goto(`${s.url}/login?go_url=${encodeURIComponent('https://evil.example/')}`);
    const tab = b.page.getByRole('tab', { name: 'Scan QR code' });
    await tab.focus();
    await b.page.keyboard.press('ArrowRight'); // keyboard use of the tabs
    expect(await b.page.getByRole('tab', { name: 'Name and password' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await b.page.getByLabel('Name', { exact: true }).fill('pw-viewer');
    await b.page.getByLabel('Password', { exact: true }).fill('wrong-password');
    await b.page.getByLabel('Password', { exact: true }).press('Enter');
    await b.page.getByText('Wrong name or password. (code -629)').waitFor();
    await screenshot(b.page, 'sign-in-password');
    await b.page.getByLabel('Password', { exact: true }).fill('pw-secret-1');
    await b.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await b.page.waitForURL(`${s.url}/`);
    await b.page.locator('.account .me').filter({ hasText: 'pw-viewer' }).waitFor();
    expect(b.foreign).toEqual([]);
    await b.context.close();
  });
});
