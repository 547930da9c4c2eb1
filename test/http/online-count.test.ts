import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createAdminClient, createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/services/clock.ts';
import { formatOnlineTotal } from '../../src/services/online.service.ts';
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
