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
  openPage,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';

type Form = Record<string, string>;

/** Records what the page sends to an endpoint (form bodies and URL queries) and the codes it got back. */
function record(page: Page, path: string): { sent: Form[]; queries: Form[]; codes: number[] } {
  const log = { sent: [] as Form[], queries: [] as Form[], codes: [] as number[] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== path) return;
    log.sent.push(Object.fromEntries(new URLSearchParams(request.postData() ?? '')));
    log.queries.push(Object.fromEntries(url.searchParams));
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname !== path) return;
    void response.json().then(
      (body: { code: number }) => log.codes.push(body.code),
      () => log.codes.push(Number.NaN),
    );
  });
  return log;
}

const whenReady = (page: Page) =>
  page
    .locator('video')
    .evaluate(
      (v: HTMLVideoElement) =>
        v.readyState >= 1 ||
        new Promise((resolve) => v.addEventListener('loadedmetadata', resolve, { once: true })),
    );

describeBrowser('watch page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    const owner = await s.admin.createUser({ uname: 'uploader', password: 'secret-pass' });
    // Parts as long as the project's test video (24 s), which every part plays.
    archive = await s.admin.createArchive({
      title: 'Heartbeat test',
      owner_mid: owner.mid,
      desc: 'Two parts of the test pattern.',
      pages: [
        { part: 'Opening', duration: 24 },
        { part: 'Second half', duration: 24 },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('plays a real <video> and reports 1 start, 0 every interval, 2 pause, 3 resume, 4 end with played_time=-1', async () => {
    const v = await openSignedIn(browser, s, 'watcher', {}, { heartbeatMs: 400 });
    const beats = record(v.page, '/x/click-interface/web/heartbeat');
    const clicks = record(v.page, '/x/click-interface/click/web/h5');
    await v.page.goto(`${s.url}/video/${archive.bvid}`);
    await v.page.getByRole('heading', { name: 'Heartbeat test' }).waitFor();
    expect(await v.page.locator('.views').textContent()).toBe('0 views');
    await whenReady(v.page);
    expect(await v.page.locator('video').evaluate((el: HTMLVideoElement) => Math.round(el.duration))).toBe(
      24,
    );
    await expectLabelled(v.page);

    const video = v.page.locator('video');
    await video.evaluate((el: HTMLVideoElement) => el.play());
    await eventually(() =>
      expect(beats.sent.filter((b) => b['play_type'] === '0').length).toBeGreaterThanOrEqual(2),
    );
    await video.evaluate((el: HTMLVideoElement) => el.pause());
    await eventually(() => expect(beats.sent.at(-1)!['play_type']).toBe('2'));
    await video.evaluate((el: HTMLVideoElement) => el.play());
    await eventually(() => expect(beats.sent.at(-1)!['play_type']).toBe('3'));
    await video.evaluate((el: HTMLVideoElement) => (el.currentTime = el.duration - 0.6));
    await eventually(() => expect(beats.sent.at(-1)!['play_type']).toBe('4'), 15_000);

    const types = beats.sent.map((b) => b['play_type']).join('');
    expect(types).toMatch(/^10{2,}20*30*4$/);
    const end = beats.sent.at(-1)!;
    expect(end['played_time']).toBe('-1');
    const pause = beats.sent.find((b) => b['play_type'] === '2')!;
    const session = beats.sent[0]!['session'];
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    for (const beat of beats.sent) {
      expect(beat).toMatchObject({
        aid: String(archive.aid),
        bvid: archive.bvid,
        cid: String(archive.pages[0]!.cid),
        mid: String(v.mid),
        type: '3',
        sub_type: '0',
        dt: '2',
        session,
        csrf: v.client.cookies['bili_jct'],
        video_duration: '24',
      });
      expect(JSON.parse(beat['extra']!)).toEqual({ player_version: 'replay-web-1' });
    }
    expect(Number(pause['played_time'])).toBeGreaterThanOrEqual(0);
    // The URL carries the Wbi-signed w_* mirror, as the web player sends it.
    expect(beats.queries[0]).toMatchObject({ w_aid: String(archive.aid), web_location: '1315873' });
    expect(beats.queries[0]!['w_rid']).toMatch(/^[0-9a-f]{32}$/);
    await eventually(() => expect(beats.codes.length).toBe(beats.sent.length));
    expect(beats.codes.every((code) => code === 0)).toBe(true);
    expect(clicks.sent).toHaveLength(1);
    expect(clicks.sent[0]).toMatchObject({ aid: String(archive.aid), cid: String(archive.pages[0]!.cid) });

    // What the server made of it: history says finished (-1), the session holds every heartbeat.
    await eventually(async () => {
      const list = (await v.client.history.cursor()).data!.list;
      expect(list[0]).toMatchObject({ kid: archive.aid, progress: -1 });
    });
    const sessions = await s.admin.history.watchSessions(v.mid, { aid: archive.aid });
    expect(sessions.items[0]).toMatchObject({
      aid: archive.aid,
      play_type: 4,
      heartbeats: beats.sent.length,
    });

    // The view count shown is the server's.
    await v.page.reload();
    await v.page.locator('.views').filter({ hasText: '1 view' }).waitFor();
    expect(v.foreign).toEqual([]);
    expect(v.errors).toEqual([]);
    await screenshot(v.page, 'watch');
    await v.context.close();
  });

  it('resumes where the viewer left (the leave report) after a reload, in the part watched last', async () => {
    const v = await openSignedIn(browser, s, 'resumer', {}, { heartbeatMs: 400 });
    const beats = record(v.page, '/x/click-interface/web/heartbeat');
    const second = archive.pages[1]!;
    await v.page.goto(`${s.url}/video/${archive.bvid}?p=2`);
    await whenReady(v.page);
    const video = v.page.locator('video');
    await video.evaluate((el: HTMLVideoElement) => {
      el.currentTime = 6;
      return el.play();
    });
    await eventually(() =>
      expect(beats.sent.filter((b) => b['play_type'] === '0').length).toBeGreaterThanOrEqual(1),
    );
    await video.evaluate((el: HTMLVideoElement) => el.pause());
    // Wait for the pause heartbeat itself, then for its answer: counting answers alone can be satisfied
    // before the pause event has been reported at all.
    await eventually(() => expect(beats.sent.at(-1)?.['play_type']).toBe('2'));
    await eventually(() => expect(beats.codes.length).toBe(beats.sent.length));
    const paused = Number(beats.sent.at(-1)!['played_time']);
    expect(paused).toBeGreaterThanOrEqual(6);
    expect(paused).toBeLessThan(15);
    // Seeking sends no heartbeat; only the report sent when the page is left carries this position.
    await video.evaluate((el: HTMLVideoElement) => (el.currentTime = 15.2));
    const sent = beats.sent.length;

    // Opening the video without ?p goes to the part watched last, at the position reached.
    await v.page.goto(`${s.url}/video/${archive.bvid}`);
    await v.page.waitForURL(`${s.url}/video/${archive.bvid}?p=2`);
    await whenReady(v.page);
    await v.page.getByRole('status').filter({ hasText: 'Resumed at 0:15' }).waitFor();
    const at = await v.page.locator('video').evaluate((el: HTMLVideoElement) => el.currentTime);
    expect(Math.abs(at - 15)).toBeLessThan(0.5);
    expect(beats.sent.length).toBe(sent);
    expect((await v.client.player.info({ aid: archive.aid, cid: second.cid })).data).toMatchObject({
      last_play_time: 15_000,
      last_play_cid: second.cid,
    });
    expect(await v.page.locator('.parts a[aria-current="true"]').textContent()).toContain('Second half');

    // "Start over" goes back to 0.
    await v.page.getByRole('button', { name: 'Start over' }).click();
    expect(await v.page.locator('video').evaluate((el: HTMLVideoElement) => el.currentTime)).toBe(0);
    expect(v.foreign).toEqual([]);
    await v.context.close();
  });

  it('an unknown video says so', async () => {
    const b = await openPage(browser, s);
    await b.page.goto(`${s.url}/video/BV1xx411c7mQ`);
    await b.page.getByRole('heading', { name: 'Video not found' }).waitFor();
    await b.page.goto(`${s.url}/video/not-a-video`);
    await b.page.getByText('That is not a video address.').waitFor();
    await b.context.close();
  });
});
