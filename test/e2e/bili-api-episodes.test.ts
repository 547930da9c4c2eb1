import { Auth, Client } from '@renmu/bili-api';
import type { Video } from '@renmu/bili-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * An episode of a season played by a real third-party client, `@renmu/bili-api`: the web player's
 * heartbeat with `type` 4, `epid` and `sid` goes through the library's own axios instance (pointed at
 * Replay by rewriting `https://api.bilibili.com`), and the history, the season page and the library's own
 * player call read it back.
 */

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
  request.interceptors.request.use((config) => {
    if (config.url?.startsWith(API)) config.url = url + config.url.slice(API.length);
    return config;
  });
  return request;
}

/** The contract's pgc example: 百妖谱 ss26193, 第8话 庆忌（下） ep326789 on av370908663 / cid 199204975. */
const EP = { epid: 326789, aid: 370908663, cid: 199204975 };

describe.each(dialects())('@renmu/bili-api against Replay: an episode of a season (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    const up = await s.signedIn();
    await s.admin.createArchive({
      aid: EP.aid,
      title: '百妖谱 第8话',
      owner_mid: up.mid,
      pages: [{ cid: EP.cid, part: '第8话', duration: 1402 }],
    });
    await s.admin.seasons.create({
      season_id: 26193,
      title: '百妖谱',
      sub_type: 4,
      total: 12,
      episodes: [{ epid: EP.epid, aid: EP.aid, title: '8', long_title: '庆忌（下）' }],
    });
  });
  afterAll(async () => s.close());

  it('an episode heartbeat through the library is read back as a pgc entry, on the season page and in the player', async () => {
    const { mid } = await s.signedIn('renmu-episode-viewer');
    const session = await s.admin.issueSession(mid);
    const auth = new Auth();
    auth.setAuth(session.cookies, mid);
    const video = new Client(auth).video;
    const http = pointAtReplay(video, s.url);

    const heartbeat = (await http.post(
      `${API}/x/click-interface/web/heartbeat`,
      {
        aid: EP.aid,
        cid: EP.cid,
        epid: EP.epid,
        sid: 26193,
        mid,
        played_time: 533,
        realtime: 533,
        real_played_time: 533,
        start_ts: 1592985274,
        type: 4,
        sub_type: 4,
        dt: 2,
        play_type: 0,
        csrf: session.cookies.bili_jct,
      },
      RAW,
    )) as { data: unknown };
    expect(heartbeat.data).toEqual({ code: 0, message: '0', ttl: 1 });

    const cursor = (await http.get(`${API}/x/web-interface/history/cursor`, { params: { ps: 5 } })) as {
      cursor: { max: number; business: string };
      list: {
        kid: number;
        badge: string;
        show_title: string;
        progress: number;
        history: { epid: number; oid: number; cid: number; business: string };
      }[];
    };
    expect(cursor.cursor).toMatchObject({ max: 26193, business: 'pgc' });
    expect(cursor.list).toMatchObject([
      {
        kid: 26193,
        badge: '国创',
        show_title: '第8话 庆忌（下）',
        progress: 533,
        history: { epid: EP.epid, oid: EP.aid, cid: EP.cid, business: 'pgc' },
      },
    ]);

    const season = (await http.get(`${API}/pgc/view/web/season`, { params: { ep_id: EP.epid }, ...RAW })) as {
      data: { code: number; result: { season_id: number; user_status: { progress: unknown } } };
    };
    expect(season.data.code).toBe(0);
    expect(season.data.result.season_id).toBe(26193);
    expect(season.data.result.user_status.progress).toEqual({
      last_ep_id: EP.epid,
      last_ep_index: '8',
      last_time: 533,
    });

    // The library's own Wbi-signed player call resumes the episode (milliseconds). It signs with the keys
    // of nav's wbi_img, which it fetches with the global axios: read through its instance and handed over.
    const nav = (await http.get(`${API}/x/web-interface/nav`)) as {
      wbi_img: { img_url: string; sub_url: string };
    };
    const stem = (u: string) => u.slice(u.lastIndexOf('/') + 1, u.lastIndexOf('.'));
    (video as unknown as { wbiKeys: { img_key: string; sub_key: string } }).wbiKeys = {
      img_key: stem(nav.wbi_img.img_url),
      sub_key: stem(nav.wbi_img.sub_url),
    };
    const player = (await video.playerInfo({ aid: EP.aid, cid: EP.cid })) as unknown;
    expect(player).toMatchObject({
      aid: EP.aid,
      cid: EP.cid,
      last_play_time: 533_000,
      last_play_cid: EP.cid,
    });

    // An episode of another season is refused with the envelope's code.
    await expect(
      http.post(
        `${API}/x/click-interface/web/heartbeat`,
        { aid: EP.aid, cid: EP.cid, epid: EP.epid, sid: 1, type: 4, csrf: session.cookies.bili_jct },
        FORM,
      ),
    ).rejects.toMatchObject({ code: -400 });
  });
});
