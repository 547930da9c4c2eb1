import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  eventually,
  launchChromium,
  openSignedIn,
  startWebServer,
} from './browser-support.ts';

describeBrowser('watch-later and history search in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let ownerMid: number;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    ownerMid = (await s.admin.createUser({ uname: 'later_maker', password: 'secret-pass' })).mid;
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('the watch page button adds the video; the list page shows it and removes it', async () => {
    const video = await s.admin.createArchive({
      title: 'Saved for the weekend',
      owner_mid: ownerMid,
      pages: [{ part: 'P1', duration: 90 }],
    });
    const v = await openSignedIn(browser, s, 'later_viewer');
    await v.page.goto(`${s.url}/video/${video.bvid}`);
    const button = v.page.getByRole('button', { name: 'Watch later' });
    await eventually(async () => expect(await button.isEnabled()).toBe(true));
    await button.click();
    await eventually(async () => expect(await button.getAttribute('aria-pressed')).toBe('true'));
    expect((await v.client.toview.list()).data!.list.map((i) => i.aid)).toEqual([video.aid]);

    await v.page.goto(`${s.url}/watchlater`);
    const items = v.page.locator('.history-item');
    await eventually(async () => expect(await items.count()).toBe(1));
    expect(await items.first().getByRole('heading').textContent()).toBe('Saved for the weekend');
    await items
      .first()
      .getByRole('button', { name: /Remove/ })
      .click();
    await eventually(async () => expect(await items.count()).toBe(0));
    expect((await v.client.toview.list()).data!.count).toBe(0);
  });

  it('the history page search box shows matching entries and brings the list back when cleared', async () => {
    const a = await s.admin.createArchive({
      title: 'Sourdough basics',
      owner_mid: ownerMid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    const b = await s.admin.createArchive({
      title: 'Bike repair',
      owner_mid: ownerMid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    const v = await openSignedIn(browser, s, 'searcher');
    for (const x of [a, b]) {
      expect((await v.client.history.report({ aid: x.aid, cid: x.pages[0]!.cid, progress: 10 })).code).toBe(
        0,
      );
    }
    await v.page.goto(`${s.url}/history`);
    const list = v.page.getByRole('list', { name: 'Watched videos, newest first' });
    await eventually(async () => expect(await list.locator('.history-item').count()).toBe(2));
    const box = v.page.getByRole('searchbox', { name: 'Search your history' });
    await box.fill('sourdough');
    await box.press('Enter');
    const results = v.page.getByRole('list', { name: 'Search results' });
    await eventually(async () => expect(await results.locator('.history-item').count()).toBe(1));
    expect(await results.getByRole('heading').textContent()).toBe('Sourdough basics');
    expect(await list.isHidden()).toBe(true);
    await box.fill('');
    await box.press('Enter');
    await eventually(async () => expect(await list.isVisible()).toBe(true));
    expect(await results.isHidden()).toBe(true);
  });
});
