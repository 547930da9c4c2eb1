import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError } from '../../src/client/index.ts';
import type { AdminListPage, ListPaging } from '../../src/client/index.ts';
import { ADMIN_TOKEN, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const BULK_USERS = 5000;
const BULK_REPLIES = 5000;
const FIRST_BULK_MID = 2_000_000;
const FIRST_BULK_RPID = 300_000_000_001;
const AREA_A = 91_001;
const AREA_B = 91_002;

/** Walks a list to its end, checking every page's size, and returns all items in order. */
async function walk<T>(list: (paging: ListPaging) => Promise<AdminListPage<T>>, limit: number): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await list({ limit, ...(cursor === undefined ? {} : { cursor }) });
    if (page.next !== null) expect(page.items.length).toBe(limit);
    else expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    if (page.next === null) return all;
    cursor = page.next;
  }
  throw new Error('list does not end');
}

async function status(work: Promise<unknown>): Promise<number> {
  try {
    await work;
    return 200;
  } catch (error) {
    if (error instanceof AdminApiError) return error.status;
    throw error;
  }
}

describe.each(dialects())('moderation console lists (%s)', (dialect) => {
  let s: TestServer;
  let alice: number;
  let alicia: number;
  let bob: number;
  /** Expected rpids of the bulk comments, newest first, with their area, author and state. */
  let bulk: { rpid: number; oid: number; mid: number; deleted: boolean }[];

  beforeAll(async () => {
    s = await startTestServer(dialect, { commentBurstLimit: 0, commentHourlyLimit: 0 });
    alice = (await s.admin.createUser({ uname: 'alice', face: '/x/replay/avatar/a.png' })).mid;
    alicia = (await s.admin.createUser({ uname: 'alicia' })).mid;
    bob = (await s.admin.createUser({ uname: 'bob' })).mid;
    const db = s.handle.db;
    for (let start = 0; start < BULK_USERS; start += 500) {
      await db
        .insertInto('users')
        .values(
          Array.from({ length: 500 }, (_, i) => ({
            mid: FIRST_BULK_MID + start + i,
            uname: `bulk${String(start + i).padStart(5, '0')}`,
            sex: '保密',
            sign: '',
            face: '',
            level: 0,
            vip_type: 0,
            vip_due_date: 0,
            official_type: -1,
            official_desc: '',
            banned: 0,
            created_at: 1,
            updated_at: 1,
          })),
        )
        .execute();
    }
    await s.admin.putArea(1, AREA_A, { owner_mid: alice });
    await s.admin.putArea(1, AREA_B, { owner_mid: bob });
    bulk = [];
    for (let start = 0; start < BULK_REPLIES; start += 500) {
      const rows = Array.from({ length: 500 }, (_, i) => {
        const n = start + i;
        return {
          rpid: FIRST_BULK_RPID + n,
          type: 1,
          oid: n % 3 === 0 ? AREA_B : AREA_A,
          mid: n % 2 === 0 ? alice : bob,
          root: 0,
          parent: 0,
          dialog: 0,
          floor: n + 1,
          message: `comment ${n}`,
          state: n % 7 === 0 ? 1 : 0,
          ctime: 1_700_000_000 + n,
        };
      });
      await db.insertInto('replies').values(rows).execute();
      bulk.push(...rows.map((r) => ({ rpid: r.rpid, oid: r.oid, mid: r.mid, deleted: r.state === 1 })));
    }
    bulk.reverse();
  }, 120_000);
  afterAll(async () => s.close());

  it('lists users newest first, exact across pages down to the last of 5k', async () => {
    const all = await walk((p) => s.admin.moderation.users(p), 200);
    const mids = all.map((u) => u.mid);
    expect(mids.length).toBe(BULK_USERS + 3);
    expect(mids).toEqual([...mids].sort((a, b) => b - a));
    expect(new Set(mids).size).toBe(mids.length);
    // A page deep into the list answers exactly the rows after its cursor.
    const first = await s.admin.moderation.users({ limit: 50 });
    let page = first;
    for (let i = 0; i < 60; i++) page = await s.admin.moderation.users({ limit: 50, cursor: page.next! });
    expect(page.items.map((u) => u.mid)).toEqual(mids.slice(60 * 50, 61 * 50));
    const a = all.find((u) => u.mid === alice)!;
    expect(a).toMatchObject({ uname: 'alice', face: '/x/replay/avatar/a.png', banned: false });
  });

  it('finds users by name prefix, in name order, paging exactly', async () => {
    const found = await walk((p) => s.admin.moderation.users({ ...p, q: 'ali' }), 1);
    expect(found.map((u) => u.uname)).toEqual(['alice', 'alicia']);
    expect(found.map((u) => u.mid)).toEqual([alice, alicia]);
    const bulkFound = await walk((p) => s.admin.moderation.users({ ...p, q: 'bulk049' }), 3);
    expect(bulkFound.map((u) => u.uname)).toEqual(
      Array.from({ length: 100 }, (_, i) => `bulk049${String(i).padStart(2, '0')}`),
    );
    expect((await s.admin.moderation.users({ q: 'nobody' })).items).toEqual([]);
    // Prefix, not substring; and the search is not a pattern.
    expect((await s.admin.moderation.users({ q: 'lice' })).items).toEqual([]);
    expect((await s.admin.moderation.users({ q: 'al%' })).items).toEqual([]);
  });

  it('lists archives newest first and finds them by title substring with their owner', async () => {
    const titles = ['Cat video', 'A dog and a CAT', 'bird song', '100% cats'];
    const aids: number[] = [];
    for (const title of titles) {
      aids.push(
        (await s.admin.createArchive({ title, owner_mid: bob, pages: [{ part: 'p', duration: 10 }] })).aid,
      );
    }
    const all = await walk((p) => s.admin.moderation.archives(p), 2);
    expect(all.map((a) => a.aid)).toEqual([...aids].sort((a, b) => b - a));
    const cats = await walk((p) => s.admin.moderation.archives({ ...p, q: 'cat' }), 1);
    expect(cats.map((a) => a.title).sort()).toEqual(['100% cats', 'A dog and a CAT', 'Cat video']);
    expect(cats[0]!.owner).toEqual({ mid: bob, uname: 'bob', face: '' });
    expect((await s.admin.moderation.archives({ q: '0%' })).items.map((a) => a.title)).toEqual(['100% cats']);
    expect((await s.admin.moderation.archives({ q: '_' })).items).toEqual([]);
  });

  it('lists areas with type filter, owners and archive titles', async () => {
    const areas = await walk((p) => s.admin.moderation.areas({ ...p, type: 1 }), 1);
    const keys = areas.map((a) => a.oid);
    expect(keys).toEqual([...keys].sort((a, b) => b - a));
    const a = areas.find((x) => x.oid === AREA_A)!;
    expect(a.owner).toMatchObject({ mid: alice, uname: 'alice' });
    expect(a.title).toBe('');
    expect(areas.some((x) => x.title === 'bird song')).toBe(true);
    expect((await s.admin.moderation.areas({ type: 17 })).items).toEqual([]);
  });

  it('lists comments newest first by area, author and state, exact across pages', async () => {
    const check = async (
      filter: { type?: number; oid?: number; mid?: number; state?: 'visible' | 'deleted' | 'all' },
      expected: typeof bulk,
      limit: number,
    ) => {
      const all = await walk((p) => s.admin.moderation.replies({ ...p, ...filter }), limit);
      const ours = all.filter((r) => r.rpid >= FIRST_BULK_RPID);
      expect(ours.map((r) => r.rpid)).toEqual(expected.map((r) => r.rpid));
      return all;
    };
    const all = await check({}, bulk, 200);
    const newest = all.find((r) => r.rpid === bulk[0]!.rpid)!;
    expect(newest.author.uname).toBe(newest.author.mid === alice ? 'alice' : 'bob');
    expect(newest.deleted).toBe(bulk[0]!.deleted);
    await check(
      { type: 1, oid: AREA_B },
      bulk.filter((r) => r.oid === AREA_B),
      97,
    );
    await check(
      { mid: alice },
      bulk.filter((r) => r.mid === alice),
      199,
    );
    await check(
      { state: 'deleted' },
      bulk.filter((r) => r.deleted),
      60,
    );
    await check(
      { state: 'visible', mid: bob, type: 1, oid: AREA_A },
      bulk.filter((r) => !r.deleted && r.mid === bob && r.oid === AREA_A),
      128,
    );
    const byAlice = await s.admin.moderation.replies({ mid: alice, limit: 1 });
    expect(byAlice.items[0]!.author).toEqual({ mid: alice, uname: 'alice', face: '/x/replay/avatar/a.png' });
    // Deep page: the 40th page of 100 is exactly rows 3900–3999.
    let page = await s.admin.moderation.replies({ limit: 100 });
    for (let i = 0; i < 39; i++) page = await s.admin.moderation.replies({ limit: 100, cursor: page.next! });
    expect(page.items.map((r) => r.rpid)).toEqual(bulk.slice(3900, 4000).map((r) => r.rpid));
  });

  it('answers 400 to a forged cursor, a lone type or oid, and bad limits', async () => {
    expect(await status(s.admin.moderation.users({ cursor: 'garbage' }))).toBe(400);
    expect(
      await status(s.admin.moderation.replies({ cursor: Buffer.from('["x"]').toString('base64url') })),
    ).toBe(400);
    const userCursor = (await s.admin.moderation.users({ q: 'ali', limit: 1 })).next!;
    expect(await status(s.admin.moderation.users({ cursor: userCursor }))).toBe(400);
    expect(await status(s.admin.moderation.replies({ type: 1 }))).toBe(400);
    expect(await status(s.admin.moderation.replies({ oid: 5 }))).toBe(400);
    expect(await status(s.admin.moderation.archives({ limit: 0 }))).toBe(400);
    expect(await status(s.admin.moderation.areas({ limit: 201 }))).toBe(400);
    const anonymous = await fetch(`${s.url}/admin/api/v1/replies`);
    expect(anonymous.status).toBe(401);
    const ok = await fetch(`${s.url}/admin/api/v1/replies?limit=1`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(ok.status).toBe(200);
  });
});
