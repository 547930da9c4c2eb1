import { Auth, Client } from '@renmu/bili-api';
import type { Video } from '@renmu/bili-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * The contract's heartbeat and history/report examples sent by a real third-party client,
 * `@renmu/bili-api`, through its own axios instance, pointed at Replay by a request interceptor that
 * rewrites `https://api.bilibili.com`; then read back with the same client from /history/cursor and the
 * player.
 */

/** The part of axios this test uses on the library's instance (`Video.request`). */
interface AxiosLike {
  interceptors: { request: { use(onFulfilled: (config: { url?: string }) => { url?: string }): number } };
  get(url: string, config?: Record<string, unknown>): Promise<unknown>;
  post(url: string, data: unknown, config?: Record<string, unknown>): Promise<unknown>;
}

const API = 'https://api.bilibili.com';
const FORM = { headers: { 'content-type': 'application/x-www-form-urlencoded' } };
const RAW = { ...FORM, extra: { rawResponse: true } };

function pointAtReplay(video: Video, url: string): AxiosLike {
  const request = video.request as unknown as AxiosLike;
  // axios runs request interceptors last-registered first, so this rewrite happens before the library's
  // own interceptor (which adds the cookie and the Host header from the URL).
  request.interceptors.request.use((config) => {
    if (config.url?.startsWith(API)) config.url = url + config.url.slice(API.length);
    return config;
  });
  return request;
}

describe.each(dialects())('@renmu/bili-api against Replay: watch reporting (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    const up = await s.signedIn();
    await s.admin.createArchive({
      aid: 2,
      title: '字幕君交流场所',
      owner_mid: up.mid,
      pages: [{ cid: 62131, part: '字幕君交流场所', duration: 245 }],
    });
    await s.admin.createArchive({
      aid: 13662970,
      title: 'history/report example',
      owner_mid: up.mid,
      pages: [{ cid: 126654047, part: 'P1', duration: 1800 }],
    });
  });
  afterAll(async () => s.close());

  it('heartbeat and report examples are acknowledged and read back from the cursor list and the player', async () => {
    const { mid } = await s.signedIn('renmu-viewer');
    const session = await s.admin.issueSession(mid);
    const auth = new Auth();
    auth.setAuth(session.cookies, mid);
    const video = new Client(auth).video;
    const http = pointAtReplay(video, s.url);

    // The library signs Wbi with the keys of nav's wbi_img; it fetches them with the global axios, so
    // they are read here through its instance (already pointed at Replay) and handed over.
    const nav = (await http.get(`${API}/x/web-interface/nav`)) as {
      wbi_img: { img_url: string; sub_url: string };
    };
    const stem = (u: string) => u.slice(u.lastIndexOf('/') + 1, u.lastIndexOf('.'));
    (video as unknown as { wbiKeys: { img_key: string; sub_key: string } }).wbiKeys = {
      img_key: stem(nav.wbi_img.img_url),
      sub_key: stem(nav.wbi_img.sub_url),
    };

    // CONTRACT.md §6.2 example, with the web player's signed w_* URL mirror.
    const example = {
      aid: 2,
      bvid: 'BV1xx411c7mD',
      cid: 62131,
      played_time: 60,
      realtime: 60,
      start_ts: 1592720840,
      type: 3,
      dt: 2,
      play_type: 0,
    };
    const signer = video as unknown as { WbiSign(params: Record<string, unknown>): Promise<string> };
    const mirror = await signer.WbiSign({
      w_start_ts: 1592720840,
      w_mid: mid,
      w_aid: 2,
      w_dt: 2,
      w_realtime: 60,
      w_playedtime: 60,
      w_real_played_time: 60,
      w_video_duration: 245,
      w_last_play_progress_time: 60,
      web_location: 1315873,
    });
    const heartbeat = (await http.post(
      `${API}/x/click-interface/web/heartbeat?${mirror}`,
      { ...example, csrf: session.cookies.bili_jct },
      RAW,
    )) as { data: unknown };
    expect(heartbeat.data).toEqual({ code: 0, message: '0', ttl: 1 });

    // CONTRACT.md §6.1 example (Cookie mode, with csrf).
    const report = (await http.post(
      `${API}/x/v2/history/report`,
      { aid: 13662970, cid: 126654047, progress: 1248, csrf: session.cookies.bili_jct },
      RAW,
    )) as { data: unknown };
    expect(report.data).toEqual({ code: 0, message: '0', ttl: 1 });

    const cursor = (await http.get(`${API}/x/web-interface/history/cursor`, { params: { ps: 5 } })) as {
      list: { kid: number; progress: number; history: { cid: number; page: number; dt: number } }[];
    };
    expect(cursor.list.map((i) => [i.kid, i.progress, i.history.cid, i.history.page, i.history.dt])).toEqual([
      [13662970, 1248, 126654047, 1, 2],
      [2, 60, 62131, 1, 2],
    ]);

    // The library's own player call (Wbi-signed GET /x/player/wbi/v2): resume point in milliseconds.
    const player = (await video.playerInfo({ aid: 2, cid: 62131 })) as unknown;
    expect(player).toMatchObject({
      aid: 2,
      cid: 62131,
      login_mid: mid,
      last_play_time: 60_000,
      last_play_cid: 62131,
    });
    const reported = (await video.playerInfo({ aid: 13662970, cid: 126654047 })) as unknown;
    expect(reported).toMatchObject({ last_play_time: 1_248_000, last_play_cid: 126654047 });
  });

  it('errors reach the library as BiliResponseError with the envelope code', async () => {
    const { mid } = await s.signedIn();
    const session = await s.admin.issueSession(mid);
    const auth = new Auth();
    auth.setAuth(session.cookies, mid);
    const http = pointAtReplay(new Client(auth).video, s.url);
    await expect(
      http.post(`${API}/x/v2/history/report`, { aid: 13662970, cid: 126654047, csrf: 'wrong' }, FORM),
    ).rejects.toMatchObject({ code: -111 });
    await expect(
      http.post(
        `${API}/x/v2/history/report`,
        { aid: 13662970, cid: 62131, csrf: session.cookies.bili_jct },
        FORM,
      ),
    ).rejects.toMatchObject({ code: -404 });
  });
});
