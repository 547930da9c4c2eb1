import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import {
  BENCH_FIRST_MID,
  BENCH_UNAME_PREFIX,
  createBenchArchives,
  createBenchUsers,
} from '../../bench/lib/replay.ts';
import type { BenchUser } from '../../bench/lib/replay.ts';
import { areaShape, seedArea } from '../../bench/lib/seed-comments.ts';
import type { SeededArea } from '../../bench/lib/seed-comments.ts';
import { verifySeed } from '../../bench/lib/verify-seed.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

describe('bench area shape', () => {
  it.each([1_000, 10_000, 100_000, 1_000_000])('adds up to exactly %i comments', (total) => {
    const { groups, busyReplies, roots } = areaShape(total);
    expect(roots).toBe(4 * groups + 1);
    expect(roots + 6 * groups + busyReplies).toBe(total);
    expect(busyReplies).toBeGreaterThanOrEqual(Math.min(5000, Math.max(20, Math.floor(total / 200))));
  });
});

// The bench writes comments with raw SQL; this keeps that seed in step with the comments schema and
// the service's rules by reading it back through the API, then posting on top of it.
describe.each(dialects())('bench comment seed (%s)', (dialect) => {
  let s: TestServer;
  let users: BenchUser[];
  let area: SeededArea;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    users = await createBenchUsers(s.admin, 12);
    const [archive] = await createBenchArchives(s.admin, 1, users[0]!.mid, 'seeded');
    area = await seedArea(
      { dialect, target: s.config.db },
      { type: 1, oid: archive!.aid },
      1_000,
      { firstMid: BENCH_FIRST_MID, count: users.length, unamePrefix: BENCH_UNAME_PREFIX },
      Math.floor(s.clock.nowMs() / 1000),
      () => undefined,
    );
  });
  afterAll(async () => s.close());

  it('reads back through the API as if every comment had been posted', async () => {
    expect(area).toMatchObject({ total: 1_000, roots: 389, busyReplies: 29 });
    expect(await verifySeed(s.url, users[1]!.cookie, area)).toEqual([]);
  });

  it('takes new comments after the seeded ones (next rpid, next floor, counters)', async () => {
    const client = createClient({ baseUrl: s.url, cookies: users[2]!.cookie });
    const posted = await client.post<{ code: number; data: { rpid: number } }>('/x/v2/reply/add', {
      type: 1,
      oid: area.oid,
      message: 'after the seed',
    });
    expect(posted.code).toBe(0);
    expect(posted.data.rpid).toBeGreaterThan(area.rpidBase + area.total);
    const list = await client.get<{
      code: number;
      data: { page: { count: number; acount: number }; replies: { rpid: number }[] };
    }>('/x/v2/reply', { type: 1, oid: area.oid, ps: 1, pn: 1 });
    expect(list.data.page).toMatchObject({ count: area.roots + 1, acount: area.total + 1 });
    expect(list.data.replies[0]!.rpid).toBe(posted.data.rpid);
    const row = await s.handle.db
      .selectFrom('replies')
      .select('floor')
      .where('rpid', '=', posted.data.rpid)
      .executeTakeFirstOrThrow();
    expect(row.floor).toBe(area.roots + 1);
  });
});
