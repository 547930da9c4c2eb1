import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient, BiliEnvelope } from '../../src/client/index.ts';
import { CrashLoad, createFixture } from '../support/crash-driver.ts';
import { dialects, startTestCluster } from '../support/harness.ts';
import type { TestCluster } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';

/**
 * Cluster mode (DESIGN.md §6): two Replay nodes over one PostgreSQL database. Each node has its own
 * services, caches, rate-limiter objects and connection pool (startTestCluster); the only thing they
 * share is the database, so every rule below holds only if the database enforces it. Requests race by
 * being in flight on both nodes at once; their transactions interleave in PostgreSQL.
 */

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };

interface Person {
  mid: number;
  cookie: string;
  /** The same session on node A and on node B. */
  on: [BiliClient, BiliClient];
}

async function person(cluster: TestCluster, uname: string, password?: string): Promise<Person> {
  const user = await cluster.admin.createUser({ uname, ...(password ? { password } : {}) });
  const session = await cluster.admin.issueSession(user.mid);
  const client = (url: string) => createClient({ baseUrl: url, cookies: session.cookie_header });
  return {
    mid: user.mid,
    cookie: session.cookie_header,
    on: [client(cluster.urls[0]!), client(cluster.urls[1]!)],
  };
}

const codes = (bodies: BiliEnvelope[]) => bodies.map((b) => b.code);

describe.runIf(dialects().includes('postgres'))('two nodes, one PostgreSQL', () => {
  describe('uniqueness rules under races', () => {
    let cluster: TestCluster;
    let owner: Person;
    let people: Person[];
    let oid: number;

    beforeAll(async () => {
      cluster = await startTestCluster('postgres', 2, NO_LIMITS);
      owner = await person(cluster, 'race_owner');
      people = [];
      for (let i = 0; i < 8; i++) people.push(await person(cluster, `racer_${i}`));
      const archive = await cluster.admin.createArchive({
        title: 'races',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 600 }],
      });
      oid = archive.aid;
    });
    afterAll(async () => cluster.close());

    const comment = async (who: Person, node: 0 | 1, message: string, extra: Record<string, number> = {}) => {
      const body = await who.on[node].reply.add({ type: 1, oid, message, ...extra });
      expect(body.code, body.message).toBe(0);
      return body.data!.rpid;
    };
    const row = (rpid: number) =>
      cluster.nodes[0]!.handle.db.selectFrom('replies')
        .selectAll()
        .where('rpid', '=', rpid)
        .executeTakeFirstOrThrow();
    const pinnedInArea = async () =>
      (
        await cluster.nodes[0]!.handle.db.selectFrom('replies')
          .select('rpid')
          .where('type', '=', 1)
          .where('oid', '=', oid)
          .where('pinned', '=', 1)
          .execute()
      ).map((r) => r.rpid);
    const votesOn = (rpid: number) =>
      cluster.nodes[0]!.handle.db.selectFrom('reply_votes').selectAll().where('rpid', '=', rpid).execute();

    it('pin: six different comments pinned at once on both nodes, ten rounds: one wins, five get 12029', async () => {
      const roots: number[] = [];
      for (let i = 0; i < 6; i++) roots.push(await comment(owner, (i % 2) as 0 | 1, `pin candidate ${i}`));
      for (let round = 0; round < 10; round++) {
        const bodies = await Promise.all(
          roots.map((rpid, i) =>
            owner.on[((i + round) % 2) as 0 | 1].reply.top({ type: 1, oid, rpid, action: 1 }),
          ),
        );
        const winners = roots.filter((_, i) => bodies[i]!.code === 0);
        expect({ round, codes: codes(bodies).sort() }).toEqual({
          round,
          codes: [0, 12029, 12029, 12029, 12029, 12029],
        });
        expect(await pinnedInArea()).toEqual(winners);
        // The other node sees the pin at once (no cache between it and the database) and unpins it.
        const winnerNode = ((roots.indexOf(winners[0]!) + round) % 2) as 0 | 1;
        const unpin = await owner.on[(1 - winnerNode) as 0 | 1].reply.top({
          type: 1,
          oid,
          rpid: winners[0]!,
          action: 0,
        });
        expect(unpin.code).toBe(0);
        expect(await pinnedInArea()).toEqual([]);
      }
    });

    it('pin racing the author deleting the same comment: a deleted comment is never left pinned', async () => {
      const author = people[0]!;
      for (let round = 0; round < 20; round++) {
        const rpid = await comment(author, 0, `pinned and deleted ${round}`);
        const [pin, del] = await Promise.all([
          owner.on[round % 2 === 0 ? 0 : 1].reply.top({ type: 1, oid, rpid, action: 1 }),
          author.on[round % 2 === 0 ? 1 : 0].reply.del({ type: 1, oid, rpid }),
        ]);
        expect(del.code).toBe(0);
        expect([0, 12006]).toContain(pin.code);
        expect({ round, pinned: await pinnedInArea() }).toEqual({ round, pinned: [] });
      }
      // The area can still be pinned.
      const next = await comment(owner, 1, 'pinned after the races');
      expect((await owner.on[0].reply.top({ type: 1, oid, rpid: next, action: 1 })).code).toBe(0);
      expect((await owner.on[1].reply.top({ type: 1, oid, rpid: next, action: 0 })).code).toBe(0);
    });

    it('vote: the same like sent four times at once (two per node) by eight users counts once per user', async () => {
      const rpid = await comment(owner, 0, 'vote target');
      const likes = await Promise.all(
        people.flatMap((p) =>
          [0, 1, 0, 1].map((n) => p.on[n as 0 | 1].reply.like({ type: 1, oid, rpid, action: 1 })),
        ),
      );
      expect(new Set(codes(likes))).toEqual(new Set([0]));
      expect((await row(rpid)).like_count).toBe(8);
      expect(await votesOn(rpid)).toHaveLength(8);

      // A like on one node racing a dislike on the other: each user ends with exactly one of them, counted.
      const mixed = await Promise.all(
        people.flatMap((p) => [
          p.on[0].reply.hate({ type: 1, oid, rpid, action: 1 }),
          p.on[1].reply.like({ type: 1, oid, rpid, action: 1 }),
        ]),
      );
      expect(new Set(codes(mixed))).toEqual(new Set([0]));
      const votes = await votesOn(rpid);
      expect(votes).toHaveLength(8);
      const r = await row(rpid);
      expect({ like: r.like_count, hate: r.hate_count }).toEqual({
        like: votes.filter((v) => v.value === 1).length,
        hate: votes.filter((v) => v.value === 2).length,
      });

      // Both cancels at once remove whichever vote each user has; nothing is counted twice or below zero.
      const cancels = await Promise.all(
        people.flatMap((p) => [
          p.on[0].reply.like({ type: 1, oid, rpid, action: 0 }),
          p.on[1].reply.hate({ type: 1, oid, rpid, action: 0 }),
        ]),
      );
      expect(new Set(codes(cancels))).toEqual(new Set([0]));
      expect(await votesOn(rpid)).toEqual([]);
      expect(await row(rpid)).toMatchObject({ like_count: 0, hate_count: 0 });
    });

    it('report: the same report sent four times at once (two per node): one 0 and three 12008 per user', async () => {
      const rpid = await comment(owner, 1, 'report target');
      const bodies = await Promise.all(
        people.map((p) =>
          Promise.all(
            [0, 1, 0, 1].map((n) => p.on[n as 0 | 1].reply.report({ type: 1, oid, rpid, reason: 2 })),
          ),
        ),
      );
      for (const perUser of bodies) expect(codes(perUser).sort()).toEqual([0, 12008, 12008, 12008]);
      const reports = await cluster.nodes[1]!.handle.db.selectFrom('reply_reports')
        .select('mid')
        .where('rpid', '=', rpid)
        .execute();
      expect(reports.map((r) => r.mid).sort()).toEqual(people.map((p) => p.mid).sort());
    });

    it('deleting a root on one node while its replies are deleted on the other: no error, counts intact', async () => {
      for (let round = 0; round < 5; round++) {
        const root = await comment(owner, 0, `doomed thread ${round}`);
        const replies: { who: Person; rpid: number }[] = [];
        for (const p of people.slice(0, 6)) {
          replies.push({
            who: p,
            rpid: await comment(p, 1, `reply ${round} by ${p.mid}`, { root, parent: root }),
          });
        }
        const [rootDelete, ...replyDeletes] = await Promise.all([
          owner.on[0].reply.del({ type: 1, oid, rpid: root }),
          ...replies.map((r) => r.who.on[1].reply.del({ type: 1, oid, rpid: r.rpid })),
        ]);
        expect(rootDelete.code, rootDelete.message).toBe(0);
        for (const body of replyDeletes) expect([0, 12022], body.message).toContain(body.code);
      }
      const problems = invariantViolations(await readSnapshot(cluster.nodes[0]!.handle), {
        viewsExact: true,
      });
      expect(problems).toEqual([]);
    });
  });

  it(
    'a mixed load on both nodes at once: every acknowledged write stored, every counter equals its rows',
    { timeout: 90_000 },
    async () => {
      const cluster = await startTestCluster('postgres', 2, NO_LIMITS);
      try {
        const fixture = await createFixture(cluster.urls[0]!, 10, 2);
        const seed = Math.floor(Math.random() * 2 ** 31);
        const load = new CrashLoad(fixture, seed);
        let stopped = false;
        const running = load.runPhase(cluster.urls, () => stopped);
        await sleep(4000);
        stopped = true;
        await running;
        expect(load.unexpected, `seed ${seed}`).toEqual([]);
        expect(load.unanswered).toBe(0);
        expect(load.ackedTotal).toBeGreaterThan(100);
        const snapshot = await readSnapshot(cluster.nodes[1]!.handle);
        expect(
          [...load.check(snapshot), ...invariantViolations(snapshot, { viewsExact: true })].slice(0, 20),
        ).toEqual([]);
      } finally {
        await cluster.close();
      }
    },
  );

  describe('rate limits are counted in the database, for the whole cluster', () => {
    let cluster: TestCluster;
    let oid: number;
    const BURST = 5;
    const REPORTS = 3;

    beforeAll(async () => {
      cluster = await startTestCluster('postgres', 2, {
        commentBurstLimit: BURST,
        commentBurstSeconds: 600,
        commentHourlyLimit: 0,
        reportPerMinuteLimit: REPORTS,
      });
      const up = await cluster.admin.createUser({ uname: 'limit_owner' });
      oid = (
        await cluster.admin.createArchive({
          title: 'limits',
          owner_mid: up.mid,
          pages: [{ part: 'P1', duration: 60 }],
        })
      ).aid;
    });
    afterAll(async () => cluster.close());

    const postSeven = async (p: Person, nodeOf: (i: number) => 0 | 1) => {
      const result: number[] = [];
      for (let i = 0; i < 7; i++)
        result.push(
          (await p.on[nodeOf(i)].reply.add({ type: 1, oid, message: `limited ${p.mid} ${i}` })).code,
        );
      return result;
    };

    it('-509: the sixth comment is refused whether all go to one node or they alternate', async () => {
      const expected = [0, 0, 0, 0, 0, -509, -509];
      expect(await postSeven(await person(cluster, 'one_node_poster'), () => 0)).toEqual(expected);
      expect(await postSeven(await person(cluster, 'alternating_poster'), (i) => (i % 2) as 0 | 1)).toEqual(
        expected,
      );
    });

    it('-509: twelve comments at once, six per node: exactly five are stored', async () => {
      const p = await person(cluster, 'burst_poster');
      const bodies = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          p.on[(i % 2) as 0 | 1].reply.add({ type: 1, oid, message: `burst ${i}` }),
        ),
      );
      expect(codes(bodies).sort()).toEqual([...Array<number>(7).fill(-509), ...Array<number>(5).fill(0)]);
      const stored = await cluster.nodes[0]!.handle.db.selectFrom('replies')
        .select('rpid')
        .where('mid', '=', p.mid)
        .execute();
      expect(stored).toHaveLength(BURST);
      // The counter itself is a row of the shared rate_limits table (rate-limiter-flexible's PostgreSQL store).
      const { rows } = await sql<{
        points: number;
      }>`SELECT points FROM rate_limits WHERE key = ${`comment_burst:${p.mid}`}`.execute(
        cluster.nodes[1]!.handle.db,
      );
      expect(rows).toEqual([{ points: 12 }]);
    });

    it('12019: the report limit is shared the same way', async () => {
      const author = await person(cluster, 'report_limit_author');
      const targets: number[] = [];
      for (let i = 0; i < 5; i++)
        targets.push((await author.on[0].reply.add({ type: 1, oid, message: `target ${i}` })).data!.rpid);
      const reporter = await person(cluster, 'report_limit_reporter');
      const result: number[] = [];
      for (const [i, rpid] of targets.entries()) {
        result.push(
          (await reporter.on[(i % 2) as 0 | 1].reply.report({ type: 1, oid, rpid, reason: 3 })).code,
        );
      }
      expect(result).toEqual([0, 0, 0, 12019, 12019]);
    });

    it('-625: ten failed sign-ins lock the name on both nodes, whether they went to one node or alternated', async () => {
      for (const [uname, nodeOf] of [
        ['throttle_one_node', () => 0],
        ['throttle_alternating', (i: number) => i % 2],
      ] as const) {
        await cluster.admin.createUser({ uname, password: 'right-password' });
        const nodes = cluster.urls.map((baseUrl) => createClient({ baseUrl }));
        const failures: number[] = [];
        for (let i = 0; i < 10; i++)
          failures.push((await nodes[nodeOf(i)]!.passwordLogin(uname, 'wrong-password')).code);
        expect({ uname, failures }).toEqual({ uname, failures: Array<number>(10).fill(-629) });
        // Locked everywhere, even for the right password.
        expect((await nodes[0]!.passwordLogin(uname, 'right-password')).code).toBe(-625);
        expect((await nodes[1]!.passwordLogin(uname, 'right-password')).code).toBe(-625);
      }
    });

    it('-625: 24 wrong passwords at once, twelve per node: only ten are checked, fourteen are refused', async () => {
      await cluster.admin.createUser({ uname: 'throttle_parallel', password: 'right-password' });
      const nodes = cluster.urls.map((baseUrl) => createClient({ baseUrl }));
      const bodies = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          nodes[i % 2]!.passwordLogin('throttle_parallel', 'wrong-password'),
        ),
      );
      expect(codes(bodies).sort((a, b) => a - b)).toEqual([
        ...Array<number>(10).fill(-629),
        ...Array<number>(14).fill(-625),
      ]);
      expect((await nodes[1]!.passwordLogin('throttle_parallel', 'right-password')).code).toBe(-625);
    });
  });

  describe('session cache: a ban or logout on node A takes effect on node B within the cache TTL', () => {
    const TTL_MS = 400;
    /** Scheduling slack on a loaded two-core machine, on top of the TTL. */
    const SLACK_MS = 400;
    let cluster: TestCluster;

    beforeAll(async () => {
      cluster = await startTestCluster('postgres', 2, { ...NO_LIMITS, sessionCacheTtlMs: TTL_MS });
    });
    afterAll(async () => cluster.close());

    /**
     * Repeats `probe` on node B until it answers `code`; returns how long after the start the first probe
     * that saw it was sent (not when its answer came back: on a loaded machine one slow answer would
     * otherwise count as propagation time).
     */
    const untilCode = async (probe: () => Promise<BiliEnvelope>, code: number): Promise<number> => {
      const start = Date.now();
      while (Date.now() - start < TTL_MS * 10) {
        const sent = Date.now();
        if ((await probe()).code === code) return sent - start;
        await sleep(20);
      }
      return Infinity;
    };

    it('ban on A: writes on B answer -102 within the TTL', async () => {
      const p = await person(cluster, 'banned_on_a');
      // Auth comes before parameters (-101/-102/-111, then -400), so an empty reply/add probes the session
      // without writing anything: -400 while the account may write, -102 once it is banned.
      const probe = (node: 0 | 1) => p.on[node].post<BiliEnvelope>('/x/v2/reply/add', {});
      expect((await probe(1)).code).toBe(-400);
      expect((await probe(0)).code).toBe(-400);
      await cluster.admin.updateUser(p.mid, { banned: true });
      // The admin API ran on node A, which forgets its cached lookups of the user at once.
      expect((await probe(0)).code).toBe(-102);
      expect(await untilCode(() => probe(1), -102)).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
    });

    it('a rename on A: listings on A show it at once, on B within a second (member cache)', async () => {
      const author = await person(cluster, 'rename_me');
      const archive = await cluster.admin.createArchive({
        title: 'renames',
        owner_mid: author.mid,
        pages: [{ part: 'P1', duration: 60 }],
      });
      const added = await author.on[0].reply.add({ type: 1, oid: archive.aid, message: 'who wrote this?' });
      expect(added.code).toBe(0);
      const shownName = async (node: 0 | 1) =>
        (await author.on[node].reply.list({ type: 1, oid: archive.aid })).data!.replies![0]!.member!.uname;
      // Both nodes have read (and cached) the author's row.
      expect(await shownName(0)).toBe('rename_me');
      expect(await shownName(1)).toBe('rename_me');
      await cluster.admin.updateUser(author.mid, { uname: 'renamed_on_a' });
      expect(await shownName(0)).toBe('renamed_on_a');
      const start = Date.now();
      while ((await shownName(1)) !== 'renamed_on_a' && Date.now() - start < 10_000) await sleep(20);
      expect(await shownName(1)).toBe('renamed_on_a');
      expect(Date.now() - start).toBeLessThanOrEqual(1000 + SLACK_MS);
    });

    it('logout on A: node B treats the cookie as signed out within the TTL', async () => {
      const p = await person(cluster, 'logout_on_a');
      expect((await p.on[1].nav()).code).toBe(0);
      expect((await p.on[0].logout()).code).toBe(0);
      // (The client that logged out dropped its cookies; ask node A with the old ones.)
      expect((await createClient({ baseUrl: cluster.urls[0]!, cookies: p.cookie }).nav()).code).toBe(-101);
      expect(await untilCode(() => p.on[1].nav(), -101)).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
    });
  });

  describe('account deleted on A while node B still holds its session', () => {
    let cluster: TestCluster;

    beforeAll(async () => {
      // A cache that outlives the test: B resolves the deleted account's cookie from memory throughout,
      // so its writes reach the store and must be refused there.
      cluster = await startTestCluster('postgres', 2, { ...NO_LIMITS, sessionCacheTtlMs: 60_000 });
    });
    afterAll(async () => cluster.close());

    it('a watch-later add and an emote panel change on B answer -101; nothing of the account is left', async () => {
      const uploader = await cluster.admin.createUser({ uname: 'deleted_race_up' });
      const archive = await cluster.admin.createArchive({
        title: 'watch later',
        owner_mid: uploader.mid,
        pages: [{ part: 'P1', duration: 60 }],
      });
      const p = await person(cluster, 'deleted_on_a');
      // B resolves (and caches) the session.
      expect((await p.on[1].nav()).code).toBe(0);
      expect((await p.on[0].accountSelf.deleteAccount('')).code).toBe(0);
      expect((await p.on[0].nav()).code).toBe(-101);
      expect((await p.on[1].toview.add({ aid: archive.aid })).code).toBe(-101);
      expect((await p.on[1].emote.addPackage(4, 'reply')).code).toBe(-101);
      // A feed read through B still answers (the session is cached there) but leaves no read mark.
      await p.on[1].msgfeed.reply();
      const { db } = cluster.nodes[0]!.handle;
      const rows = async (table: 'toview' | 'user_emote_packages' | 'notice_views') =>
        (await db.selectFrom(table).select('mid').where('mid', '=', p.mid).execute()).length;
      expect({
        toview: await rows('toview'),
        emotePanel: await rows('user_emote_packages'),
        readMarks: await rows('notice_views'),
      }).toEqual({ toview: 0, emotePanel: 0, readMarks: 0 });
    });
  });
});
