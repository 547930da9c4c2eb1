import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createAdminClient, createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/services/clock.ts';
import { OnlineService, formatOnlineTotal } from '../../src/services/online.service.ts';
import { createServices } from '../../src/services/services.ts';
import { createDb } from '../../src/store/database.ts';
import type { DbHandle } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { Store } from '../../src/store/store.ts';
import { OnlineTotalData } from '../../src/wire/online.schema.ts';
import { ADMIN_TOKEN, createTestDatabase, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const AID = 880001;
const CIDS = [8800011, 8800012];

describe('formatOnlineTotal', () => {
  it('digits below 10 000, then 万 rounded down to one decimal with +', () => {
    expect(formatOnlineTotal(0)).toBe('0');
    expect(formatOnlineTotal(9999)).toBe('9999');
    expect(formatOnlineTotal(10_000)).toBe('1万+');
    expect(formatOnlineTotal(94_321)).toBe('9.4万+');
    expect(formatOnlineTotal(94_999)).toBe('9.4万+');
    expect(formatOnlineTotal(100_000)).toBe('10万+');
    expect(formatOnlineTotal(123_456)).toBe('12.3万+');
  });
});

describe.each(dialects())('viewers online now (%s)', (dialect) => {
  let s: TestServer;
  const viewer = (name: string) => createClient({ baseUrl: s.url, cookies: { buvid3: `${name}-infoc` } });
  const online = async (cid = CIDS[0]!) => {
    const body = await s.anonymous().toview.online({ aid: AID, cid });
    expect(body.code, body.message).toBe(0);
    expectWire(OnlineTotalData, body.data);
    return body.data!;
  };
  const beat = (c: BiliClient, extra: Record<string, number> = {}) =>
    c.history.heartbeat({ aid: AID, cid: CIDS[0]!, played_time: 10, ...extra });

  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    const owner = await s.signedIn();
    await s.admin.createArchive({
      aid: AID,
      title: 'online',
      owner_mid: owner.mid,
      pages: CIDS.map((cid, i) => ({ cid, part: `P${i + 1}`, duration: 600 })),
    });
  });
  afterAll(async () => s.close());

  it('nobody: "0" / "0", both switches on; the player says 0 too', async () => {
    expect(await online()).toEqual({ total: '0', count: '0', show_switch: { total: true, count: true } });
    const player = await s.anonymous().player.info({ aid: AID, cid: CIDS[0]! });
    expect(player.data!.online_count).toBe(0);
  });

  it('start, resume and play heartbeats count each viewer once per part; web vs all platforms', async () => {
    const a = viewer('a');
    const b = viewer('b');
    const { client: c } = await s.signedIn();
    expect(await beat(a, { play_type: 1 })).toMatchObject({ code: 0 });
    expect(await beat(a, { play_type: 0 })).toMatchObject({ code: 0 });
    expect(await beat(b, { play_type: 3 })).toMatchObject({ code: 0 });
    // A phone (dt 1) counts in total, not in the web count.
    expect(await beat(c, { play_type: 0, dt: 1 })).toMatchObject({ code: 0 });
    expect(await online()).toMatchObject({ total: '3', count: '2' });
    expect(await online(CIDS[1])).toMatchObject({ total: '0', count: '0' });
    expect((await s.anonymous().player.info({ aid: AID, cid: CIDS[0]! })).data!.online_count).toBe(3);
    // The bvid form names the same part.
    const bvid = (
      await s.anonymous().toview.online({ bvid: (await s.admin.getArchive(AID)).bvid, cid: CIDS[0]! })
    ).data!;
    expect(bvid.total).toBe('3');
    // Ending leaves at once: play_type 4, or played_time -1.
    expect(await beat(a, { play_type: 4 })).toMatchObject({ code: 0 });
    expect(await beat(c, { played_time: -1 })).toMatchObject({ code: 0 });
    expect(await online()).toMatchObject({ total: '1', count: '1' });
    s.clock.advance(36);
    expect(await online()).toMatchObject({ total: '0', count: '0' });
  });

  it('a viewer stays for the window after its last heartbeat, then times out', async () => {
    const a = viewer('window');
    await beat(a, { play_type: 1 });
    s.clock.advance(20);
    await beat(a);
    s.clock.advance(34);
    expect((await online()).total).toBe('1');
    s.clock.advance(2);
    expect((await online()).total).toBe('0');
  });

  it('a pause keeps the viewer for one window from the pause; repeated pauses do not extend it', async () => {
    const a = viewer('pause');
    await beat(a, { play_type: 1 });
    await beat(a, { play_type: 2 });
    s.clock.advance(20);
    await beat(a, { play_type: 2 });
    expect((await online()).total).toBe('1');
    s.clock.advance(16);
    expect((await online()).total).toBe('0');
    // Resuming counts it again.
    await beat(a, { play_type: 3 });
    expect((await online()).total).toBe('1');
    await beat(a, { play_type: 4 });
    expect((await online()).total).toBe('0');
  });

  it('moving to another part moves the viewer', async () => {
    const a = viewer('mover');
    await beat(a, { play_type: 1 });
    await a.history.heartbeat({ aid: AID, cid: CIDS[1]!, played_time: 0, play_type: 1 });
    // The first part keeps the viewer until its window ends (the player sends no end for it).
    expect((await online(CIDS[1])).total).toBe('1');
    s.clock.advance(36);
    expect((await online(CIDS[0])).total).toBe('0');
  });

  it('bad requests: -400 without cid or aid/bvid, -404 for an unknown archive or foreign cid', async () => {
    const anon = s.anonymous();
    expect(await anon.get('/x/player/online/total', { aid: AID })).toMatchObject({ code: -400 });
    expect(await anon.get('/x/player/online/total', { cid: CIDS[0]! })).toMatchObject({ code: -400 });
    expect(await anon.get('/x/player/online/total', { aid: 'x', cid: 1 })).toMatchObject({ code: -400 });
    expect(await anon.toview.online({ aid: 31337, cid: 1 })).toMatchObject({ code: -404 });
    expect(await anon.toview.online({ aid: AID, cid: 1 })).toMatchObject({ code: -404 });
    expect(await anon.toview.online({ aid: AID, bvid: 'BV1xx411c7mD', cid: CIDS[0]! })).toMatchObject({
      code: -400,
    });
  });
});

interface Node {
  app: FastifyInstance;
  handle: DbHandle;
  url: string;
}

describe.runIf(dialects().includes('postgres'))('two nodes counting one audience (postgres)', () => {
  const clock = new ManualClock();
  const nodes: Node[] = [];
  let database: { target: string; drop(): Promise<void> };
  let cookies: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const config = loadConfig(
      {
        db: database.target,
        adminToken: ADMIN_TOKEN,
        logLevel: 'silent',
        port: 0,
        demo: false,
        onlinePublishMs: 50,
      },
      {},
    );
    for (let i = 0; i < 2; i++) {
      const handle = createDb(config.db, { poolSize: 3 });
      if (i === 0) await migrateToLatest(handle.db);
      const services = await createServices(new Store(handle), config, clock);
      const app = await buildApp({ config, services });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      nodes.push({
        app,
        handle,
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      });
    }
    const admin = createAdminClient({ baseUrl: nodes[0]!.url, token: ADMIN_TOKEN });
    const owner = await admin.createUser({ uname: 'online_owner' });
    await admin.createArchive({
      aid: AID,
      title: 'online',
      owner_mid: owner.mid,
      pages: [{ cid: CIDS[0]!, part: 'P1', duration: 600 }],
    });
    cookies = [];
    for (let i = 0; i < 3; i++) {
      const user = await admin.createUser({ uname: `online_viewer_${i}` });
      cookies.push((await admin.issueSession(user.mid)).cookie_header);
    }
  });
  afterAll(async () => {
    for (const node of nodes.splice(0)) {
      await node.app.close();
      await node.handle.close();
    }
    await database.drop();
  });

  const on = (node: number, cookie?: string) =>
    createClient({ baseUrl: nodes[node]!.url, ...(cookie ? { cookies: cookie } : {}) });
  const total = async (node: number) =>
    (await on(node).toview.online({ aid: AID, cid: CIDS[0]! })).data!.total;
  const beat = (node: number, who: number, extra: Record<string, number> = {}) =>
    on(node, cookies[who]).history.heartbeat({ aid: AID, cid: CIDS[0]!, played_time: 5, ...extra });

  it('viewers split over both nodes are summed on either; an end and a timeout are seen by both', async () => {
    await beat(0, 0, { play_type: 1 });
    await beat(0, 1, { play_type: 1 });
    await beat(1, 2, { play_type: 1 });
    // Each node knows its own viewers at once and the other's after its next publish.
    await expect.poll(() => total(0), { timeout: 5000 }).toBe('3');
    await expect.poll(() => total(1), { timeout: 5000 }).toBe('3');
    await beat(1, 2, { play_type: 4 });
    expect(await total(1)).toBe('2');
    await expect.poll(() => total(0), { timeout: 5000 }).toBe('2');
    clock.advance(36);
    await expect.poll(() => total(1), { timeout: 5000 }).toBe('0');
    await expect.poll(() => total(0), { timeout: 5000 }).toBe('0');
  });

  it("a node that stops publishing drops out of the other node's count", async () => {
    await beat(1, 0, { play_type: 1 });
    await expect.poll(() => total(0), { timeout: 5000 }).toBe('1');
    // A clean shutdown withdraws the node's rows at once.
    const stopped = nodes.pop()!;
    await stopped.app.close();
    await stopped.handle.close();
    await expect.poll(() => total(0), { timeout: 5000 }).toBe('0');
  });
});

describe.runIf(dialects().includes('postgres'))('one viewer across nodes counts once (postgres)', () => {
  // Two nodes' online services on one database, driven directly: the test publishes (tick) and reads at
  // chosen moments of an injected clock, as a load balancer without stickiness would spread heartbeats.
  const clock = new ManualClock(1_800_000_000_000);
  const handles: DbHandle[] = [];
  const nodes: OnlineService[] = [];
  let database: { target: string; drop(): Promise<void> };
  const CID = CIDS[0]!;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    for (let i = 0; i < 2; i++) {
      const handle = createDb(database.target, { poolSize: 2 });
      handles.push(handle);
      if (i === 0) {
        await migrateToLatest(handle.db);
        const store = new Store(handle);
        const owner = await store.users.insert({
          uname: 'online_cluster_owner',
          password_hash: null,
          sex: '保密',
          sign: '',
          face: '',
          level: 0,
          vip_type: 0,
          vip_due_date: 0,
          official_type: -1,
          official_desc: '',
          banned: 0,
          created_at: 0,
          updated_at: 0,
        });
        await store.archives.insert(
          {
            aid: AID,
            bvid: 'BV1online0001',
            title: 'online',
            cover: '',
            description: '',
            owner_mid: owner.mid,
            tid: 0,
            tname: '',
            copyright: 1,
            pubdate: 0,
            ctime: 0,
            duration: 600,
            state: 0,
          },
          [{ cid: CID, aid: AID, page: 1, part: 'P1', duration: 600 }],
        );
      }
      // publishMs 1: a read's cached view of the other node lasts a millisecond, so reads see each publish.
      nodes.push(
        new OnlineService(new Store(handle), clock, { windowSeconds: 35, publishMs: 1, cluster: true }),
      );
    }
  });
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    for (const h of handles) await h.close();
    await database.drop();
  });

  const publish = () => Promise.all(nodes.map((n) => n.tick()));
  const counts = async () => Promise.all(nodes.map((n) => n.count(AID, CID)));
  const tick = () => new Promise((r) => setTimeout(r, 3));

  it('a viewer alternating nodes counts 1; two viewers count 2; an end leaves both views', async () => {
    // Viewer v starts on node 0, its next heartbeats go to 1, 0, 1 (15 s apart).
    nodes[0]!.beat(AID, CID, 'd:viewer-v', { playType: 1 });
    await publish();
    await tick();
    expect(await counts()).toEqual([
      { total: 1, web: 1 },
      { total: 1, web: 1 },
    ]);
    for (const n of [1, 0, 1]) {
      clock.advance(15);
      nodes[n]!.beat(AID, CID, 'd:viewer-v', { playType: 0 });
      // Before and after the publish: either node counts v once (it holds v, or v is new there).
      await tick();
      expect((await counts()).map((c) => c.total)).toEqual([1, 1]);
      await publish();
      await tick();
      expect((await counts()).map((c) => c.total)).toEqual([1, 1]);
    }
    // A second viewer, on a phone (dt 1), on node 0 only.
    nodes[0]!.beat(AID, CID, 'm:42', { playType: 1, dt: 1 });
    await publish();
    await tick();
    expect(await counts()).toEqual([
      { total: 2, web: 1 },
      { total: 2, web: 1 },
    ]);
    // v ends on node 0, though node 1 saw its last heartbeat: gone on 0 at once, on 1 after the publish.
    clock.advance(5);
    nodes[0]!.beat(AID, CID, 'd:viewer-v', { playType: 4 });
    await tick();
    expect((await nodes[0]!.count(AID, CID)).total).toBe(1);
    await publish();
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([1, 1]);
    // … and stays gone after the next publish (node 1 dropped it from its own map).
    await publish();
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([1, 1]);
    expect(nodes[1]!.snapshot(10).total).toBe(0);
    // played_time -1 ends too, here on the node that did not see the viewer's start.
    nodes[1]!.beat(AID, CID, 'm:42', { playedTime: -1 });
    await publish();
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([0, 0]);
    // The viewer resumes later on node 1: counted again on both.
    clock.advance(2);
    nodes[1]!.beat(AID, CID, 'd:viewer-v', { playType: 3 });
    await publish();
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([1, 1]);
    // Time out: nothing after the window on either node.
    clock.advance(36);
    await publish();
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([0, 0]);
  });

  it('viewers on one node only are counted by the other; a sticky audience is summed once each', async () => {
    for (let i = 0; i < 5; i++) nodes[0]!.beat(AID, CID, `b:left-${i}`, { playType: 1 });
    for (let i = 0; i < 3; i++) nodes[1]!.beat(AID, CID, `b:right-${i}`, { playType: 1 });
    // Before any publish each node knows only its own.
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([5, 3]);
    await publish();
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([8, 8]);
    // Viewers whose window ended leave both counts; the one still sending heartbeats stays.
    clock.advance(20);
    nodes[0]!.beat(AID, CID, 'b:left-0', { playType: 0 });
    await publish();
    clock.advance(20);
    await tick();
    expect((await counts()).map((c) => c.total)).toEqual([1, 1]);
  });
});

describe.each(dialects())('/metrics viewers online (%s)', (dialect) => {
  let s: TestServer;
  const AIDS = [880101, 880102, 880103];
  const scrape = async () => {
    const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const series = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('replay_viewers_online'))
      .sort();

  beforeAll(async () => {
    s = await startTestServer(dialect, { metricsOnlineTop: 2 }, { transport: 'inject' });
    const owner = await s.signedIn();
    for (const aid of AIDS) {
      await s.admin.createArchive({
        aid,
        title: `m${aid}`,
        owner_mid: owner.mid,
        pages: [
          { cid: aid * 10 + 1, part: 'P1', duration: 600 },
          { cid: aid * 10 + 2, part: 'P2', duration: 600 },
        ],
      });
    }
  });
  afterAll(async () => s.close());

  it('a total, a web total and the top N archives by viewers (bounded), from memory at scrape time', async () => {
    expect(series(await scrape())).toEqual(
      expect.arrayContaining(['replay_viewers_online_total 0', 'replay_viewers_online_web 0']),
    );
    expect(series(await scrape()).filter((l) => l.startsWith('replay_viewers_online{'))).toEqual([]);
    const beat = (who: string, aid: number, part: number, extra: Record<string, number> = {}) =>
      createClient({ baseUrl: s.url, cookies: { buvid3: `${who}-infoc` } }).history.heartbeat({
        aid,
        cid: aid * 10 + part,
        played_time: 3,
        play_type: 1,
        ...extra,
      });
    // 880102: 3 viewers over its two parts (one on a phone); 880101: 2; 880103: 1.
    await beat('a', AIDS[1]!, 1);
    await beat('b', AIDS[1]!, 2);
    await beat('c', AIDS[1]!, 1, { dt: 1 });
    await beat('d', AIDS[0]!, 1);
    await beat('e', AIDS[0]!, 2);
    await beat('f', AIDS[2]!, 1);
    const lines = series(await scrape());
    expect(lines).toContain('replay_viewers_online_total 6');
    expect(lines).toContain('replay_viewers_online_web 5');
    // Only the 2 archives with the most viewers get a series.
    expect(lines.filter((l) => l.startsWith('replay_viewers_online{'))).toEqual([
      'replay_viewers_online{aid="880101"} 2',
      'replay_viewers_online{aid="880102"} 3',
    ]);
    // Ends and timeouts show at the next scrape; an archive that drops out of the top loses its series.
    await beat('a', AIDS[1]!, 1, { play_type: 4 });
    await beat('b', AIDS[1]!, 2, { played_time: -1 });
    const after = series(await scrape());
    expect(after).toContain('replay_viewers_online_total 4');
    expect(after.filter((l) => l.startsWith('replay_viewers_online{'))).toEqual([
      'replay_viewers_online{aid="880101"} 2',
      // 880102 and 880103 tie at 1: the lower aid wins the place.
      'replay_viewers_online{aid="880102"} 1',
    ]);
    s.clock.advance(36);
    const gone = series(await scrape());
    expect(gone).toContain('replay_viewers_online_total 0');
    expect(gone.filter((l) => l.startsWith('replay_viewers_online{'))).toEqual([]);
  });
});
