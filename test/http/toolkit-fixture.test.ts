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
    ];
    for (const [fixture, path] of cases) {
      const error = await s.admin.toolkit.loadFixture(fixture).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 400 });
      expect((error as { body: { message: string } }).body.message).toContain(path);
    }
    expect(await s.handle.db.selectFrom('replies').select('rpid').execute()).toEqual(before);
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
    await expect(s.services.fixtures.loadFile(file)).rejects.toThrow(`${file}/users/0`);
    expect((await s.handle.db.selectFrom('replies').select('rpid').execute()).map((r) => r.rpid)).toEqual([
      777,
    ]);
  });
});
