import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, signWbi } from '../../src/client/index.ts';
import type { BiliClient, BiliEnvelope, HistoryCursorItem } from '../../src/client/index.ts';
import { toSearchParams } from '../../src/client/http.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const OK = { code: 0, message: '0', ttl: 1 };
type Envelope = BiliEnvelope<unknown>;

/** The archives of the contract's examples, plus a three-part one. */
const AV2 = { aid: 2, bvid: 'BV1xx411c7mD', cid: 62131, duration: 245 };
const REPORT_EXAMPLE = { aid: 13662970, cid: 126654047 };
const MULTI = { aid: 170001, cids: [279786, 279787, 279788], durations: [120, 150, 180] };

async function setupCatalog(s: TestServer): Promise<{ ownerMid: number; owner: BiliClient }> {
  const up = await s.signedIn();
  await s.admin.createArchive({
    aid: AV2.aid,
    title: '字幕君交流场所',
    owner_mid: up.mid,
    tname: 'VOCALOID·UTAU',
    pages: [{ cid: AV2.cid, part: '字幕君交流场所', duration: AV2.duration }],
  });
  await s.admin.createArchive({
    aid: REPORT_EXAMPLE.aid,
    title: 'report example',
    owner_mid: up.mid,
    pages: [{ cid: REPORT_EXAMPLE.cid, part: 'P1', duration: 1500 }],
  });
  await s.admin.createArchive({
    aid: MULTI.aid,
    title: 'three parts',
    owner_mid: up.mid,
    pages: MULTI.cids.map((cid, i) => ({ cid, part: `P${i + 1}`, duration: MULTI.durations[i]! })),
  });
  return { ownerMid: up.mid, owner: up.client };
}

async function firstEntry(client: BiliClient): Promise<HistoryCursorItem | undefined> {
  const body = await client.history.cursor();
  expect(body.code).toBe(0);
  return body.data!.list[0];
}

describe.each(dialects())('watch reporting over HTTP (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    await setupCatalog(s);
  });
  afterAll(async () => s.close());

  describe('POST /x/v2/history/report', () => {
    it('the contract example through APP access_key is stored and listed', async () => {
      const { mid, accessKey } = await s.signedIn();
      const app = createClient({ baseUrl: s.url, accessKey });
      expect(await app.history.report({ ...REPORT_EXAMPLE, progress: 1248, platform: 'android' })).toEqual(
        OK,
      );

      const web = (await s.admin.issueSession(mid)).cookies;
      const item = await firstEntry(createClient({ baseUrl: s.url, cookies: web }));
      expect(item).toMatchObject({
        kid: REPORT_EXAMPLE.aid,
        progress: 1248,
        view_at: Math.floor(s.clock.nowMs() / 1000),
        history: { oid: REPORT_EXAMPLE.aid, cid: REPORT_EXAMPLE.cid, page: 1, business: 'archive', dt: 1 },
      });
    });

    it('Cookie mode needs csrf = bili_jct (-111), a login (-101), and an account not banned (-102)', async () => {
      const { client, mid } = await s.signedIn();
      const params = { aid: AV2.aid, cid: AV2.cid, progress: 10 };
      expect(await client.history.report(params)).toEqual(OK);
      expect(await client.post('/x/v2/history/report', { ...params, csrf: 'wrong' })).toMatchObject({
        code: -111,
        message: 'csrf 校验失败',
      });
      const noCsrf = createClient({ baseUrl: s.url, cookies: { SESSDATA: client.cookies['SESSDATA']! } });
      expect((await noCsrf.history.report(params)).code).toBe(-111);
      expect(await s.anonymous().history.report(params)).toMatchObject({ code: -101, message: '账号未登录' });
      await s.admin.updateUser(mid, { banned: true });
      expect((await client.history.report(params)).code).toBe(-102);
    });

    it('-400 naming the parameter for missing or malformed aid, cid, progress', async () => {
      const { client } = await s.signedIn();
      const cases: [Record<string, string | number>, string][] = [
        [{ cid: AV2.cid }, 'aid'],
        [{ aid: AV2.aid }, 'cid'],
        [{ aid: 'abc', cid: AV2.cid }, 'aid'],
        [{ aid: AV2.aid, cid: AV2.cid, progress: -2 }, 'progress'],
        [{ aid: AV2.aid, cid: AV2.cid, progress: 'x' }, 'progress'],
        [{ aid: AV2.aid, cid: AV2.cid, progress: 1.5 }, 'progress'],
      ];
      for (const [params, name] of cases) {
        const body = await client.post('/x/v2/history/report', params);
        expect(body).toMatchObject({ code: -400 });
        expect((body as { message: string }).message).toContain(name);
      }
      expect(await firstEntry(client)).toBeUndefined();
    });

    it('-404 for an unknown archive or a cid of another archive', async () => {
      const { client } = await s.signedIn();
      expect(await client.history.report({ aid: 999_999, cid: AV2.cid })).toMatchObject({ code: -404 });
      const foreign = await client.history.report({ aid: AV2.aid, cid: MULTI.cids[0]! });
      expect(foreign.code).toBe(-404);
      expect(foreign.message).toContain('啥都木有');
      expect(await firstEntry(client)).toBeUndefined();
    });

    it('finished rules: -1, within 5 s of the end, and beyond the end (clamped) are stored as -1', async () => {
      const { client } = await s.signedIn();
      const at = async (progress: number) => {
        expect(await client.history.report({ aid: AV2.aid, cid: AV2.cid, progress })).toEqual(OK);
        return (await firstEntry(client))!.progress;
      };
      expect(await at(0)).toBe(0);
      expect(await at(239)).toBe(239);
      expect(await at(240)).toBe(-1);
      expect(await at(1)).toBe(1);
      expect(await at(99_999)).toBe(-1);
      expect(await at(-1)).toBe(-1);
      // Progress defaults to 0.
      expect(await client.post('/x/v2/history/report', { aid: AV2.aid, cid: AV2.cid })).toEqual(OK);
      expect((await firstEntry(client))!.progress).toBe(0);
    });

    it('one entry per archive, remembering the last part reported', async () => {
      const { client } = await s.signedIn();
      expect(await client.history.report({ aid: MULTI.aid, cid: MULTI.cids[0]!, progress: 30 })).toEqual(OK);
      s.clock.advance(10);
      expect(await client.history.report({ aid: MULTI.aid, cid: MULTI.cids[2]!, progress: 50 })).toEqual(OK);
      const list = (await client.history.cursor()).data!.list;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({
        kid: MULTI.aid,
        progress: 50,
        videos: 3,
        show_title: 'P3',
        duration: 180,
        history: { cid: MULTI.cids[2], page: 3, part: 'P3' },
      });
    });

    it('concurrent reports of many users are all stored (one group commit)', async () => {
      const users = await Promise.all(Array.from({ length: 12 }, () => s.signedIn()));
      const answers = await Promise.all(
        users.map((u, i) => u.client.history.report({ aid: AV2.aid, cid: AV2.cid, progress: 100 + i })),
      );
      expect(answers).toEqual(users.map(() => OK));
      const progress = await Promise.all(users.map(async (u) => (await firstEntry(u.client))!.progress));
      expect(progress).toEqual(users.map((_, i) => 100 + i));
    });
  });

  describe('POST /x/click-interface/web/heartbeat', () => {
    const example = {
      aid: 2,
      bvid: 'BV1xx411c7mD',
      cid: 62131,
      played_time: 60,
      realtime: 60,
      start_ts: 1592720840,
      type: 3,
      dt: 2,
      play_type: 0 as const,
    };

    it('the contract example records history read back by the cursor list and the player', async () => {
      const { client } = await s.signedIn();
      expect(await client.history.heartbeat(example)).toEqual(OK);
      const item = await firstEntry(client);
      expect(item).toMatchObject({
        kid: 2,
        progress: 60,
        duration: 245,
        view_at: Math.floor(s.clock.nowMs() / 1000),
        history: { oid: 2, bvid: 'BV1xx411c7mD', cid: 62131, page: 1, part: '字幕君交流场所', dt: 2 },
      });
      const player = await client.player.info({ aid: 2, cid: 62131 });
      expect(player.data).toMatchObject({ last_play_time: 60_000, last_play_cid: 62131 });
    });

    it('names the archive by aid, bvid or both (agreeing); cid defaults to part 1', async () => {
      const { client } = await s.signedIn();
      expect(await client.history.heartbeat({ bvid: 'BV1xx411c7mD', played_time: 5 })).toEqual(OK);
      expect(await firstEntry(client)).toMatchObject({
        kid: 2,
        progress: 5,
        history: { cid: 62131, page: 1 },
      });
      expect(await client.history.heartbeat({ aid: MULTI.aid, played_time: 7 })).toEqual(OK);
      expect(await firstEntry(client)).toMatchObject({
        kid: MULTI.aid,
        history: { cid: MULTI.cids[0], page: 1 },
      });

      const bad: [Record<string, string | number>, number][] = [
        [{ played_time: 5 }, -400],
        [{ aid: 3, bvid: 'BV1xx411c7mD' }, -400],
        [{ bvid: 'BV1notabvid' }, -400],
        [{ aid: 0 }, -400],
        [{ aid: 424242 }, -404],
        [{ aid: 2, cid: MULTI.cids[1]! }, -404],
      ];
      for (const [params, code] of bad) {
        expect(await client.post('/x/click-interface/web/heartbeat', params)).toMatchObject({ code });
      }
    });

    it('-400 for bad values: played_time < -1, play_type outside 0–4, extra that is not a JSON object', async () => {
      const { client } = await s.signedIn();
      const post = (extra: Record<string, string | number>) =>
        client.post('/x/click-interface/web/heartbeat', { aid: 2, ...extra });
      const cases: Record<string, string | number>[] = [
        { played_time: -2 },
        { played_time: 'soon' },
        { play_type: 5 },
        { realtime: -1 },
        { extra: '{"player_version"' },
        { extra: '[1]' },
      ];
      for (const params of cases) {
        const body = await post(params);
        expect(body).toMatchObject({ code: -400 });
        expect((body as { message: string }).message).toContain(Object.keys(params)[0]!);
      }
      expect(await post({ extra: '{"player_version":"4.8.36"}', played_time: 3 })).toEqual(OK);
      expect((await firstEntry(client))!.progress).toBe(3);
    });

    it('played_time -1 is finished: listed as -1, and the player resumes from the start', async () => {
      const { client } = await s.signedIn();
      expect(await client.history.heartbeat({ aid: 2, cid: 62131, played_time: -1, play_type: 4 })).toEqual(
        OK,
      );
      expect((await firstEntry(client))!.progress).toBe(-1);
      expect((await client.player.info({ aid: 2, cid: 62131 })).data).toMatchObject({
        last_play_time: 0,
        last_play_cid: 62131,
      });
    });

    it('a mid other than the session user is ignored: history goes to the signed-in user', async () => {
      const other = await s.signedIn();
      const { client, mid } = await s.signedIn();
      expect(await client.history.heartbeat({ aid: 2, mid: other.mid, played_time: 9 })).toEqual(OK);
      expect(await client.history.heartbeat({ aid: 2, mid, played_time: 11 })).toEqual(OK);
      expect((await firstEntry(client))!.progress).toBe(11);
      expect(await firstEntry(other.client)).toBeUndefined();
    });

    it('csrf is optional but must match when sent; banned accounts are refused', async () => {
      const { client, mid } = await s.signedIn();
      const noJct = createClient({ baseUrl: s.url, cookies: { SESSDATA: client.cookies['SESSDATA']! } });
      expect(await noJct.history.heartbeat({ aid: 2, played_time: 1 })).toEqual(OK);
      expect((await firstEntry(client))!.progress).toBe(1);
      expect(await client.history.heartbeat({ aid: 2, played_time: 2 })).toEqual(OK);
      expect(await client.post('/x/click-interface/web/heartbeat', { aid: 2, csrf: 'nope' })).toMatchObject({
        code: -111,
      });
      // The auth checks come before parameter validation.
      expect(await client.post('/x/click-interface/web/heartbeat', { csrf: 'nope' })).toMatchObject({
        code: -111,
      });
      await s.admin.updateUser(mid, { banned: true });
      expect(await client.history.heartbeat({ aid: 2, played_time: 3 })).toMatchObject({ code: -102 });
      expect((await firstEntry(noJct))!.progress).toBe(2);
    });

    it('anonymous or APP-token heartbeats are acknowledged but record no history', async () => {
      expect(await s.anonymous().history.heartbeat({ aid: 2, played_time: 20 })).toEqual(OK);
      const { client, accessKey } = await s.signedIn();
      const app = createClient({ baseUrl: s.url, accessKey });
      expect(await app.history.heartbeat({ aid: 2, played_time: 20 })).toEqual(OK);
      expect(await firstEntry(client)).toBeUndefined();
    });

    it('accumulates watch time per play session', async () => {
      const { client, mid } = await s.signedIn();
      const start = Math.floor(s.clock.nowMs() / 1000);
      const beat = (session: string, t: number, play_type: 0 | 1 | 2 | 4 = 0) =>
        client.history.heartbeat({
          aid: MULTI.aid,
          cid: MULTI.cids[1]!,
          played_time: 40 + t,
          realtime: t,
          real_played_time: t,
          video_duration: 150,
          start_ts: start,
          play_type,
          session,
        });
      expect(await beat('a'.repeat(32), 0, 1)).toEqual(OK);
      s.clock.advance(15);
      expect(await beat('a'.repeat(32), 15)).toEqual(OK);
      s.clock.advance(15);
      expect(await beat('a'.repeat(32), 30, 2)).toEqual(OK);
      expect(await beat('b'.repeat(32), 12)).toEqual(OK);
      // A heartbeat that arrives late, with smaller cumulative times, does not shrink the session.
      expect(await beat('a'.repeat(32), 20)).toEqual(OK);

      const { items } = await s.admin.history.watchSessions(mid);
      const a = items.find((i) => i.session === 'a'.repeat(32));
      expect(a).toEqual({
        session: 'a'.repeat(32),
        aid: MULTI.aid,
        cid: MULTI.cids[1],
        start_ts: start,
        played_time: 60,
        realtime: 30,
        real_played_time: 30,
        video_duration: 150,
        play_type: 0,
        heartbeats: 4,
        first_at: start,
        last_at: start + 30,
      });
      expect(items.find((i) => i.session === 'b'.repeat(32))).toMatchObject({
        real_played_time: 12,
        heartbeats: 1,
      });
      // Without a session id, the session is the archive, part and start time; realtime stands in for
      // a missing real_played_time.
      expect(
        await client.history.heartbeat({ aid: 2, played_time: 30, realtime: 30, start_ts: 1592720840 }),
      ).toEqual(OK);
      const derived = (await s.admin.history.watchSessions(mid, { aid: 2 })).items;
      expect(derived).toHaveLength(1);
      expect(derived[0]).toMatchObject({ session: '2:62131:1592720840', real_played_time: 30, realtime: 30 });
    });

    it('the Wbi-signed w_* mirror: verified when present (-352 if wrong), fills missing body values', async () => {
      const { client } = await s.signedIn();
      expect(await client.history.heartbeat({ aid: 2, played_time: 33 }, { signed: true })).toEqual(OK);
      expect((await firstEntry(client))!.progress).toBe(33);

      const keys = s.services.wbi.keys();
      const wts = Math.floor(s.clock.nowMs() / 1000);
      const signed = signWbi(
        { w_aid: MULTI.aid, w_playedtime: 44, web_location: 1315873 },
        keys.imgKey,
        keys.subKey,
        wts,
      );
      const path = `/x/click-interface/web/heartbeat?${toSearchParams(signed).toString()}`;
      expect(await client.post(path, {})).toEqual(OK);
      expect(await firstEntry(client)).toMatchObject({ kid: MULTI.aid, progress: 44 });

      const tampered = `/x/click-interface/web/heartbeat?${toSearchParams({ ...signed, w_playedtime: 45 }).toString()}`;
      expect(await client.post(tampered, {})).toMatchObject({ code: -352, message: '风控校验失败' });
      const wrongKey = signWbi({ w_aid: 2 }, 'f'.repeat(32), 'e'.repeat(32), wts);
      expect(
        await client.post(`/x/click-interface/web/heartbeat?${toSearchParams(wrongKey).toString()}`, {}),
      ).toMatchObject({ code: -352 });
      expect((await firstEntry(client))!.progress).toBe(44);
    });
  });

  describe('heartbeats of one viewer in one batch', () => {
    it('fold exactly as one after another would (PostgreSQL merges the batch, SQLite runs it in order)', async () => {
      const { client, mid } = await s.signedIn();
      const start = Math.floor(s.clock.nowMs() / 1000);
      const before = (await s.admin.history.archiveStats(MULTI.aid)).view;
      const session = 'c'.repeat(32);
      // Sent at once: they land in one group-commit batch; two of them start a play (play_type=1).
      const answers = await Promise.all(
        [10, 40, 25, 30].map((t, i) =>
          client.history.heartbeat({
            aid: MULTI.aid,
            cid: MULTI.cids[0]!,
            played_time: t,
            realtime: t,
            real_played_time: t,
            video_duration: 150,
            start_ts: start,
            play_type: i < 2 ? 1 : 0,
            session,
          }),
        ),
      );
      expect(answers).toEqual([OK, OK, OK, OK]);
      const stored = (await s.admin.history.watchSessions(mid)).items.find((i) => i.session === session);
      expect(stored).toMatchObject({ start_ts: start, realtime: 40, real_played_time: 40, heartbeats: 4 });
      expect((await s.admin.history.archiveStats(MULTI.aid)).view).toBe(before + 1);
      expect((await firstEntry(client))!.kid).toBe(MULTI.aid);
    });
  });

  describe('play counts (heartbeat play_type=1 and /x/click-interface/click/web/h5)', () => {
    it('count once per user per archive per 5 minutes, shared by both endpoints', async () => {
      const { client } = await s.signedIn();
      const other = await s.signedIn();
      const views = async () => (await s.admin.history.archiveStats(MULTI.aid)).view;
      const before = await views();
      expect(await client.history.heartbeat({ aid: MULTI.aid, play_type: 1 })).toEqual(OK);
      expect(await views()).toBe(before + 1);
      expect(await client.history.heartbeat({ aid: MULTI.aid, play_type: 1 })).toEqual(OK);
      expect(await client.history.click({ aid: MULTI.aid, cid: MULTI.cids[2] })).toEqual(OK);
      expect(await client.history.heartbeat({ aid: MULTI.aid, play_type: 0 })).toEqual(OK);
      expect(await views()).toBe(before + 1);
      expect(await other.client.history.click({ aid: MULTI.aid })).toEqual(OK);
      expect(await views()).toBe(before + 2);
      s.clock.advance(299);
      expect(await client.history.click({ aid: MULTI.aid })).toEqual(OK);
      expect(await views()).toBe(before + 2);
      s.clock.advance(1);
      expect(await client.history.click({ aid: MULTI.aid })).toEqual(OK);
      expect(await views()).toBe(before + 3);
    });

    it('anonymous plays are told apart by the buvid3 cookie, else by address', async () => {
      const views = async () => (await s.admin.history.archiveStats(AV2.aid)).view;
      const before = await views();
      const browser = (buvid3: string) => createClient({ baseUrl: s.url, cookies: { buvid3 } });
      expect(await browser('A-infoc').history.click({ aid: AV2.aid })).toEqual(OK);
      expect(await browser('A-infoc').history.heartbeat({ aid: AV2.aid, play_type: 1 })).toEqual(OK);
      expect(await browser('B-infoc').history.click({ aid: AV2.aid })).toEqual(OK);
      expect(await s.anonymous().history.click({ aid: AV2.aid })).toEqual(OK);
      expect(await s.anonymous().history.click({ aid: AV2.aid })).toEqual(OK);
      expect(await views()).toBe(before + 3);
    });

    it('h5: aid required (-400), unknown archive or foreign cid -404, csrf checked when sent', async () => {
      const { client } = await s.signedIn();
      expect(await client.post('/x/click-interface/click/web/h5', {})).toMatchObject({ code: -400 });
      expect(await client.history.click({ aid: 31337 })).toMatchObject({ code: -404 });
      expect(await client.history.click({ aid: AV2.aid, cid: MULTI.cids[0] })).toMatchObject({ code: -404 });
      expect(await client.post('/x/click-interface/click/web/h5', { aid: 2, csrf: 'x' })).toMatchObject({
        code: -111,
      });
      await expect(s.admin.history.archiveStats(31337)).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('GET /x/player/v2 and /x/player/wbi/v2', () => {
    it('anonymous: archive and part fields, no login, no resume point', async () => {
      const body = await s.anonymous().player.info({ bvid: 'BV1xx411c7mD', cid: 62131 });
      expect(body).toMatchObject(OK);
      const d = body.data!;
      expect(Object.keys(d).sort()).toEqual(
        [
          'aid',
          'bvid',
          'allow_bp',
          'no_share',
          'cid',
          'max_limit',
          'page_no',
          'has_next',
          'ip_info',
          'login_mid',
          'login_mid_hash',
          'is_owner',
          'name',
          'permission',
          'level_info',
          'vip',
          'answer_status',
          'block_time',
          'role',
          'last_play_time',
          'last_play_cid',
          'now_time',
          'online_count',
          'need_login_subtitle',
          'subtitle',
          'view_points',
          'preview_toast',
          'options',
          'guide_attention',
          'jump_card',
          'operation_card',
          'online_switch',
          'fawkes',
          'show_switch',
          'bgm_info',
          'toast_block',
          'is_upower_exclusive',
          'is_upower_play',
          'is_ugc_pay_preview',
          'elec_high_level',
          'disable_show_up_info',
        ].sort(),
      );
      expect(d).toMatchObject({
        aid: 2,
        bvid: 'BV1xx411c7mD',
        cid: 62131,
        page_no: 1,
        has_next: false,
        login_mid: 0,
        is_owner: false,
        name: '',
        last_play_time: 0,
        last_play_cid: 0,
        now_time: Math.floor(s.clock.nowMs() / 1000),
        max_limit: 1000,
        ip_info: { ip: '127.0.0.1' },
        vip: { type: 0, status: 0 },
      });
    });

    it('signed in: the viewer, is_owner for the uploader, page_no/has_next, last play in ms', async () => {
      const owner = await s.signedIn(undefined, { level: 5 });
      await s.admin.createArchive({
        aid: 171717,
        title: 'mine',
        owner_mid: owner.mid,
        pages: [
          { cid: 3171701, part: 'a', duration: 100 },
          { cid: 3171702, part: 'b', duration: 100 },
        ],
      });
      expect(await owner.client.history.report({ aid: 171717, cid: 3171702, progress: 42 })).toEqual(OK);
      const d = (await owner.client.player.info({ aid: 171717, cid: 3171701 })).data!;
      expect(d).toMatchObject({
        aid: 171717,
        cid: 3171701,
        page_no: 1,
        has_next: true,
        login_mid: owner.mid,
        is_owner: true,
        level_info: { current_level: 5, current_min: 10800, current_exp: 10800, next_exp: 28800 },
        last_play_time: 42_000,
        last_play_cid: 3171702,
      });
      const viewer = await s.signedIn('player-viewer');
      const v = (await viewer.client.player.info({ aid: 171717, cid: 3171702 })).data!;
      expect(v).toMatchObject({ is_owner: false, name: 'player-viewer', page_no: 2, has_next: false });
      expect(v.last_play_time).toBe(0);
    });

    it('wbi/v2 with a valid signature, -352 with a wrong one; -400/-404 for bad parameters', async () => {
      const client = s.anonymous();
      expect((await client.player.infoWbi({ aid: 2, cid: 62131 })).data).toMatchObject({
        aid: 2,
        cid: 62131,
      });
      const keys = s.services.wbi.keys();
      const signed = signWbi({ aid: 2, cid: 62131 }, keys.imgKey, keys.subKey, 1_700_000_000);
      expect((await client.get<Envelope>('/x/player/wbi/v2', { ...signed, cid: 62132 })).code).toBe(-352);
      expect((await client.get<Envelope>('/x/player/v2', { ...signed, w_rid: '0'.repeat(32) })).code).toBe(
        -352,
      );
      expect((await client.get<Envelope>('/x/player/wbi/v2', { aid: 2 })).code).toBe(-400);
      expect((await client.get<Envelope>('/x/player/v2', { cid: 62131 })).code).toBe(-400);
      expect((await client.get<Envelope>('/x/player/v2', { aid: 2, cid: MULTI.cids[0]! })).code).toBe(-404);
      expect((await client.get<Envelope>('/x/player/v2', { aid: 888_888, cid: 1 })).code).toBe(-404);
    });
  });
});

describe.each(dialects())('group commit failure (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    await setupCatalog(s);
  });
  afterAll(async () => s.close());

  it('a batch that cannot commit answers every waiter with an error, never an acknowledgement', async () => {
    const users = await Promise.all([s.signedIn(), s.signedIn(), s.signedIn()]);
    await sql`ALTER TABLE history RENAME TO history_away`.execute(s.handle.db);
    try {
      const answers = await Promise.all(
        users.map((u) => u.client.history.heartbeat({ aid: 2, played_time: 10 })),
      );
      expect(answers).toEqual(users.map(() => ({ code: -500, message: '服务器错误', ttl: 1 })));
    } finally {
      await sql`ALTER TABLE history_away RENAME TO history`.execute(s.handle.db);
    }
    for (const u of users) expect(await firstEntry(u.client)).toBeUndefined();
    const retry = users[0].client;
    expect(await retry.history.heartbeat({ aid: 2, played_time: 10 })).toEqual(OK);
    expect((await firstEntry(retry))?.progress).toBe(10);
  });
});
