import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient, HeartbeatParams } from '../../src/client/index.ts';
import { AdminApiError } from '../../src/client/admin-client.ts';
import { WATCH_ALLOWANCE } from '../../src/domain/watch-analytics.ts';
import { ArchiveAnalytics, DiagnoseCompareData, WatchTotalsData } from '../../src/wire/analytics.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

/** One part of 100 s: a retention bucket is exactly one second, so the curve is easy to compute by hand. */
const VIDEO = { aid: 880_001, cid: 8_800_011, duration: 100 };
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Seconds a session played since its previous heartbeat: the watch time it reports now beyond before. */
function playingFor(played: Map<string, number>, session: string, watched = 0): number {
  const before = played.get(session) ?? 0;
  played.set(session, Math.max(before, watched));
  return Math.max(0, watched - before);
}

describe.each(dialects())('watch analytics (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number };
  let day0: string;
  let day1: string;
  const viewers: { client: BiliClient; mid: number }[] = [];

  const played = new Map<string, number>();
  /**
   * A heartbeat of one session, sent once the watch time it reports has passed on the clock since the
   * session's previous heartbeat, as a player sends it (watch time never outpaces the clock).
   */
  const beat = (v: { client: BiliClient }, session: string, p: Partial<HeartbeatParams>) => {
    s.clock.advance(playingFor(played, session, p.real_played_time));
    return v.client.history.heartbeat({
      aid: VIDEO.aid,
      cid: VIDEO.cid,
      video_duration: VIDEO.duration,
      start_ts: 1,
      session,
      play_type: 0,
      ...p,
    });
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    owner = await s.signedIn();
    await s.admin.createArchive({
      aid: VIDEO.aid,
      title: 'analytics',
      owner_mid: owner.mid,
      pages: [{ cid: VIDEO.cid, part: 'P1', duration: VIDEO.duration }],
    });
    for (let i = 0; i < 3; i++) viewers.push(await s.signedIn());
    const [v1, v2, v3] = viewers as [(typeof viewers)[0], (typeof viewers)[0], (typeof viewers)[0]];
    // Start of a UTC day plus one hour, so the scripted minutes stay inside it.
    s.clock.advance((86_400_000 - (s.clock.nowMs() % 86_400_000)) / 1000 + 3600);
    day0 = dateOf(s.clock.nowMs());

    // s1 (viewer 1): watches 0–15, seeks to 60 and watches 60–70, seeks back and re-watches 5–20.
    // Covered 0–19 and 60–69 (30 buckets); 40 s of watch time.
    await beat(v1, 's1', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(v1, 's1', { played_time: 15, real_played_time: 15 });
    await beat(v1, 's1', { played_time: 70, real_played_time: 25 });
    await beat(v1, 's1', { played_time: 20, real_played_time: 40 });
    // s2 (viewer 2): leaves after 2 s: a quick exit covering buckets 0–1.
    await beat(v2, 's2', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(v2, 's2', { play_type: 4, played_time: 2, real_played_time: 2 });
    // s3 (viewer 1 again): the whole video, finished (-1): 100 s, completed.
    await beat(v1, 's3', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(v1, 's3', { played_time: 50, real_played_time: 50 });
    await beat(v1, 's3', { play_type: 4, played_time: -1, real_played_time: 100 });
    // The same heartbeat again (a retry) changes nothing.
    await beat(v1, 's3', { play_type: 4, played_time: -1, real_played_time: 100 });

    // Next day, s4 (viewer 3): 0–30, then seeks to 95 and watches to the end: 35 s, completed.
    s.clock.advance(86_400);
    day1 = dateOf(s.clock.nowMs());
    await beat(v3, 's4', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(v3, 's4', { played_time: 30, real_played_time: 30 });
    await beat(v3, 's4', { played_time: 100, real_played_time: 35 });
  });
  afterAll(async () => s.close());

  it('figures over both days match the script computed by hand', async () => {
    const a = await s.admin.analytics.archive(VIDEO.aid, { from: day0, to: day1 });
    expect(a.totals).toEqual({
      plays: 4,
      viewers: 3, // day 0: viewers 1 and 2; day 1: viewer 3
      watch_time: 40 + 2 + 100 + 35,
      avg_watch_time: 44.25,
      completed: 2,
      completion_rate: 0.5,
      quick_exits: 1,
      quick_exit_rate: 0.25,
    });
    expect(a.days).toEqual([
      {
        date: day0,
        plays: 3,
        viewers: 2,
        watch_time: 142,
        avg_watch_time: 47.3333,
        completed: 1,
        quick_exits: 1,
      },
      { date: day1, plays: 1, viewers: 1, watch_time: 35, avg_watch_time: 35, completed: 1, quick_exits: 0 },
    ]);
  });

  it('the retention curve counts each play once per bucket, seeks skip and re-watches do not add', async () => {
    const a = await s.admin.analytics.archive(VIDEO.aid, { from: day0, to: day1 });
    expect(a.retention).toMatchObject({ cid: VIDEO.cid, duration: 100, buckets: 100, plays: 4 });
    const expected = (b: number): number => {
      const s1 = b <= 19 || (b >= 60 && b <= 69);
      const s2 = b <= 1;
      const s4 = b <= 29 || b >= 95;
      return [s1, s2, true, s4].filter(Boolean).length / 4;
    };
    expect(a.retention.points).toHaveLength(100);
    a.retention.points.forEach((p, b) => {
      expect(p).toEqual({ position: b, share: expected(b) });
    });
    // Spot checks in words: everyone saw the start, only s3 saw 30–59 and 70–94.
    expect(a.retention.points[0]!.share).toBe(1);
    expect(a.retention.points[40]!.share).toBe(0.25);
    expect(a.retention.points[65]!.share).toBe(0.5);
    expect(a.retention.points[99]!.share).toBe(0.5);
  });

  it('a day range reads only its days', async () => {
    const d0 = await s.admin.analytics.archive(VIDEO.aid, { from: day0, to: day0 });
    expect(d0.totals).toMatchObject({ plays: 3, viewers: 2, watch_time: 142, completed: 1, quick_exits: 1 });
    expect(d0.retention.plays).toBe(3);
    expect(d0.retention.points[0]!.share).toBe(1);
    expect(d0.retention.points[20]!.share).toBeCloseTo(1 / 3, 4);
    const d1 = await s.admin.analytics.archive(VIDEO.aid, { from: day1, to: day1, cid: VIDEO.cid });
    expect(d1.cid).toBe(VIDEO.cid);
    expect(d1.totals).toMatchObject({ plays: 1, watch_time: 35, completed: 1, quick_exits: 0 });
    // A range with no plays: zero-filled days, a flat curve.
    const before = await s.admin.analytics.archive(VIDEO.aid, { from: '2000-01-01', to: '2000-01-03' });
    expect(before.days.map((d) => d.plays)).toEqual([0, 0, 0]);
    expect(before.retention.points.every((p) => p.share === 0)).toBe(true);
  });

  it('bad ranges and unknown archives or parts are refused', async () => {
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: unknown) => (e instanceof AdminApiError ? e.status : 0),
      );
    expect(await status(s.admin.analytics.archive(VIDEO.aid, { from: day1, to: day0 }))).toBe(400);
    expect(await status(s.admin.analytics.archive(VIDEO.aid, { from: '2020-02-30', to: day0 }))).toBe(400);
    expect(await status(s.admin.analytics.archive(VIDEO.aid, { from: '2020-01-01', to: '2022-01-01' }))).toBe(
      400,
    );
    expect(await status(s.admin.analytics.archive(999_999_999))).toBe(404);
    expect(await status(s.admin.analytics.archive(VIDEO.aid, { cid: 123 }))).toBe(404);
  });

  it("a user's own totals: admin API and the history page's endpoint", async () => {
    const v1 = viewers[0]!;
    const admin = await s.admin.analytics.userTotals(v1.mid, { from: day0, to: day1 });
    expect(admin).toEqual({
      from: day0,
      to: day1,
      plays: 2,
      watch_time: 140,
      days: [{ date: day0, plays: 2, watch_time: 140 }],
    });
    const body = await v1.client.get<{ code: number; data: unknown }>('/x/replay/history/totals', {
      from: day0,
      to: day1,
    });
    expect(body.code).toBe(0);
    expectWire(WatchTotalsData, body.data);
    expect(body.data).toEqual(admin);
    expect((await s.anonymous().get<{ code: number }>('/x/replay/history/totals')).code).toBe(-101);
    expect((await v1.client.get<{ code: number }>('/x/replay/history/totals', { from: 'x' })).code).toBe(
      -400,
    );
  });

  it('archive_diagnose/compare lists only the caller’s own videos, with the heartbeat figures', async () => {
    const body = await owner.client.get<{ code: number; data: DiagnoseCompareData }>(
      '/x/web/data/archive_diagnose/compare',
    );
    expect(body.code).toBe(0);
    expectWire(DiagnoseCompareData, body.data);
    expect(body.data.list).toHaveLength(1);
    expect(body.data.list[0]).toMatchObject({
      aid: VIDEO.aid,
      duration: 100,
      play: 4,
      full_play_ratio: 4425, // 44.25 s of 100 s on average
      crash_rate: 2500, // 1 of 4 plays under 3 s
      avg_play_time: 44,
    });
    // Another user sees their own (no) uploads, never the owner's.
    const other = await viewers[1]!.client.get<{ code: number; data: DiagnoseCompareData }>(
      '/x/web/data/archive_diagnose/compare',
    );
    expect(other).toMatchObject({ code: 0, data: { list: [] } });
    expect((await s.anonymous().get<{ code: number }>('/x/web/data/archive_diagnose/compare')).code).toBe(
      -101,
    );
  });

  it('/x/replay/archive/analytics: the admin figures, for the owner only', async () => {
    const body = await owner.client.get<{ code: number; data: unknown }>('/x/replay/archive/analytics', {
      aid: VIDEO.aid,
      from: day0,
      to: day1,
    });
    expect(body.code).toBe(0);
    expectWire(ArchiveAnalytics, body.data);
    expect(body.data).toEqual(await s.admin.analytics.archive(VIDEO.aid, { from: day0, to: day1 }));
    const viewer = viewers[0]!.client;
    expect(await viewer.get('/x/replay/archive/analytics', { aid: VIDEO.aid })).toMatchObject({ code: -403 });
    expect(await s.anonymous().get('/x/replay/archive/analytics', { aid: VIDEO.aid })).toMatchObject({
      code: -101,
    });
    expect(await owner.client.get('/x/replay/archive/analytics', { aid: 999_999_999 })).toMatchObject({
      code: -404,
    });
    expect(await owner.client.get('/x/replay/archive/analytics', {})).toMatchObject({ code: -400 });
  });

  it('a user who paused history is not counted', async () => {
    const v3 = viewers[2]!;
    await v3.client.post('/x/v2/history/shadow/set', { switch: true });
    const before = await s.admin.analytics.archive(VIDEO.aid, { from: day1, to: day1 });
    await beat(v3, 's5', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(v3, 's5', { played_time: 10, real_played_time: 10 });
    const after = await s.admin.analytics.archive(VIDEO.aid, { from: day1, to: day1 });
    expect(after.totals).toEqual(before.totals);
  });

  it('a forged real_played_time counts no more watch time than the clock allows', async () => {
    const forged = { aid: 880_003, cid: 8_800_031, duration: 60 };
    await s.admin.createArchive({
      aid: forged.aid,
      title: 'forged',
      owner_mid: owner.mid,
      pages: [{ cid: forged.cid, part: 'P1', duration: forged.duration }],
    });
    const cheat = await s.signedIn();
    const send = (p: Partial<HeartbeatParams>) =>
      cheat.client.history.heartbeat({
        aid: forged.aid,
        cid: forged.cid,
        video_duration: forged.duration,
        start_ts: 1,
        session: 'forged',
        play_type: 0,
        ...p,
      });
    await send({ play_type: 1, played_time: 0, real_played_time: 0 });
    for (let i = 0; i < 5; i++) await send({ played_time: 60, real_played_time: 2_147_483_647 });
    const today = dateOf(s.clock.nowMs());
    const figures = await s.admin.analytics.archive(forged.aid, { from: today, to: today });
    expect(figures.totals.watch_time).toBe(WATCH_ALLOWANCE);
    expect((await s.admin.analytics.userTotals(cheat.mid, { from: today, to: today })).watch_time).toBe(
      WATCH_ALLOWANCE,
    );
    // Ten seconds later, ten seconds more: the clock, not the report, sets the pace.
    s.clock.advance(10);
    await send({ played_time: 60, real_played_time: 2_147_483_647 });
    const later = await s.admin.analytics.archive(forged.aid, { from: today, to: today });
    expect(later.totals.watch_time).toBe(WATCH_ALLOWANCE + 10);
  });
});

describe.each(dialects())('watch analytics count anonymous viewers (%s)', (dialect) => {
  // A part of 100 s (one bucket a second); anonymous viewers by buvid3, all from the test's one address,
  // with the anonymous cap at 2 viewers per address and archive.
  const GV = { aid: 880_002, cid: 8_800_021, duration: 100 };
  let s: TestServer;
  let day: string;
  let signed: { client: BiliClient; mid: number };
  const guest = (buvid: string) => createClient({ baseUrl: s.url, cookies: { buvid3: `${buvid}-infoc` } });
  const played = new Map<string, number>();
  const beat = (c: BiliClient, session: string, p: Partial<HeartbeatParams>) => {
    s.clock.advance(playingFor(played, session, p.real_played_time));
    return c.history.heartbeat({
      aid: GV.aid,
      cid: GV.cid,
      video_duration: GV.duration,
      start_ts: 1,
      session,
      play_type: 0,
      ...p,
    });
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, { anonymousPlayCap: 2 });
    const owner = await s.signedIn();
    await s.admin.createArchive({
      aid: GV.aid,
      title: 'anonymous analytics',
      owner_mid: owner.mid,
      pages: [{ cid: GV.cid, part: 'P1', duration: GV.duration }],
    });
    signed = await s.signedIn();
    s.clock.advance((86_400_000 - (s.clock.nowMs() % 86_400_000)) / 1000 + 3600);
    day = dateOf(s.clock.nowMs());
    const a = guest('ga');
    const b = guest('gb');
    const c = guest('gc');
    // g1 (A): 0–30 s, 30 s watched, buckets 0–29.
    await beat(a, 'g1', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(a, 'g1', { played_time: 30, real_played_time: 30 });
    // g3 (B): leaves after 2 s: a quick exit, buckets 0–1.
    await beat(b, 'g3', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(b, 'g3', { play_type: 4, played_time: 2, real_played_time: 2 });
    // g4 (C): a third fresh cookie from the same address within the window: its play is capped, so its
    // session (0–40) is not in the analytics either.
    await beat(c, 'g4', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(c, 'g4', { played_time: 40, real_played_time: 40 });
    // g2 (A again, a second session): the whole part, finished: 100 s, completed. A's play is a repeat
    // within the window (not counted again in stat.view) but the session is A's: a play of the same viewer.
    await beat(a, 'g2', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(a, 'g2', { played_time: 50, real_played_time: 50 });
    await beat(a, 'g2', { play_type: 4, played_time: -1, real_played_time: 100 });
    // g5 (a signed-in viewer, never capped): 0–10 s.
    await beat(signed.client, 'g5', { play_type: 1, played_time: 0, real_played_time: 0 });
    await beat(signed.client, 'g5', { played_time: 10, real_played_time: 10 });
  });
  afterAll(async () => s.close());

  it('plays, unique viewers (mid, else device), watch time and rates include anonymous sessions', async () => {
    const r = await s.admin.analytics.archive(GV.aid, { from: day, to: day });
    expect(r.totals).toEqual({
      plays: 4, // g1, g2, g3, g5 (not the capped g4)
      viewers: 3, // A (two sessions), B, the signed-in viewer
      watch_time: 30 + 100 + 2 + 10,
      avg_watch_time: 35.5,
      completed: 1,
      completion_rate: 0.25,
      quick_exits: 1,
      quick_exit_rate: 0.25,
    });
    const expected = (bucket: number): number =>
      [bucket <= 29, true, bucket <= 1, bucket <= 9].filter(Boolean).length / 4;
    expect(r.retention.plays).toBe(4);
    r.retention.points.forEach((p, bucket) =>
      expect(p).toEqual({ position: bucket, share: expected(bucket) }),
    );
    // Bucket 35 only g2 covered (g4 would have made it 2 of 5).
    expect(r.retention.points[35]!.share).toBe(0.25);
    // The public play count agrees: A, B and the signed-in viewer, not C.
    expect((await s.admin.history.archiveStats(GV.aid)).view).toBe(3);
  });

  it('anonymous plays add no per-user totals; the signed-in viewer has its own', async () => {
    expect(await s.admin.analytics.userTotals(signed.mid, { from: day, to: day })).toMatchObject({
      plays: 1,
      watch_time: 10,
    });
  });

  it('an anonymous session whose play was never counted is not analysed', async () => {
    // Heartbeats without a start (play_type 1) and no click: nothing counted the play.
    const d = guest('gd');
    s.clock.advance(400);
    await beat(d, 'g6', { play_type: 0, played_time: 20, real_played_time: 20 });
    await beat(d, 'g6', { play_type: 0, played_time: 40, real_played_time: 40 });
    const r = await s.admin.analytics.archive(GV.aid, { from: day, to: day });
    expect(r.totals.plays).toBe(4);
    // Once the play counts (the window has passed, so the cap has room again), the session is analysed.
    await beat(d, 'g6', { play_type: 1, played_time: 60, real_played_time: 60 });
    await beat(d, 'g6', { played_time: 70, real_played_time: 70 });
    const after = await s.admin.analytics.archive(GV.aid, { from: day, to: day });
    expect(after.totals.plays).toBe(5);
    expect(after.totals.viewers).toBe(4);
  });
});
