import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  eventually,
  launchChromium,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';

describeBrowser('stats page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('two browsers playing: the owner sees 2 watching now and a retention curve drawn from their plays', async () => {
    const owner = await openSignedIn(browser, s, 'creator');
    const archive: AdminArchive = await s.admin.createArchive({
      title: 'Stats test',
      owner_mid: owner.mid,
      pages: [{ part: 'Only part', duration: 24 }],
    });
    const watchers = [
      await openSignedIn(browser, s, 'watcher-one', {}, { heartbeatMs: 400 }),
      await openSignedIn(browser, s, 'watcher-two', {}, { heartbeatMs: 400 }),
    ];
    for (const w of watchers) {
      let beats = 0;
      w.page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/x/click-interface/web/heartbeat') beats++;
      });
      await w.page.goto(`${s.url}/video/${archive.bvid}`);
      await w.page.getByRole('heading', { name: 'Stats test' }).waitFor();
      await w.page.locator('video').evaluate((v: HTMLVideoElement) => {
        v.muted = true;
        return v.play();
      });
      await eventually(() => expect(beats).toBeGreaterThanOrEqual(3));
    }

    // The watch page links the owner to the stats page.
    await owner.page.goto(`${s.url}/video/${archive.bvid}`);
    await owner.page.getByRole('link', { name: 'Video stats' }).click();
    await owner.page.waitForURL(`**/video/${archive.bvid}/stats`);
    await eventually(async () => {
      expect(await owner.page.getByTestId('online-now').textContent()).toBe('2');
    });
    expect(Number(await owner.page.getByTestId('plays').textContent())).toBe(2);
    const canvas = owner.page.getByTestId('retention-chart').locator('canvas');
    await canvas.waitFor();
    // The curve has data: the share at the start of the part is that of both plays.
    const body = await owner.client.get<{ data: { retention: { points: { share: number }[] } } }>(
      '/x/replay/archive/analytics',
      { aid: archive.aid },
    );
    expect(body.data.retention.points[0]!.share).toBe(1);
    expect(await owner.page.getByTestId('daily-chart').locator('canvas').count()).toBe(1);
    expect(owner.errors).toEqual([]);
    expect(owner.foreign).toEqual([]);
    await screenshot(owner.page, 'stats');

    // A watcher is not the owner: the page says so instead of showing figures.
    await watchers[0]!.page.goto(`${s.url}/video/${archive.bvid}/stats`);
    await expect.poll(() => watchers[0]!.page.getByTestId('online-now').count()).toBe(0);

    // The watcher's history page shows their own totals.
    await watchers[1]!.page.goto(`${s.url}/history`);
    await expect
      .poll(() => watchers[1]!.page.getByTestId('watch-totals').textContent())
      .toMatch(/^Last 30 days: 1 play, \d+:\d\d watched\.$/);
  });
});
