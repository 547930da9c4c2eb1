import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, createClient } from '../../src/client/index.ts';
import type { AdminClient, BiliClient } from '../../src/client/index.ts';
import { MAX_RULES } from '../../src/services/toolkit/fault.ts';
import { ADMIN_TOKEN, dialects, startTestCluster } from '../support/harness.ts';
import type { TestCluster } from '../support/harness.ts';

const AV = { aid: 880101, cid: 990101 };
const HEARTBEAT = '/x/click-interface/web/heartbeat';
const NAV = '/x/web-interface/nav';

// Cluster mode: two app instances over one PostgreSQL database. Every call below goes to one node and
// its effect is checked on the other at once, with no waiting in the test: the admin call answers only
// once every node follows it (docs/toolkit.md "Cluster mode").
describe.runIf(dialects().includes('postgres'))('toolkit runtime across two PostgreSQL nodes', () => {
  let cluster: TestCluster;
  let adminA: AdminClient;
  let adminB: AdminClient;
  let onA: BiliClient;
  let onB: BiliClient;
  let mid: number;

  beforeAll(async () => {
    cluster = await startTestCluster('postgres', 2, { toolkit: true });
    adminA = createAdminClient({ baseUrl: cluster.urls[0]!, token: ADMIN_TOKEN });
    adminB = createAdminClient({ baseUrl: cluster.urls[1]!, token: ADMIN_TOKEN });
    const up = await adminA.createUser({ uname: 'cluster_up' });
    await adminA.createArchive({
      aid: AV.aid,
      title: 'cluster',
      owner_mid: up.mid,
      pages: [{ cid: AV.cid, part: 'p1', duration: 600 }],
    });
    const viewer = await adminA.createUser({ uname: 'cluster_viewer' });
    mid = viewer.mid;
    const session = await adminA.issueSession(mid);
    onA = createClient({ baseUrl: cluster.urls[0]!, cookies: session.cookies });
    onB = createClient({ baseUrl: cluster.urls[1]!, cookies: session.cookies });
  });
  afterAll(async () => cluster?.close());

  const beat = (client: BiliClient, i: number) =>
    client.history.heartbeat({ ...AV, played_time: i, session: `cluster-${i}`, play_type: 0 });

  it('a fault rule added on A faults on B; its count is shared; removal on B stops it on A', async () => {
    const rule = await adminA.faults.add({ path: HEARTBEAT, code: -412, count: 3 });
    expect((await adminB.faults.list()).map((r) => r.id)).toEqual([rule.id]);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await beat(i % 2 ? onA : onB, i)).code);
    // Three faults in all, whichever node answered: the count is the cluster's, not each node's.
    expect(codes).toEqual([-412, -412, -412, 0, 0, 0]);
    expect(await adminA.faults.list()).toEqual([]);
    expect(await adminB.faults.list()).toEqual([]);

    const nav = await adminB.faults.add({ path: NAV, code: -352 });
    expect((await onA.nav()).code).toBe(-352);
    expect((await onB.nav()).code).toBe(-352);
    expect((await adminA.faults.list()).find((r) => r.id === nav.id)?.hits).toBe(2);
    await adminB.faults.remove(nav.id);
    expect((await onA.nav()).code).toBe(0);
    await adminA.faults.add({ path: NAV, mid, code: -509 });
    // A rule naming the user is checked after authentication, on either node.
    expect((await onB.nav()).code).toBe(-509);
    await adminB.faults.clear();
    expect((await onA.nav()).code).toBe(0);
    expect((await onB.nav()).code).toBe(0);
  });

  it('the cap on rules at once holds across nodes: two adds racing at the cap minus one, one is refused', async () => {
    // MAX_RULES − 1 rules stored as the admin API stores them, straight into the shared table (a
    // thousand adds through the API would each wait for both nodes to follow).
    const { db } = cluster.nodes[0]!.handle;
    const rules = Array.from({ length: MAX_RULES - 1 }, (_, i) => ({
      rule: JSON.stringify({ id: 0, path: `/x/cap/${i}`, code: -412, hits: 0, created_at: 0, expires_at: 0 }),
      max_hits: null,
    }));
    await db.insertInto('toolkit_faults').values(rules).execute();
    // An expired rule does not count toward the cap.
    await db
      .insertInto('toolkit_faults')
      .values({ rule: JSON.stringify({ id: 0, path: '/x/old', code: -412, expires_at: 1 }), max_hits: null })
      .execute();
    try {
      const added = await Promise.allSettled([
        adminA.faults.add({ path: '/x/cap/a', code: -412 }),
        adminB.faults.add({ path: '/x/cap/b', code: -412 }),
      ]);
      expect(added.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = added.find((r) => r.status === 'rejected')!;
      expect(refused.reason).toMatchObject({ status: 400 });
      expect(await db.selectFrom('toolkit_faults').select('id').execute()).toHaveLength(MAX_RULES + 1);
    } finally {
      // Not left to the next tests, whatever failed.
      await adminA.faults.clear();
    }
    expect(await db.selectFrom('toolkit_faults').select('id').execute()).toHaveLength(0);
  });

  it('the clock moved, frozen or reset on one node reads the same on the other', async () => {
    const moved = await adminA.clock.advance(6 * 60_000);
    const onB = await adminB.clock.get();
    expect(Math.abs(onB.offset_ms - 6 * 60_000)).toBeLessThan(1000);
    expect(Math.abs(onB.now_ms - moved.now_ms)).toBeLessThan(1000);

    // A day ahead, on a whole second (the session issued today is still valid then).
    const at = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
    await adminB.clock.freeze(true);
    const frozen = await adminB.clock.set(at);
    expect(frozen).toMatchObject({ now_ms: at, frozen: true });
    await new Promise((r) => setTimeout(r, 30));
    expect(await adminA.clock.get()).toMatchObject({ now_ms: at, frozen: true });
    // What the services read follows too: a comment posted on A carries B's frozen time.
    const posted = await onA.reply.add({ type: 1, oid: AV.aid, message: 'frozen in time' });
    expect(posted.code, posted.message).toBe(0);
    expect(posted.data!.reply!.ctime).toBe(at / 1000);

    await adminA.clock.reset();
    const real = await adminB.clock.get();
    expect(real).toMatchObject({ frozen: false });
    expect(Math.abs(real.offset_ms)).toBeLessThan(1000);
  });

  it('the journal read on either node holds the requests of both, with cluster-wide ids', async () => {
    await adminA.journal.clear();
    expect(await adminB.journal.list()).toEqual([]);
    await onA.nav();
    await beat(onB, 100);
    await onA.nav();
    const fromB = await adminB.journal.list();
    // Listed in arrival order (ids follow the order the nodes wrote their batches: `since` misses nothing).
    expect(fromB.map((e) => e.path).sort()).toEqual([HEARTBEAT, NAV, NAV]);
    const times = fromB.map((e) => e.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const beatEntry = fromB.find((e) => e.path === HEARTBEAT)!;
    expect(beatEntry.events.map((e) => e.type)).toContain('heartbeat.stored');
    const ids = fromB.map((e) => e.id);
    expect(await adminA.journal.list()).toEqual(fromB);
    const newest = Math.max(...ids);
    const older = await adminA.journal.list({ since: Math.min(...ids) });
    expect(older.map((e) => e.id).sort((a, b) => a - b)).toEqual(
      ids.filter((id) => id > Math.min(...ids)).sort((a, b) => a - b),
    );

    // wait on A for a heartbeat that B answers later.
    const waiting = adminA.journal.wait(
      { path: HEARTBEAT, params: { played_time: 777 }, since: newest },
      5000,
    );
    await new Promise((r) => setTimeout(r, 150));
    await beat(onB, 777);
    const entry = await waiting;
    expect(entry).toMatchObject({ path: HEARTBEAT, mid, params: { played_time: 777 } });
    expect(await adminB.journal.wait({ path: '/nothing', since: entry!.id }, 200)).toBeNull();

    await adminB.journal.clear();
    expect(await adminA.journal.list()).toEqual([]);
  });

  it('a node that stops is no longer waited for', async () => {
    await cluster.nodes[1]!.app.close();
    const started = performance.now();
    await adminA.faults.add({ path: '/x/nothing', code: -412 });
    expect(performance.now() - started).toBeLessThan(1000);
    await adminA.faults.clear();
  });
});
