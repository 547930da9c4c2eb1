import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  expectLabelled,
  launchChromium,
  openPage,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';

const background = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.querySelector('.rp-app')!).backgroundColor);

describeBrowser('page frame, themes and small screens in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    const owner = await s.admin.createUser({ uname: 'framer', password: 'secret-pass' });
    archive = await s.admin.createArchive({
      title: 'Frame test',
      owner_mid: owner.mid,
      pages: [
        { part: 'One', duration: 24 },
        { part: 'Two', duration: 24 },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('home: opens a video by BV id or av number and shows what to continue watching', async () => {
    const v = await openSignedIn(browser, s, 'homebody');
    await v.client.history.report({ aid: archive.aid, cid: archive.pages[1]!.cid, progress: 12 });
    await v.page.goto(`${s.url}/`);
    const continueList = v.page.getByRole('region', { name: 'Continue watching' });
    await continueList.getByRole('link', { name: 'Frame test' }).waitFor();
    expect(await continueList.getByText('Watched to 0:12 of 0:24').count()).toBe(1);
    await expectLabelled(v.page);
    await screenshot(v.page, 'home');

    const input = v.page.getByLabel('Video (BV id, av number or link)');
    await input.fill('nonsense');
    await input.press('Enter');
    await v.page.getByText('That is not a BV id or an av number.').waitFor();
    await input.fill(`https://www.bilibili.com/video/av${archive.aid}/`);
    await input.press('Enter');
    await v.page.waitForURL(`${s.url}/video/${archive.bvid}`);
    await v.context.close();
  });

  it('the theme toggle switches light → dark and is remembered; the system preference is the default', async () => {
    const b = await openPage(browser, s, { colorScheme: 'dark' });
    await b.page.goto(`${s.url}/video/${archive.bvid}`);
    await b.page.getByRole('heading', { name: 'Frame test' }).waitFor();
    expect(await background(b.page)).toBe('rgb(18, 19, 22)'); // the system asks for dark
    const toggle = b.page.getByRole('button', { name: /^Theme: / });
    expect(await toggle.textContent()).toBe('Theme: system');
    await toggle.click();
    expect(await toggle.textContent()).toBe('Theme: light');
    expect(await background(b.page)).toBe('rgb(246, 247, 248)');
    await toggle.click();
    expect(await toggle.textContent()).toBe('Theme: dark');
    await b.page.reload();
    await b.page.getByRole('heading', { name: 'Frame test' }).waitFor();
    expect(await b.page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await background(b.page)).toBe('rgb(18, 19, 22)');
    await screenshot(b.page, 'watch-dark');
    await b.context.close();
  });

  it('works on a phone-sized screen and by keyboard: no sideways scrolling, a skip link, visible focus', async () => {
    const b = await openPage(browser, s, { width: 375 });
    await b.page.goto(`${s.url}/video/${archive.bvid}`);
    await b.page.getByRole('heading', { name: 'Frame test' }).waitFor();
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(b.page, 'watch-mobile');

    await b.page.keyboard.press('Tab');
    const skip = b.page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await b.page.keyboard.press('Enter');
    expect(await b.page.evaluate(() => document.activeElement?.id)).toBe('main');
    await b.page.keyboard.press('Tab');
    const focused = await b.page.evaluate(() => [
      document.activeElement!.tagName,
      getComputedStyle(document.activeElement!).outlineStyle,
    ]);
    expect(focused).toEqual(['VIDEO', 'solid']);
    expect(b.foreign).toEqual([]);
    await b.context.close();
  });

  it('an unknown page path inside the UI says so: a 404 page in the site frame, with a way home', async () => {
    const b = await openPage(browser, s);
    const response = await b.page.goto(`${s.url}/video/${archive.bvid}/extra`);
    expect(response?.status()).toBe(404);
    await b.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await b.page.title()).toBe('Not found · Replay');
    await b.page.getByRole('navigation', { name: 'Main' }).waitFor();
    await b.page.getByRole('main').getByRole('link', { name: 'Back to the home page' }).click();
    await b.page.waitForURL(`${s.url}/`);
    // An unknown API path still answers the Bilibili envelope, also in a browser.
    const api = await b.page.goto(`${s.url}/x/v2/nothing-here`);
    expect(api?.status()).toBe(404);
    expect(JSON.parse(await b.page.innerText('body'))).toEqual({ code: -404, message: '啥都木有', ttl: 1 });
    expect(b.foreign).toEqual([]);
    await b.context.close();
  });
});
