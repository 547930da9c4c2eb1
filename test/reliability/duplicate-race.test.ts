import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient, BiliEnvelope } from '../../src/client/index.ts';
import { up as reAddDedupe } from '../../src/store/migrations/2026-12-05-06-reply-dedupe.ts';
import { dialects, startTestCluster, startTestServer } from '../support/harness.ts';
import type { TestCluster, TestServer } from '../support/harness.ts';

/**
 * The duplicate rule (12051, DESIGN.md §4) under races: identical posts in flight at once, which all
 * pass any read made before the first of them commits. The claim inside the insert's transaction (the
 * `reply_dedupe` primary key) is what lets one through.
 */

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };
const WINDOW = 300;
const sortedCodes = (bodies: BiliEnvelope[]) => bodies.map((b) => b.code).sort((a, b) => a - b);
const ONE_STORED = [0, 12051, 12051, 12051, 12051];

describe.each(dialects())('identical comments at once on one node (%s)', (dialect) => {
  let s: TestServer;
  let oid: number;
  let author: Awaited<ReturnType<TestServer['signedIn']>>;

  beforeAll(async () => {
    s = await startTestServer(dialect, { ...NO_LIMITS, duplicateWindowSeconds: WINDOW });
    author = await s.signedIn();
    const owner = await s.signedIn();
    oid = (
      await s.admin.createArchive({
        title: 'dupes',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 60 }],
      })
    ).aid;
  });
  afterAll(async () => s.close());

  const stored = (message: string) =>
    s.handle.db
      .selectFrom('replies')
      .select(['rpid', 'state'])
      .where('oid', '=', oid)
      .where('message', '=', message)
      .execute();
  const fiveAtOnce = (message: string, extra: Record<string, number> = {}) =>
    Promise.all(
      Array.from({ length: 5 }, () => author.client.reply.add({ type: 1, oid, message, ...extra })),
    );
  const areaCount = async () => (await s.anonymous().reply.count({ type: 1, oid })).data!.count;

  it('five identical level-1 comments at once: one stored, four 12051, the area counted once', async () => {
    for (let round = 0; round < 5; round++) {
      const before = await areaCount();
      const message = `five at once ${round}`;
      const bodies = await fiveAtOnce(message);
      expect({ round, codes: sortedCodes(bodies) }).toEqual({ round, codes: ONE_STORED });
      const winner = bodies.find((b) => b.code === 0)!;
      expect(await stored(message)).toEqual([{ rpid: winner.data!.rpid, state: 0 }]);
      expect(await areaCount()).toBe(before + 1);
      for (const loser of bodies.filter((b) => b.code !== 0)) {
        expect(loser).toEqual({ code: 12051, message: '重复评论，请勿刷屏', ttl: 1 });
      }
    }
  });

  it('five identical replies at once, to a root and to a reply: one stored each time', async () => {
    const root = (await author.client.reply.add({ type: 1, oid, message: 'thread for dupes' })).data!.rpid;
    const bodies = await fiveAtOnce('same reply', { root, parent: root });
    expect(sortedCodes(bodies)).toEqual(ONE_STORED);
    const second = bodies.find((b) => b.code === 0)!.data!.rpid;
    const deep = await fiveAtOnce('same deep reply', { root, parent: second });
    expect(sortedCodes(deep)).toEqual(ONE_STORED);
    const rows = await s.handle.db.selectFrom('replies').select('rpid').where('root', '=', root).execute();
    expect(rows).toHaveLength(2);
    expect((await s.anonymous().reply.info({ type: 1, oid, rpid: root })).data!.rcount).toBe(2);
  });

  it('a deleted comment frees its text at once; after the window the text is free again', async () => {
    const first = await author.client.reply.add({ type: 1, oid, message: 'said and unsaid' });
    expect(first.code).toBe(0);
    expect((await author.client.reply.del({ type: 1, oid, rpid: first.data!.rpid })).code).toBe(0);
    const again = await fiveAtOnce('said and unsaid');
    expect(sortedCodes(again)).toEqual(ONE_STORED);
    // Deleting the older (already deleted) comment's twin does not free the newer claim early: only the
    // comment that holds the claim releases it.
    expect((await author.client.reply.add({ type: 1, oid, message: 'said and unsaid' })).code).toBe(12051);
    s.clock.advance(WINDOW + 1);
    expect(sortedCodes(await fiveAtOnce('said and unsaid'))).toEqual(ONE_STORED);
    expect((await stored('said and unsaid')).map((r) => r.state).sort()).toEqual([0, 0, 1]);
  });

  it('expired claims are pruned a few per accepted comment (bounded work, the table does not grow)', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await author.client.reply.add({ type: 1, oid, message: `to expire ${i}` })).code).toBe(0);
    }
    s.clock.advance(WINDOW + 1);
    const now = Math.floor(s.clock.nowMs() / 1000);
    const expired = async () =>
      Number(
        (
          await s.handle.db
            .selectFrom('reply_dedupe')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('ctime', '<', now - WINDOW)
            .executeTakeFirstOrThrow()
        ).n,
      );
    let left = await expired();
    expect(left).toBeGreaterThanOrEqual(20);
    for (let i = 0; left > 0; i++) {
      expect((await author.client.reply.add({ type: 1, oid, message: `pruner ${i}` })).code).toBe(0);
      const now = await expired();
      expect(now).toBe(Math.max(0, left - 8));
      left = now;
    }
  });

  it('comments stored before the upgrade count: the migration fills the claims from recent comments', async () => {
    const kept = await author.client.reply.add({ type: 1, oid, message: 'from before the upgrade' });
    const gone = await author.client.reply.add({ type: 1, oid, message: 'deleted before the upgrade' });
    await author.client.reply.del({ type: 1, oid, rpid: gone.data!.rpid });
    await sql`DROP TABLE reply_dedupe`.execute(s.handle.db);
    // The migration reads the real clock; the test server's clock starts there too.
    await reAddDedupe(s.handle.db as unknown as Kysely<unknown>);
    expect((await author.client.reply.add({ type: 1, oid, message: 'from before the upgrade' })).code).toBe(
      12051,
    );
    expect(kept.code).toBe(0);
    expect(
      (await author.client.reply.add({ type: 1, oid, message: 'deleted before the upgrade' })).code,
    ).toBe(0);
  });
});

describe.runIf(dialects().includes('postgres'))('identical comments at once on two nodes (postgres)', () => {
  let cluster: TestCluster;
  let oid: number;
  let on: [BiliClient, BiliClient];
  let mid: number;

  beforeAll(async () => {
    cluster = await startTestCluster('postgres', 2, NO_LIMITS);
    const user = await cluster.admin.createUser({ uname: 'dupe_poster' });
    mid = user.mid;
    const session = await cluster.admin.issueSession(user.mid);
    on = [
      createClient({ baseUrl: cluster.urls[0]!, cookies: session.cookie_header }),
      createClient({ baseUrl: cluster.urls[1]!, cookies: session.cookie_header }),
    ];
    oid = (
      await cluster.admin.createArchive({
        title: 'two-node dupes',
        owner_mid: mid,
        pages: [{ part: 'P1', duration: 60 }],
      })
    ).aid;
  });
  afterAll(async () => cluster.close());

  const atOnce = (message: string, extra: Record<string, number> = {}) =>
    Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        on[(i % 2) as 0 | 1].reply.add({ type: 1, oid, message, ...extra }),
      ),
    );
  const storedCount = async (message: string) =>
    (
      await cluster.nodes[1]!.handle.db.selectFrom('replies')
        .select('rpid')
        .where('mid', '=', mid)
        .where('message', '=', message)
        .execute()
    ).length;

  it('the same comment sent six times at once, three per node, ten rounds: one stored each round', async () => {
    for (let round = 0; round < 10; round++) {
      const message = `both nodes ${round}`;
      const bodies = await atOnce(message);
      expect({ round, codes: sortedCodes(bodies) }).toEqual({
        round,
        codes: [0, ...ONE_STORED.slice(1), 12051],
      });
      expect(await storedCount(message)).toBe(1);
    }
    const root = (await on[0].reply.add({ type: 1, oid, message: 'two-node thread' })).data!.rpid;
    const replies = await atOnce('two-node reply', { root, parent: root });
    expect(sortedCodes(replies)).toEqual([0, 12051, 12051, 12051, 12051, 12051]);
    expect(await storedCount('two-node reply')).toBe(1);
  });
});
