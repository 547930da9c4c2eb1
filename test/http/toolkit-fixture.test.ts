import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { FIXTURE_SCHEMA_FILE, renderFixtureSchema } from '../../scripts/fixture-schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';

const SESSDATA = 'fixture0,1999999999,abcde*11fixedsessdatafortests';
const BILI_JCT = '0123456789abcdef0123456789abcdef';
const ACCESS_KEY = 'fixedaccesskey0123456789abcdef01';

const FIXTURE = {
  users: [
    { mid: 1001, uname: 'uploader', sessions: [{ SESSDATA: 'owner0,1999999999,abcde*22ownersession' }] },
    { mid: 1002, uname: 'viewer', sessions: [{ SESSDATA, bili_jct: BILI_JCT, access_key: ACCESS_KEY }] },
    { mid: 1003, uname: 'third', level: 5 },
  ],
  archives: [
    {
      aid: 170001,
      owner_mid: 1001,
      title: 'Fixture video',
      pages: [
        { cid: 279786, part: 'P1', duration: 600 },
        { cid: 279787, part: 'P2', duration: 300 },
      ],
    },
  ],
  threads: [
    {
      oid: 170001,
      rpid: 5001,
      mid: 1002,
      message: 'first!',
      ctime: 1_700_000_000,
      likes: [1001, 1003],
      pinned: true,
      replies: [
        { rpid: 5002, mid: 1001, message: 'thanks', ctime: 1_700_000_100 },
        { rpid: 5003, mid: 1003, parent: 5002, message: '回复 @uploader :same', ctime: 1_700_000_200 },
        { rpid: 5004, mid: 1003, message: 'gone', deleted: true, ctime: 1_700_000_300 },
      ],
    },
    { oid: 170001, rpid: 5010, mid: 1003, message: 'second thread', ctime: 1_700_000_400, hates: [1002] },
    { oid: 170001, rpid: 5011, mid: 1003, message: 'deleted thread', deleted: true, ctime: 1_700_000_500 },
  ],
  history: [{ mid: 1002, aid: 170001, cid: 279787, progress: 120, view_at: 1_700_001_000 }],
};

describe('fixture schema', () => {
  it('docs/fixture.schema.json is the rendered TypeBox schema (npm run fixture-schema)', () => {
    expect(readFileSync(FIXTURE_SCHEMA_FILE, 'utf8')).toBe(renderFixtureSchema());
  });
});

describe.each(dialects())('toolkit fixtures on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { toolkit: true });
  });
  afterAll(async () => s.close());

  it('loads users with fixed cookies and keys, archives, threads with fixed rpids, history and notices', async () => {
    const summary = await s.admin.toolkit.loadFixture(FIXTURE);
    console.log(`[toolkit] ${dialect} fixture load: ${summary.took_ms} ms`);
    expect(summary).toMatchObject({ users: 3, sessions: 3, archives: 1, comments: 6, history: 1 });

    const viewer = createClient({
      baseUrl: s.url,
      cookies: `SESSDATA=${encodeURIComponent(SESSDATA)}; bili_jct=${BILI_JCT}`,
    });
    const nav = await viewer.nav();
    expect(nav.code).toBe(0);
    expect((nav.data as { mid: number }).mid).toBe(1002);
    // The fixed access_key is stored hashed like a real app session.
    const appSession = await s.services.sessions.resolve(ACCESS_KEY, 'app');
    expect(appSession?.mid).toBe(1002);

    const page = await s.anonymous().reply.list({ type: 1, oid: 170001 });
    expect(page.code).toBe(0);
    const replies = page.data!.replies!;
    // The pinned thread is shown on top (upper.top), the others in the list; the deleted one nowhere.
    const listed = [
      ...replies.map((r) => r.rpid),
      ...(page.data!.upper?.top ? [page.data!.upper.top.rpid] : []),
    ];
    expect(listed).toContain(5001);
    expect(listed).toContain(5010);
    expect(listed).not.toContain(5011);

    // Counters are consistent with the rows (reply counts, likes, floors, notices, pins).
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);
    const root = await s.handle.db
      .selectFrom('replies')
      .selectAll()
      .where('rpid', '=', 5001)
      .executeTakeFirstOrThrow();
    expect({
      like: root.like_count,
      rcount: root.rcount,
      total: root.reply_total,
      up_like: root.up_like,
    }).toEqual({
      like: 2,
      rcount: 2,
      total: 3,
      up_like: 1,
    });
    const history = await s.handle.db.selectFrom('history').selectAll().execute();
    expect(history.map((h) => [h.mid, h.kid, h.cid, h.page, h.progress])).toEqual([
      [1002, 170001, 279787, 2, 120],
    ]);

    // The viewer can reply under the fixed rpid; the next rpid does not collide with the fixture's.
    const added = await viewer.reply.add({ type: 1, oid: 170001, root: 5001, parent: 5001, message: 'more' });
    expect(added.code, added.message).toBe(0);
    // Every fixture rpid is below the first automatic one, which therefore comes next, on both databases
    // (PostgreSQL's sequence had continued after the fixture's largest: 5012).
    expect(added.data!.rpid).toBe(100_000_000_001);
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);

    // reset {to: "fixture"} reloads it: the added reply is gone, the fixed rpids are back.
    await s.admin.toolkit.reset('fixture');
    const rpids = (await s.handle.db.selectFrom('replies').select('rpid').orderBy('rpid').execute()).map(
      (r) => r.rpid,
    );
    expect(rpids).toEqual([5001, 5002, 5003, 5004, 5010, 5011]);
    expect((await viewer.nav()).code).toBe(0);
  });

  it('a fixture with an error loads nothing and names the path', async () => {
    await s.admin.toolkit.loadFixture(FIXTURE);
    const before = await s.handle.db.selectFrom('replies').select('rpid').execute();
    const cases: [unknown, string][] = [
      [
        {
          ...FIXTURE,
          threads: [
            FIXTURE.threads[0],
            FIXTURE.threads[1],
            { ...FIXTURE.threads[2], replies: [{ rpid: 9, mid: 1001, message: '' }] },
          ],
        },
        '/threads/2/replies/0/message',
      ],
      [
        { ...FIXTURE, threads: [{ ...FIXTURE.threads[0], replies: [{ rpid: 9, mid: 4242, message: 'x' }] }] },
        '/threads/0/replies/0/mid: no user 4242',
      ],
      [
        { ...FIXTURE, threads: [...FIXTURE.threads, { oid: 170001, rpid: 5001, mid: 1001, message: 'dup' }] },
        '/threads/3/rpid: duplicate rpid 5001',
      ],
      [{ ...FIXTURE, archives: [{ ...FIXTURE.archives[0], owner_mid: 77 }] }, '/archives/0/owner_mid'],
      [{ ...FIXTURE, history: [{ mid: 1002, aid: 170001, cid: 1 }] }, '/history/0/cid'],
      [{ ...FIXTURE, unknown: 1 }, '/'],
      [{ ...FIXTURE, history: [{ mid: 1002, aid: 170001, progress: 2 ** 31 }] }, '/history/0/progress'],
      [{ ...FIXTURE, users: [...FIXTURE.users, { mid: 2 ** 53 - 1, uname: 'top' }] }, '/users/'],
      [
        { ...FIXTURE, users: [...FIXTURE.users, { mid: 9, uname: ' sp ' }] },
        'uname: no spaces around a uname',
      ],
    ];
    for (const [fixture, path] of cases) {
      const error = await s.admin.toolkit.loadFixture(fixture).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 400 });
      expect((error as { body: { message: string } }).body.message).toContain(path);
    }
    expect(await s.handle.db.selectFrom('replies').select('rpid').execute()).toEqual(before);
  });

  it('loads seasons and courses on fixture archives, with season history entries', async () => {
    const fixture = {
      users: FIXTURE.users,
      archives: [
        ...FIXTURE.archives,
        {
          aid: 170101,
          owner_mid: 1001,
          title: 'Episode 1',
          pages: [{ cid: 279801, part: 'E1', duration: 1200 }],
        },
        {
          aid: 170102,
          owner_mid: 1001,
          title: 'Episode 2',
          pages: [{ cid: 279802, part: 'E2', duration: 1300 }],
        },
        {
          aid: 180001,
          owner_mid: 1003,
          title: 'Course video',
          pages: [
            { cid: 380001, part: 'Lesson one', duration: 900 },
            { cid: 380002, part: 'Lesson two', duration: 800 },
          ],
        },
      ],
      seasons: [
        {
          season_id: 41001,
          media_id: 28229233,
          title: 'Fixture season',
          sub_type: 1,
          total: 2,
          is_finish: true,
          episodes: [
            { epid: 410101, aid: 170101, long_title: 'The start', pub_time: 1_700_000_000 },
            { epid: 410102, aid: 170102, title: '2', long_title: 'The end', pub_time: 1_700_100_000 },
          ],
        },
      ],
      courses: [
        {
          season_id: 61,
          title: 'Fixture course',
          lessons: [
            { epid: 790, aid: 180001 },
            { epid: 791, aid: 180001, cid: 380002, title: 'Second lesson' },
          ],
        },
      ],
      history: [
        { mid: 1002, epid: 410102, progress: 300, view_at: 1_700_200_000 },
        { mid: 1002, epid: 791, course: true, progress: -1, view_at: 1_700_200_100 },
        { mid: 1002, aid: 170001, progress: 10, view_at: 1_700_200_200 },
      ],
    };
    const summary = await s.admin.toolkit.loadFixture(fixture);
    expect(summary).toMatchObject({ archives: 4, seasons: 2, episodes: 4, history: 3 });

    const viewer = createClient({
      baseUrl: s.url,
      cookies: `SESSDATA=${encodeURIComponent(SESSDATA)}; bili_jct=${BILI_JCT}`,
    });
    const season = await viewer.history.season({ season_id: 41001 });
    expect(season.code, season.message).toBe(0);
    expect(season.result).toMatchObject({
      season_id: 41001,
      media_id: 28229233,
      title: 'Fixture season',
      type: 1,
      total: 2,
      publish: { is_finish: 1 },
      user_status: { login: 1, progress: { last_ep_id: 410102, last_ep_index: '2', last_time: 300 } },
    });
    expect(season.result!.episodes.map((e) => [e.id, e.aid, e.cid, e.title, e.long_title])).toEqual([
      [410101, 170101, 279801, '1', 'The start'],
      [410102, 170102, 279802, '2', 'The end'],
    ]);
    // By episode id too: the fixture's epids are the ones the API knows.
    expect((await viewer.history.season({ ep_id: 410101 })).result?.season_id).toBe(41001);

    const course = await viewer.history.course({ season_id: 61 });
    expect(course.code, course.message).toBe(0);
    const lessons = course.data!.episodes;
    expect(lessons.map((e) => [e.id, e.title, e.cid])).toEqual([
      [790, 'Lesson one', 380001],
      [791, 'Second lesson', 380002],
    ]);
    // A lesson has its comment area (type 33, oid = epid), owned by the uploader of its archive.
    const areas = await s.handle.db
      .selectFrom('areas')
      .select(['type', 'oid', 'owner_mid'])
      .where('type', '=', 33)
      .orderBy('oid')
      .execute();
    expect(areas.map((a) => [a.type, Number(a.oid), Number(a.owner_mid)])).toEqual([
      [33, 790, 1003],
      [33, 791, 1003],
    ]);

    // History: one entry per season (pgc / cheese), next to the plain archive's (the cursor list has no
    // courses, the older list has every business).
    const cursor = await viewer.history.cursor();
    expect(cursor.code).toBe(0);
    expect(cursor.data!.list.map((e) => [e.history.business, e.history.oid, e.history.epid])).toEqual([
      ['archive', 170001, 0],
      ['pgc', 170102, 410102],
    ]);
    const list = await viewer.history.list();
    expect(list.code).toBe(0);
    expect(list.data!.map((e) => [e.business, e.kid])).toEqual([
      ['archive', 170001],
      ['cheese', 61],
      ['pgc', 41001],
    ]);

    // A heartbeat on a fixture episode is recorded under its season, as for a created one.
    const beat = await viewer.history.heartbeat({
      aid: 170101,
      cid: 279801,
      played_time: 42,
      type: 4,
      epid: 410101,
      sid: 41001,
    });
    expect(beat.code, beat.message).toBe(0);
    await s.store.flush();
    const row = await s.handle.db
      .selectFrom('history')
      .selectAll()
      .where('mid', '=', 1002)
      .where('business', '=', 'pgc')
      .executeTakeFirstOrThrow();
    expect([Number(row.kid), Number(row.epid), Number(row.progress)]).toEqual([41001, 410101, 42]);
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);

    // reset {to: "fixture"} brings the fixture's entry back.
    await s.admin.toolkit.reset('fixture');
    const again = await viewer.history.season({ season_id: 41001 });
    expect(again.result?.user_status.progress).toMatchObject({ last_ep_id: 410102, last_time: 300 });

    const cases: [unknown, string][] = [
      [
        { ...fixture, seasons: [{ ...fixture.seasons[0], episodes: [{ epid: 1, aid: 999 }] }] },
        '/seasons/0/episodes/0/aid: no archive 999 in the fixture',
      ],
      [
        { ...fixture, courses: [{ ...fixture.courses[0], lessons: [{ epid: 5, aid: 170101 }] }] },
        '/courses/0/lessons/0/cid: cid 279801 already carries an episode',
      ],
      [{ ...fixture, seasons: [{ ...fixture.seasons[0], sub_type: 6 }] }, '/seasons/0/sub_type'],
      [
        { ...fixture, history: [{ mid: 1002, epid: 790 }] },
        '/history/0/epid: no season episode 790 in the fixture',
      ],
      [
        { ...fixture, history: [{ mid: 1002, epid: 410101, cid: 279802 }] },
        '/history/0/cid: ep410101 is on part 279801',
      ],
      [{ ...fixture, history: [{ mid: 1002 }] }, '/history/0: needs aid or epid'],
    ];
    for (const [bad, path] of cases) {
      const error = await s.admin.toolkit.loadFixture(bad).catch((e: unknown) => e);
      expect(error, path).toMatchObject({ status: 400 });
      expect((error as { body: { message: string } }).body.message).toContain(path);
    }
    // Nothing of a refused fixture was written: the loaded one is still there.
    expect((await viewer.history.season({ season_id: 41001 })).code).toBe(0);
  });

  it('loads a YAML file (what replay serve --fixture FILE runs at start)', async () => {
    const file = join(tmpdir(), `replay-fixture-${process.pid}-${dialect}.yaml`);
    writeFileSync(
      file,
      [
        'users:',
        '  - mid: 7',
        '    uname: yaml_user',
        '    sessions:',
        '      - access_key: yamlaccesskey',
        'archives:',
        '  - aid: 42',
        '    owner_mid: 7',
        '    title: From YAML',
        '    pages: [{ cid: 4242, part: P1, duration: 60 }]',
        'threads:',
        '  - { oid: 42, rpid: 777, mid: 7, message: hi }',
        '',
      ].join('\n'),
    );
    const summary = await s.services.fixtures.loadFile(file);
    expect(summary).toMatchObject({ users: 1, archives: 1, comments: 1 });
    writeFileSync(file, 'users:\n  - mid: 7\n    uname: yaml_user\n    bogus: 1\n');
    await expect(s.services.fixtures.loadFile(file)).rejects.toThrow(`${file}: /users/0`);
    expect((await s.handle.db.selectFrom('replies').select('rpid').execute()).map((r) => r.rpid)).toEqual([
      777,
    ]);
  });
});
