import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  eventually,
  expectLabelled,
  launchChromium,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';

/** The heartbeat forms the page sends. */
function heartbeats(page: Page): Record<string, string>[] {
  const sent: Record<string, string>[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname !== '/x/click-interface/web/heartbeat') return;
    sent.push(Object.fromEntries(new URLSearchParams(request.postData() ?? '')));
  });
  return sent;
}

describeBrowser('season pages in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  const episodes: AdminArchive[] = [];
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    const owner = await s.admin.createUser({ uname: 'studio', password: 'secret-pass' });
    for (const n of [1, 2, 3]) {
      // As long as the project's test video (24 s), which every part plays.
      episodes.push(
        await s.admin.createArchive({
          title: `Episode archive ${n}`,
          owner_mid: owner.mid,
          pages: [{ part: `第${n}话`, duration: 24 }],
        }),
      );
    }
    await s.admin.seasons.create({
      season_id: 26193,
      title: '百妖谱',
      sub_type: 4,
      total: 12,
      episodes: episodes.map((a, i) => ({
        epid: 326790 + i,
        aid: a.aid,
        title: String(i + 1),
        long_title: ['桃夭', '庆忌（上）', '庆忌（下）'][i]!,
      })),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('plays an episode from the season page; history shows the season with its badge and the episode title', async () => {
    const v = await openSignedIn(browser, s, 'bangumi-fan', {}, { heartbeatMs: 400 });
    const sent = heartbeats(v.page);

    await v.page.goto(`${s.url}/bangumi/play/ss26193`);
    await v.page.getByRole('heading', { name: /百妖谱/ }).waitFor();
    expect(await v.page.locator('.season .badge').textContent()).toBe('国创');
    expect(await v.page.locator('.season .muted').first().textContent()).toBe('更新至第3话');
    await expectLabelled(v.page);
    await v.page.getByRole('link', { name: /^第2话/ }).click();

    // The watch page of the episode's archive, with the season's previous/next.
    await v.page.waitForURL(`**/video/${episodes[1]!.bvid}?ep=326791`);
    const nav = v.page.getByRole('navigation', { name: /百妖谱/ });
    await nav.waitFor();
    expect(await nav.getByRole('link', { name: 'Previous: 第1话' }).getAttribute('href')).toBe(
      `/video/${episodes[0]!.bvid}?ep=326790`,
    );
    expect(await nav.getByRole('link', { name: 'Next: 第3话' }).getAttribute('href')).toBe(
      `/video/${episodes[2]!.bvid}?ep=326792`,
    );
    const video = v.page.locator('video');
    await video.evaluate(
      (el: HTMLVideoElement) =>
        el.readyState >= 1 ||
        new Promise((resolve) => el.addEventListener('loadedmetadata', resolve, { once: true })),
    );
    await video.evaluate((el: HTMLVideoElement) => {
      el.currentTime = 7;
      return el.play();
    });
    await eventually(() =>
      expect(sent.filter((b) => b['play_type'] === '0').length).toBeGreaterThanOrEqual(1),
    );
    await video.evaluate((el: HTMLVideoElement) => el.pause());
    await eventually(() => expect(sent.at(-1)!['play_type']).toBe('2'));
    expect(sent[0]).toMatchObject({
      aid: String(episodes[1]!.aid),
      type: '4',
      sub_type: '4',
      epid: '326791',
      sid: '26193',
    });
    await screenshot(v.page, 'season-watch');

    await v.page.goto(`${s.url}/history`);
    const item = v.page.locator('.history-item').first();
    await item.waitFor();
    expect(await item.getByRole('heading').textContent()).toBe('百妖谱 国创');
    expect(await item.locator('.badge').textContent()).toBe('国创');
    expect(await item.locator('p.part').first().textContent()).toBe('第2话 庆忌（上）');
    expect(await item.getByRole('link', { name: '百妖谱' }).getAttribute('href')).toBe(
      '/bangumi/play/ss26193',
    );

    // Back on the season page: continue where the viewer stopped.
    await v.page.goto(`${s.url}/bangumi/play/ss26193`);
    const resume = v.page.getByRole('link', { name: /^Continue 第2话 at 0:0[7-9]$/ });
    await resume.waitFor();
    expect(await resume.getAttribute('href')).toBe(`/video/${episodes[1]!.bvid}?ep=326791`);
    await screenshot(v.page, 'season');
    expect(v.errors).toEqual([]);
  });
});
