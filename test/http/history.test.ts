import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';
import { HistoryShadowData } from '../../src/wire/history.schema.ts';

const OK = { code: 0, message: '0', ttl: 1 };
const TABS = [
  { type: 'archive', name: '视频' },
  { type: 'live', name: '直播' },
  { type: 'article', name: '专栏' },
];

describe.each(dialects())('history over HTTP (%s)', (dialect) => {
  let s: TestServer;
  let owner: { mid: number; uname: string };
  /** Five archives: aid 300001…300005; the third has two parts. */
  const aids = [300001, 300002, 300003, 300004, 300005];

  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    const up = await s.signedIn('history-uploader', { face: 'https://img.example/face.png' });
    owner = { mid: up.mid, uname: 'history-uploader' };
    for (const aid of aids) {
      await s.admin.createArchive({
        aid,
        title: `video ${aid}`,
        owner_mid: up.mid,
        cover: `https://img.example/${aid}.jpg`,
        desc: `about ${aid}`,
        tid: 17,
        tname: '单机游戏',
        copyright: 1,
        pubdate: 1_600_000_000,
        pages:
          aid === 300003
            ? [
                { cid: aid * 10 + 1, part: 'first', duration: 100 },
                { cid: aid * 10 + 2, part: 'second', duration: 200 },
              ]
            : [{ cid: aid * 10 + 1, part: `part of ${aid}`, duration: 300 }],
      });
    }
  });
  afterAll(async () => s.close());

  /** A user who watched every archive, one per 10 s, the last one (300005) most recently. */
  async function watcher(): Promise<{ client: BiliClient; mid: number; times: number[] }> {
    const u = await s.signedIn();
    const times: number[] = [];
    for (const aid of aids) {
      s.clock.advance(10);
      times.push(Math.floor(s.clock.nowMs() / 1000));
      const cid = aid === 300003 ? aid * 10 + 2 : aid * 10 + 1;
      expect(await u.client.history.report({ aid, cid, progress: aid % 100 })).toEqual(OK);
    }
    return { ...u, times };
  }

  describe('GET /x/web-interface/history/cursor', () => {
    it('lists newest first with every §7.1 field filled from the catalogue', async () => {
      const { client, times } = await watcher();
      const body = await client.history.cursor({ ps: 3 });
      expect(body).toMatchObject(OK);
      expect(body.data!.tab).toEqual(TABS);
      expect(body.data!.list.map((i) => i.kid)).toEqual([300005, 300004, 300003]);
      expect(body.data!.cursor).toEqual({ max: 300003, view_at: times[2], business: 'archive', ps: 3 });
      expect(body.data!.list[2]).toEqual({
        title: 'video 300003',
        long_title: '',
        cover: 'https://img.example/300003.jpg',
        covers: null,
        uri: '',
        history: {
          oid: 300003,
          epid: 0,
          bvid: (await s.admin.getArchive(300003)).bvid,
          page: 2,
          cid: 3000032,
          part: 'second',
          business: 'archive',
          dt: 2,
        },
        videos: 2,
        author_name: owner.uname,
        author_face: 'https://img.example/face.png',
        author_mid: owner.mid,
        view_at: times[2],
        progress: 3,
        badge: '',
        show_title: 'second',
        duration: 200,
        current: '',
        total: 0,
        new_desc: '',
        is_finish: 0,
        is_fav: 0,
        kid: 300003,
        tag_name: '单机游戏',
        live_status: 0,
      });
      expect(body.data!.list[0]).toMatchObject({ show_title: '', videos: 1, duration: 300, progress: 5 });
    });

    it('pages by passing back the cursor, to an empty page with a zero cursor', async () => {
      const { client } = await watcher();
      const first = (await client.history.cursor({ ps: 2 })).data!;
      const second = (await client.history.cursor({ ...first.cursor })).data!;
      expect(second.list.map((i) => i.kid)).toEqual([300003, 300002]);
      const third = (await client.history.cursor({ ...second.cursor })).data!;
      expect(third.list.map((i) => i.kid)).toEqual([300001]);
      expect(third.cursor).toMatchObject({ max: 300001, ps: 2 });
      const done = (await client.history.cursor({ ...third.cursor })).data!;
      expect(done).toEqual({ cursor: { max: 0, view_at: 0, business: '', ps: 2 }, tab: TABS, list: [] });
    });

    it('entries viewed in the same second page by (business, kid) without loss or repeats', async () => {
      const u = await s.signedIn();
      for (const aid of aids) {
        expect(await u.client.history.report({ aid, cid: aid * 10 + 1 })).toEqual(OK);
      }
      const seen: number[] = [];
      let cursor = {};
      for (let i = 0; i < 5; i++) {
        const page = (await u.client.history.cursor({ ...cursor, ps: 2 })).data!;
        if (page.list.length === 0) break;
        seen.push(...page.list.map((x) => x.kid));
        cursor = page.cursor;
      }
      expect(seen).toEqual([...aids].reverse());
    });

    it('view_at alone (max 0) starts at that time, inclusive', async () => {
      const { client, times } = await watcher();
      const body = await client.history.cursor({ view_at: times[1], ps: 30 });
      expect(body.data!.list.map((i) => i.kid)).toEqual([300002, 300001]);
    });

    it('type filter: archive and all list videos; live and article have none here', async () => {
      const { client } = await watcher();
      expect((await client.history.cursor({ type: 'archive' })).data!.list).toHaveLength(5);
      expect((await client.history.cursor({ type: 'all' })).data!.list).toHaveLength(5);
      expect((await client.history.cursor({ type: 'live' })).data!.list).toEqual([]);
      expect((await client.history.cursor({ type: 'article' })).data!.list).toEqual([]);
    });

    it('-400 for ps outside 1–30, an unknown type or business; -101 without a cookie login', async () => {
      const { client, accessKey } = await s.signedIn();
      for (const params of [{ ps: 31 }, { ps: 0 }, { type: 'music' }, { business: 'cheese' }, { max: -1 }]) {
        const body = await client.get('/x/web-interface/history/cursor', params);
        expect(body).toMatchObject({ code: -400 });
        expect((body as { message: string }).message).toContain(Object.keys(params)[0]!);
      }
      expect((await client.history.cursor({ ps: 30 })).code).toBe(0);
      expect((await s.anonymous().history.cursor()).code).toBe(-101);
      expect((await createClient({ baseUrl: s.url, accessKey }).history.cursor()).code).toBe(-101);
    });

    it('keeps entries whose archive is gone', async () => {
      const { client, mid } = await s.signedIn();
      await sql`INSERT INTO history (mid, business, kid, oid, epid, cid, page, progress, dt, view_at)
                VALUES (${mid}, 'archive', 999001, 999001, 0, 5, 1, 12, 2, 100)`.execute(s.handle.db);
      const item = (await client.history.cursor()).data!.list[0]!;
      expect(item).toMatchObject({
        title: '',
        cover: '',
        kid: 999001,
        progress: 12,
        videos: 0,
        author_mid: 0,
        history: { oid: 999001, cid: 5, page: 1, part: '', bvid: expect.stringMatching(/^BV1/) as unknown },
      });
    });
  });

  describe('GET /x/v2/history', () => {
    it('pn/ps pages with every §7.2 entry field', async () => {
      const { client, times } = await watcher();
      const clicker = await s.signedIn();
      expect(await clicker.client.history.click({ aid: 300004 })).toEqual(OK);
      const body = await client.history.list({ pn: 1, ps: 2 });
      expect(body).toMatchObject(OK);
      expect(body.data!.map((e) => e.aid)).toEqual([300005, 300004]);
      expect((await client.history.list({ pn: 2, ps: 2 })).data!.map((e) => e.aid)).toEqual([300003, 300002]);
      expect((await client.history.list({ pn: 4, ps: 2 })).data).toEqual([]);
      const bvid = (await s.admin.getArchive(300004)).bvid;
      expect(body.data![1]).toEqual({
        aid: 300004,
        videos: 1,
        tid: 17,
        tname: '单机游戏',
        copyright: 1,
        pic: 'https://img.example/300004.jpg',
        title: 'video 300004',
        pubdate: 1_600_000_000,
        ctime: expect.any(Number) as unknown,
        desc: 'about 300004',
        state: 0,
        attribute: 0,
        duration: 300,
        rights: {
          bp: 0,
          elec: 0,
          download: 1,
          movie: 0,
          pay: 0,
          hd5: 0,
          no_reprint: 1,
          autoplay: 1,
          ugc_pay: 0,
          is_cooperation: 0,
          ugc_pay_preview: 0,
          no_background: 0,
        },
        owner: { mid: owner.mid, name: owner.uname, face: 'https://img.example/face.png' },
        stat: {
          aid: 300004,
          view: (await s.admin.history.archiveStats(300004)).view,
          danmaku: 0,
          reply: 0,
          favorite: 0,
          coin: 0,
          share: 0,
          now_rank: 0,
          his_rank: 0,
          like: 0,
          dislike: 0,
        },
        dynamic: '',
        cid: 3000041,
        dimension: { width: 1920, height: 1080, rotate: 0 },
        favorite: false,
        type: 3,
        sub_type: 0,
        device: 2,
        page: {
          cid: 3000041,
          page: 1,
          from: 'vupload',
          part: 'part of 300004',
          duration: 300,
          vid: '',
          weblink: '',
          dimension: { width: 1920, height: 1080, rotate: 0 },
        },
        count: 1,
        progress: 4,
        view_at: times[3],
        kid: 300004,
        business: 'archive',
        redirect_link: `${s.config.publicUrl}/video/${bvid}`,
        bvid,
      });
      expect(body.data![1]!.stat.view).toBeGreaterThanOrEqual(1);
      // The watched part of a multi-part archive, with `cid` still naming part 1.
      const multi = (await client.history.list({ pn: 2, ps: 2 })).data![0]!;
      expect(multi).toMatchObject({ cid: 3000031, videos: 2, count: 2, duration: 300 });
      expect(multi.page).toMatchObject({ cid: 3000032, page: 2, part: 'second', duration: 200 });
    });

    it('stat.reply is the archive comment area all_count', async () => {
      const { client } = await watcher();
      await s.handle.db
        .updateTable('areas')
        .set({ all_count: 7 })
        .where('type', '=', 1)
        .where('oid', '=', 300001)
        .execute();
      const entry = (await client.history.list({ ps: 30 })).data!.find((e) => e.aid === 300001)!;
      expect(entry.stat.reply).toBe(7);
    });

    it('-400 for pn/ps out of range, -101 logged out', async () => {
      const { client } = await s.signedIn();
      for (const params of [{ pn: 0 }, { ps: 0 }, { ps: 101 }, { pn: 'x' }]) {
        expect(await client.get('/x/v2/history', params)).toMatchObject({ code: -400 });
      }
      expect((await client.history.list()).data).toEqual([]);
      expect((await s.anonymous().history.list()).code).toBe(-101);
    });
  });

  describe('POST /x/v2/history/delete and /clear', () => {
    it('delete removes one entry by kid; absent entries and other businesses succeed', async () => {
      const { client } = await watcher();
      expect(await client.history.delete('archive_300003')).toEqual(OK);
      const kids = (await client.history.cursor()).data!.list.map((i) => i.kid);
      expect(kids).toEqual([300005, 300004, 300002, 300001]);
      for (const kid of [
        'archive_300003',
        'live_14047',
        'article_6233590',
        'pgc_26193',
        'article-list_268656',
      ]) {
        expect(await client.history.delete(kid)).toEqual(OK);
      }
      expect((await client.history.cursor()).data!.list).toHaveLength(4);
    });

    it('a malformed kid is -400; csrf and login are required', async () => {
      const { client } = await watcher();
      for (const kid of ['300003', 'archive_', 'archive_abc', 'video_1', 'archive_0', 'archive_-1', '']) {
        const body = await client.history.delete(kid);
        expect(body).toMatchObject({ code: -400 });
        expect((body as { message: string }).message).toContain('kid');
      }
      expect(await client.post('/x/v2/history/delete', {})).toMatchObject({ code: -400 });
      expect(await client.post('/x/v2/history/delete', { kid: 'archive_300001', csrf: 'x' })).toMatchObject({
        code: -111,
      });
      expect((await s.anonymous().history.delete('archive_300001')).code).toBe(-101);
      expect((await client.history.cursor()).data!.list).toHaveLength(5);
    });

    it('clear removes every entry of the user only', async () => {
      const a = await watcher();
      const b = await watcher();
      expect(await a.client.history.clear()).toEqual(OK);
      expect((await a.client.history.cursor()).data!.list).toEqual([]);
      expect((await b.client.history.cursor()).data!.list).toHaveLength(5);
      expect(await a.client.post('/x/v2/history/clear', { csrf: 'x' })).toMatchObject({ code: -111 });
      expect((await s.anonymous().history.clear()).code).toBe(-101);
    });
  });

  describe('shadow (pause recording)', () => {
    it('while paused, reports and heartbeats succeed and store nothing; resuming records again', async () => {
      const { client, mid } = await s.signedIn();
      const paused = await client.history.shadow();
      expect(paused).toEqual({ ...OK, data: false });
      expectWire(HistoryShadowData, paused.data);
      expect(await client.history.report({ aid: 300001, cid: 3000011, progress: 10 })).toEqual(OK);

      expect(await client.history.setShadow(true)).toEqual(OK);
      expect(await client.history.shadow()).toEqual({ ...OK, data: true });
      expect(await client.history.report({ aid: 300001, cid: 3000011, progress: 99 })).toEqual(OK);
      expect(await client.history.report({ aid: 300002, cid: 3000021, progress: 5 })).toEqual(OK);
      expect(
        await client.history.heartbeat({ aid: 300002, played_time: 7, realtime: 7, session: 'paused' }),
      ).toEqual(OK);
      // Existing entries are untouched, nothing new appears, no play session is kept.
      const list = (await client.history.cursor()).data!.list;
      expect(list.map((i) => [i.kid, i.progress])).toEqual([[300001, 10]]);
      expect((await client.player.info({ aid: 300001, cid: 3000011 })).data!.last_play_time).toBe(10_000);
      expect((await s.admin.history.watchSessions(mid)).items).toEqual([]);

      expect(await client.post('/x/v2/history/shadow/set', { switch: 'false' })).toEqual(OK);
      expect(await client.history.shadow()).toEqual({ ...OK, data: false });
      expect(await client.history.report({ aid: 300002, cid: 3000021, progress: 6 })).toEqual(OK);
      expect((await client.history.cursor()).data!.list.map((i) => [i.kid, i.progress])).toEqual([
        [300002, 6],
        [300001, 10],
      ]);
    });

    it('switch defaults to false; a non-boolean is -400; csrf and login required', async () => {
      const { client } = await s.signedIn();
      expect(await client.post('/x/v2/history/shadow/set', { switch: 'true' })).toEqual(OK);
      expect(await client.post('/x/v2/history/shadow/set', {})).toEqual(OK);
      expect((await client.history.shadow()).data).toBe(false);
      expect(await client.post('/x/v2/history/shadow/set', { switch: 'maybe' })).toMatchObject({
        code: -400,
      });
      expect(await client.post('/x/v2/history/shadow/set', { switch: 'true', csrf: 'x' })).toMatchObject({
        code: -111,
      });
      expect((await client.history.shadow()).data).toBe(false);
      expect((await s.anonymous().history.shadow()).code).toBe(-101);
      expect((await s.anonymous().history.setShadow(true)).code).toBe(-101);
    });
  });
});
