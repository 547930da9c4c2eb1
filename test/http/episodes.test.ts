import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError, createClient } from '../../src/client/index.ts';
import type { HistoryCursorItem } from '../../src/client/index.ts';
import { HistoryCursorData, HistoryList, PlayerData } from '../../src/wire/history.schema.ts';
import { PgcSeasonResult } from '../../src/wire/season.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const OK = { code: 0, message: '0', ttl: 1 };

/** The contract's pgc example (§7.1): 百妖谱 ss26193, 第8话 庆忌（下） ep326789, av370908663 / cid 199204975. */
const BAIYAO = {
  season_id: 26193,
  media_id: 28220978,
  title: '百妖谱',
  sub_type: 4,
  cover: 'https://img.example/ss26193.jpg',
  total: 12,
  episodes: [
    { epid: 326788, aid: 370908662, cid: 199204974, title: '7', long_title: '庆忌（上）', duration: 1400 },
    { epid: 326789, aid: 370908663, cid: 199204975, title: '8', long_title: '庆忌（下）', duration: 1402 },
    { epid: 326790, aid: 370908664, cid: 199204976, title: '9', long_title: '无面', duration: 1410 },
    { epid: 326791, aid: 370908665, cid: 199204977, title: '10', long_title: '金鳞', duration: 1420 },
  ],
};

/** One finished two-episode season per season type; episode archives av5000{type}{n}. */
const BADGES: [number, string][] = [
  [1, '番剧'],
  [2, '电影'],
  [3, '纪录片'],
  [4, '国创'],
  [5, '电视剧'],
  [7, '综艺'],
];
const typed = (subType: number) => ({
  season_id: 70000 + subType,
  episodes: [1, 2].map((n) => ({
    epid: 700000 + subType * 10 + n,
    aid: 500000 + subType * 10 + n,
    cid: 5_000_000 + subType * 10 + n,
  })),
});

/** A plain archive, not an episode. */
const PLAIN = { aid: 600001, cid: 6_000_011, duration: 300 };

describe.each(dialects())('episodes of seasons: watch reporting and history (%s)', (dialect) => {
  let s: TestServer;
  let ownerMid: number;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const up = await s.signedIn('pgc-uploader');
    ownerMid = up.mid;
    for (const e of BAIYAO.episodes) {
      await s.admin.createArchive({
        aid: e.aid,
        title: `百妖谱 第${e.title}话`,
        owner_mid: ownerMid,
        cover: `https://img.example/ep${e.epid}.jpg`,
        pages: [{ cid: e.cid, part: `第${e.title}话`, duration: e.duration }],
      });
    }
    const created = await s.admin.seasons.create({
      season_id: BAIYAO.season_id,
      media_id: BAIYAO.media_id,
      title: BAIYAO.title,
      sub_type: BAIYAO.sub_type,
      cover: BAIYAO.cover,
      total: BAIYAO.total,
      // Airing: episodes 7–10 are out of 12.
      episodes: BAIYAO.episodes.map((e) => ({
        epid: e.epid,
        aid: e.aid,
        cid: e.cid,
        title: e.title,
        long_title: e.long_title,
      })),
    });
    expect(created).toMatchObject({
      business: 'pgc',
      badge: '国创',
      new_desc: '更新至第10话',
      is_finish: false,
    });
    for (const [subType] of BADGES) {
      const t = typed(subType);
      for (const e of t.episodes) {
        await s.admin.createArchive({
          aid: e.aid,
          title: `type ${subType} episode`,
          owner_mid: ownerMid,
          pages: [{ cid: e.cid, part: 'P1', duration: 600 }],
        });
      }
      await s.admin.seasons.create({
        season_id: t.season_id,
        title: `season of type ${subType}`,
        sub_type: subType,
        is_finish: true,
        episodes: t.episodes.map((e) => ({ epid: e.epid, aid: e.aid })),
      });
    }
    await s.admin.createArchive({
      aid: PLAIN.aid,
      title: 'a plain upload',
      owner_mid: ownerMid,
      pages: [{ cid: PLAIN.cid, part: 'P1', duration: PLAIN.duration }],
    });
  });
  afterAll(async () => s.close());

  const ep8 = BAIYAO.episodes[1]!;
  const now = () => Math.floor(s.clock.nowMs() / 1000);

  /** The web player's heartbeat for an episode (CONTRACT.md §6.2 parameters, `type` 4). */
  function episodeBeat(
    e: { aid: number; cid: number; epid: number },
    sid: number,
    subType: number,
    at: number,
  ) {
    return {
      aid: e.aid,
      cid: e.cid,
      epid: e.epid,
      sid,
      played_time: at,
      realtime: at,
      real_played_time: at,
      video_duration: 1402,
      last_play_progress_time: at,
      max_play_progress_time: at,
      start_ts: now() - at,
      type: 4,
      sub_type: subType,
      dt: 2,
      outer: 0,
      spmid: '333.788.0.0',
      from_spmid: '',
      session: 'f'.repeat(32),
      extra: JSON.stringify({ player_version: '4.8.36' }),
      play_type: 0 as const,
    };
  }

  async function historyRows(mid: number) {
    return s.handle.db.selectFrom('history').selectAll().where('mid', '=', mid).execute();
  }

  it('a type 4 heartbeat is recorded under the season: every §7.1 field of the cursor list', async () => {
    const { client, mid } = await s.signedIn();
    s.clock.advance(5);
    expect(await client.history.heartbeat(episodeBeat(ep8, BAIYAO.season_id, 4, 533))).toEqual(OK);
    const body = await client.history.cursor({ ps: 5 });
    expectWire(HistoryCursorData, body.data);
    expect(body.data!.cursor).toEqual({ max: BAIYAO.season_id, view_at: now(), business: 'pgc', ps: 5 });
    expect(body.data!.list).toEqual([
      {
        title: '百妖谱',
        long_title: '庆忌（下）',
        cover: `https://img.example/ep${ep8.epid}.jpg`,
        covers: null,
        uri: `${s.config.publicUrl}/bangumi/play/ss26193`,
        history: {
          oid: 370908663,
          epid: 326789,
          bvid: '',
          page: 0,
          cid: 199204975,
          part: '',
          business: 'pgc',
          dt: 2,
        },
        videos: 0,
        author_name: '',
        author_face: '',
        author_mid: 0,
        view_at: now(),
        progress: 533,
        badge: '国创',
        show_title: '第8话 庆忌（下）',
        duration: 1402,
        current: '',
        total: 12,
        new_desc: '更新至第10话',
        is_finish: 0,
        is_fav: 0,
        kid: 26193,
        tag_name: '',
        live_status: 0,
      },
    ]);
    const rows = await historyRows(mid);
    expect(rows.map((r) => [r.business, r.kid, r.oid, r.epid, r.cid, r.progress])).toEqual([
      ['pgc', 26193, 370908663, 326789, 199204975, 533],
    ]);
  });

  it.each(BADGES)('sub_type %i: the heartbeat is recorded with the badge %s', async (subType, badge) => {
    const { client } = await s.signedIn();
    const t = typed(subType);
    const e = t.episodes[1]!;
    expect(await client.history.heartbeat(episodeBeat(e, t.season_id, subType, 42))).toEqual(OK);
    const [item] = (await client.history.cursor()).data!.list;
    expect(item).toMatchObject({
      kid: t.season_id,
      badge,
      show_title: '第2话',
      long_title: '',
      total: 2,
      new_desc: '全2话',
      is_finish: 1,
      progress: 42,
      history: { epid: e.epid, oid: e.aid, cid: e.cid, business: 'pgc', page: 0, bvid: '' },
    });
    const [entry] = (await client.history.list()).data!;
    expect(entry).toMatchObject({ type: 4, sub_type: subType, kid: t.season_id, business: 'pgc' });
    expect(entry!.bangumi!.season.season_type).toBe(subType);
  });

  it('/x/v2/history shows the pgc entry with its bangumi object, field by field', async () => {
    const { client } = await s.signedIn();
    s.clock.advance(3);
    await client.history.heartbeat(episodeBeat(ep8, BAIYAO.season_id, 4, 600));
    const body = await client.history.list();
    expectWire(HistoryList, body.data);
    const entry = body.data![0]!;
    const archive = await s.admin.getArchive(ep8.aid);
    expect(entry).toMatchObject({
      aid: 370908663,
      videos: 1,
      pic: `https://img.example/ep${ep8.epid}.jpg`,
      title: '百妖谱',
      duration: 1402,
      owner: { mid: ownerMid, name: 'pgc-uploader' },
      cid: 199204975,
      favorite: false,
      type: 4,
      sub_type: 4,
      device: 2,
      page: { cid: 199204975, page: 1, part: '第8话', duration: 1402 },
      progress: 600,
      view_at: now(),
      kid: 26193,
      business: 'pgc',
      redirect_link: `${s.config.publicUrl}/bangumi/play/ep326789`,
      bvid: archive.bvid,
    });
    expect(entry.bangumi).toEqual({
      ep_id: 326789,
      title: '8',
      long_title: '庆忌（下）',
      episode_status: 2,
      follow: 0,
      cover: `https://img.example/ep${ep8.epid}.jpg`,
      season: {
        season_id: 26193,
        title: '百妖谱',
        season_status: 2,
        is_finish: 0,
        total_count: -1,
        newest_ep_id: 326791,
        newest_ep_index: '10',
        season_type: 4,
      },
    });
    expect(entry).not.toHaveProperty('cheese');
  });

  it('one entry per season remembers the last episode watched; the player resumes it', async () => {
    const { client, mid } = await s.signedIn();
    const ep7 = BAIYAO.episodes[0]!;
    s.clock.advance(1);
    await client.history.heartbeat(episodeBeat(ep7, BAIYAO.season_id, 4, 1300));
    s.clock.advance(1);
    await client.history.heartbeat(episodeBeat(ep8, BAIYAO.season_id, 4, 312));
    const rows = await historyRows(mid);
    expect(rows.map((r) => [r.business, r.kid, r.epid, r.progress])).toEqual([['pgc', 26193, 326789, 312]]);
    const player = await client.player.info({
      aid: ep8.aid,
      cid: ep8.cid,
      ep_id: ep8.epid,
      season_id: 26193,
    });
    expectWire(PlayerData, player.data);
    expect(player.data).toMatchObject({
      aid: ep8.aid,
      cid: ep8.cid,
      last_play_time: 312_000,
      last_play_cid: ep8.cid,
    });
    // The web page names the episode; a wrong one is refused.
    expect((await client.player.info({ aid: ep8.aid, cid: ep8.cid, ep_id: ep7.epid })).code).toBe(-400);
    expect((await client.player.info({ aid: ep8.aid, cid: ep8.cid, season_id: 70001 })).code).toBe(-400);
  });

  it('the archive and part alone name the episode: type 4 without epid, and even a type 3 heartbeat', async () => {
    const { client, mid } = await s.signedIn();
    const ep9 = BAIYAO.episodes[2]!;
    await client.history.heartbeat({ aid: ep9.aid, cid: ep9.cid, type: 4, played_time: 10 });
    expect((await historyRows(mid)).map((r) => [r.business, r.kid, r.epid])).toEqual([
      ['pgc', 26193, ep9.epid],
    ]);
    await client.history.heartbeat({ aid: ep8.aid, cid: ep8.cid, type: 3, played_time: 20 });
    expect((await historyRows(mid)).map((r) => [r.business, r.kid, r.epid])).toEqual([
      ['pgc', 26193, ep8.epid],
    ]);
    // The APP's progress report with the episode's ids.
    const app = createClient({ baseUrl: s.url, accessKey: (await s.admin.issueSession(mid)).access_key });
    expect(
      await app.history.report({
        aid: ep9.aid,
        cid: ep9.cid,
        progress: 77,
        type: 4,
        epid: ep9.epid,
        sid: 26193,
      }),
    ).toEqual(OK);
    const rows = await historyRows(mid);
    expect(rows.map((r) => [r.business, r.kid, r.epid, r.progress, r.dt])).toEqual([
      ['pgc', 26193, ep9.epid, 77, 1],
    ]);
  });

  it('refuses what disagrees (-400) or names no episode (-404), and stores nothing', async () => {
    const { client, mid } = await s.signedIn();
    const other = typed(1);
    const cases: [Record<string, unknown>, number][] = [
      // An episode of another season.
      [{ ...episodeBeat(ep8, other.season_id, 4, 5) }, -400],
      [{ aid: ep8.aid, cid: ep8.cid, sid: other.season_id, type: 4, played_time: 5 }, -400],
      // epid and aid / cid of different episodes.
      [{ ...episodeBeat(ep8, BAIYAO.season_id, 4, 5), aid: BAIYAO.episodes[0]!.aid }, -400],
      [{ ...episodeBeat(ep8, BAIYAO.season_id, 4, 5), cid: BAIYAO.episodes[0]!.cid }, -400],
      [{ ...episodeBeat(ep8, BAIYAO.season_id, 4, 5), aid: PLAIN.aid, cid: PLAIN.cid }, -400],
      // A season episode reported as a course lesson.
      [{ aid: ep8.aid, cid: ep8.cid, type: 10, played_time: 5 }, -400],
      // Unknown episode; an archive that carries no episode.
      [{ ...episodeBeat(ep8, BAIYAO.season_id, 4, 5), epid: 999999 }, -404],
      [{ aid: PLAIN.aid, cid: PLAIN.cid, type: 4, played_time: 5 }, -404],
      [{ aid: PLAIN.aid, cid: PLAIN.cid, sid: BAIYAO.season_id, played_time: 5 }, -400],
    ];
    for (const [params, code] of cases) {
      const body = await client.post<{ code: number }>('/x/click-interface/web/heartbeat', params as never);
      expect([params, body.code]).toEqual([params, code]);
    }
    const app = createClient({ baseUrl: s.url, accessKey: (await s.admin.issueSession(mid)).access_key });
    expect(
      (await app.history.report({ aid: ep8.aid, cid: ep8.cid, epid: ep8.epid, sid: other.season_id })).code,
    ).toBe(-400);
    expect(await historyRows(mid)).toEqual([]);
    expect((await client.history.cursor()).data!.list).toEqual([]);
  });

  it('plays of an episode count on its archive, as before', async () => {
    const { client } = await s.signedIn();
    const ep10 = BAIYAO.episodes[3]!;
    const before = (await s.admin.history.archiveStats(ep10.aid)).view;
    await client.history.heartbeat({ ...episodeBeat(ep10, BAIYAO.season_id, 4, 0), play_type: 1 });
    expect((await s.admin.history.archiveStats(ep10.aid)).view).toBe(before + 1);
  });

  it('the cursor pages across archive and pgc entries, same-second ones included', async () => {
    const { client } = await s.signedIn();
    const t1 = typed(1);
    const t2 = typed(2);
    const beats = [
      { aid: PLAIN.aid, cid: PLAIN.cid, played_time: 1 },
      episodeBeat(ep8, BAIYAO.season_id, 4, 2),
      episodeBeat(t1.episodes[0]!, t1.season_id, 1, 3),
      episodeBeat(t2.episodes[1]!, t2.season_id, 2, 4),
    ];
    // Two seconds, two entries each: the order within a second is (business, kid) descending.
    s.clock.advance(7);
    await client.history.heartbeat(beats[0]!);
    await client.history.heartbeat(beats[1]!);
    s.clock.advance(1);
    await client.history.heartbeat(beats[2]!);
    await client.history.heartbeat(beats[3]!);
    const seen: [string, number][] = [];
    let cursor = { max: 0, view_at: 0, business: '' as HistoryCursorItem['history']['business'] | '', ps: 1 };
    for (let i = 0; i < 6; i++) {
      const page = (await client.history.cursor({ ...cursor, ps: 1 })).data!;
      if (page.list.length === 0) break;
      seen.push(...page.list.map((item): [string, number] => [item.history.business, item.kid]));
      cursor = page.cursor;
    }
    expect(seen).toEqual([
      ['pgc', t2.season_id],
      ['pgc', t1.season_id],
      ['pgc', BAIYAO.season_id],
      ['archive', PLAIN.aid],
    ]);
    // The `archive` tab shows video of every kind, pgc included.
    expect((await client.history.cursor({ type: 'archive' })).data!.list).toHaveLength(4);
  });

  it('pgc_<ssid> deletes the season entry; archive_<aid> of an episode does not', async () => {
    const { client, mid } = await s.signedIn();
    await client.history.heartbeat(episodeBeat(ep8, BAIYAO.season_id, 4, 9));
    await client.history.heartbeat({ aid: PLAIN.aid, cid: PLAIN.cid, played_time: 9 });
    expect(await client.history.delete(`archive_${ep8.aid}`)).toEqual(OK);
    expect((await historyRows(mid)).map((r) => r.business).sort()).toEqual(['archive', 'pgc']);
    expect(await client.history.delete('pgc_26193')).toEqual(OK);
    expect((await historyRows(mid)).map((r) => [r.business, r.kid])).toEqual([['archive', PLAIN.aid]]);
    expect((await client.history.list()).data!.map((e) => e.business)).toEqual(['archive']);
  });

  it('/pgc/view/web/season lists the episodes with the viewer progress, by season_id or ep_id', async () => {
    const { client } = await s.signedIn();
    await client.history.heartbeat(episodeBeat(ep8, BAIYAO.season_id, 4, 533));
    const bySeason = await client.history.season({ season_id: 26193 });
    expect(bySeason).toMatchObject({ code: 0, message: 'success', ttl: 1 });
    expectWire(PgcSeasonResult, bySeason.result);
    const r = bySeason.result!;
    expect(r).toMatchObject({
      season_id: 26193,
      media_id: 28220978,
      title: '百妖谱',
      season_title: '百妖谱',
      type: 4,
      total: 12,
      cover: BAIYAO.cover,
      new_ep: { desc: '更新至第10话', id: 326791, title: '10' },
      publish: { is_finish: 0, is_started: 1 },
      share_url: `${s.config.publicUrl}/bangumi/play/ss26193`,
      user_status: { login: 1, progress: { last_ep_id: 326789, last_ep_index: '8', last_time: 533 } },
    });
    expect(r.episodes.map((e) => [e.id, e.aid, e.cid, e.title, e.long_title, e.duration])).toEqual(
      BAIYAO.episodes.map((e) => [e.epid, e.aid, e.cid, e.title, e.long_title, e.duration * 1000]),
    );
    expect(r.episodes[1]).toMatchObject({
      bvid: (await s.admin.getArchive(ep8.aid)).bvid,
      link: `${s.config.publicUrl}/bangumi/play/ep326789`,
      share_copy: '《百妖谱》第8话 庆忌（下）',
      from: 'bangumi',
    });
    expect((await client.history.season({ ep_id: 326790 })).result).toEqual(r);

    const anonymous = await s.anonymous().history.season({ season_id: 26193 });
    expect(anonymous.result!.user_status).not.toHaveProperty('progress');
    expect(anonymous.result!.user_status.login).toBe(0);

    expect((await client.history.season({ season_id: 1 })).code).toBe(-404);
    expect((await client.history.season({ ep_id: 1 })).code).toBe(-404);
    expect((await client.history.season({ season_id: 70001, ep_id: 326789 })).code).toBe(-400);
    expect((await client.history.season({})).code).toBe(-400);
  });

  it('the admin API refuses a bad season: unknown archive, taken part, wrong type', async () => {
    const fail = async (work: () => Promise<unknown>) => {
      const error = await work().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AdminApiError);
      return (error as AdminApiError).status;
    };
    const base = { title: 'x', sub_type: 1, episodes: [{ aid: PLAIN.aid }] };
    expect(await fail(() => s.admin.seasons.create({ ...base, episodes: [{ aid: 1 }] }))).toBe(404);
    expect(await fail(() => s.admin.seasons.create({ ...base, episodes: [{ aid: ep8.aid }] }))).toBe(409);
    expect(await fail(() => s.admin.seasons.create({ ...base, sub_type: 6 }))).toBe(400);
    expect(await fail(() => s.admin.seasons.create({ ...base, season_id: 26193 }))).toBe(409);
    expect(await fail(() => s.admin.seasons.get(123456))).toBe(404);
    // Nothing of the refused seasons was kept: the plain archive is still free to become an episode.
    const created = await s.admin.seasons.create(base);
    expect(created.episodes).toMatchObject([{ index: 1, title: '1', aid: PLAIN.aid, cid: PLAIN.cid }]);
    expect(created.new_desc).toBe('更新至第1话');
    const finished = await s.admin.seasons.update(created.season_id, { is_finish: true, total: 1 });
    expect(finished).toMatchObject({ is_finish: true, total: 1, new_desc: '全1话' });
  });
});
