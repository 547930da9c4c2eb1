import { request as httpRequest } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import { AdminApiError } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const AV = { aid: 880001, cid: 990001 };
const HEARTBEAT = '/x/click-interface/web/heartbeat';

describe.each(dialects())('toolkit fault injection (%s)', (dialect) => {
  let s: TestServer;
  let viewer: { client: BiliClient; mid: number };

  const sessions = async (mid: number): Promise<number> => {
    const { rows } = await sql<{
      n: number | string;
    }>`SELECT COUNT(*) AS n FROM watch_sessions WHERE mid = ${mid}`.execute(s.handle.db);
    return Number(rows[0]!.n);
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, { toolkit: true });
    const up = await s.signedIn();
    await s.admin.createArchive({
      aid: AV.aid,
      title: 'faults',
      owner_mid: up.mid,
      pages: [{ cid: AV.cid, part: 'p1', duration: 600 }],
    });
    viewer = await s.signedIn();
  });
  afterAll(async () => s.close());

  it('a rule matching 30 % of heartbeats faults about 30 % and stores none of them', async () => {
    const rule = await s.admin.faults.add({ method: 'POST', path: HEARTBEAT, probability: 0.3, code: -412 });
    const before = await sessions(viewer.mid);
    const total = 300;
    let faulted = 0;
    for (let i = 0; i < total; i++) {
      const body = await viewer.client.history.heartbeat({
        ...AV,
        played_time: i,
        session: `fault-${dialect}-${i}`,
        play_type: 0,
      });
      if (body.code === -412) {
        faulted++;
        expect(body).toEqual({ code: -412, message: '请求被拦截', ttl: 1 });
      } else expect(body.code).toBe(0);
    }
    // Binomial(300, 0.3): mean 90, sd ≈ 7.9; ±4 sd keeps this test from flaking.
    expect(faulted).toBeGreaterThan(58);
    expect(faulted).toBeLessThan(122);
    // Group commit: wait for the last batch, then exactly the unfaulted heartbeats are stored.
    await new Promise((r) => setTimeout(r, 50));
    expect((await sessions(viewer.mid)) - before).toBe(total - faulted);
    const listed = (await s.admin.faults.list()).find((r) => r.id === rule.id)!;
    expect(listed.hits).toBe(faulted);
    const journal = await s.admin.journal.list({ path: HEARTBEAT, code: -412 });
    expect(journal.length).toBe(faulted);
    expect(journal[0]!.fault).toEqual({ id: rule.id, kind: 'code' });
    expect(journal[0]!.events).toEqual([{ type: 'fault.applied', data: { rule: rule.id, kind: 'code' } }]);
    await s.admin.faults.remove(rule.id);
    expect(await s.admin.faults.list()).toEqual([]);
  });

  it('a code answers in the envelope with its catalogue message; a count removes the rule', async () => {
    await s.admin.faults.add({ path: '/x/web-interface/**', code: -352, count: 2 });
    const client = s.anonymous();
    for (const _ of [1, 2])
      expect(await client.get('/x/web-interface/nav')).toEqual({
        code: -352,
        message: '风控校验失败',
        ttl: 1,
      });
    expect((await client.get<{ code: number }>('/x/web-interface/nav')).code).toBe(-101);
    expect(await s.admin.faults.list()).toEqual([]);
  });

  it('each answer kind: status, status with code, malformed body, dropped connection, latency', async () => {
    const path = '/x/web-interface/nav';
    const get = (headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers });

    let rule = await s.admin.faults.add({ path, status: 503 });
    let res = await get();
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('Service Unavailable');
    await s.admin.faults.remove(rule.id);

    rule = await s.admin.faults.add({ path, status: 412, code: -412 });
    res = await get();
    expect(res.status).toBe(412);
    expect(await res.json()).toEqual({ code: -412, message: '请求被拦截', ttl: 1 });
    await s.admin.faults.remove(rule.id);

    rule = await s.admin.faults.add({ path, malformed: true });
    res = await get();
    expect(res.status).toBe(200);
    await expect(res.clone().json()).rejects.toThrow();
    expect(await res.text()).toMatch(/^\{"code":0/);
    await s.admin.faults.remove(rule.id);

    rule = await s.admin.faults.add({ path, drop: true });
    await expect(rawGet(s.url, path)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await s.admin.faults.remove(rule.id);
    const dropped = (await s.admin.journal.list({ path })).at(-1)!;
    expect(dropped).toMatchObject({ status: 0, code: null, fault: { id: rule.id, kind: 'drop' } });

    rule = await s.admin.faults.add({ path, delay_ms: 300 });
    const started = Date.now();
    res = await get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(((await res.json()) as { code: number }).code).toBe(-101);
    await s.admin.faults.remove(rule.id);

    // 12051, its message from the catalogue
    await s.admin.faults.add({ path, code: 12051 });
    expect(await (await get()).json()).toEqual({ code: 12051, message: '重复评论，请勿刷屏', ttl: 1 });
    await s.admin.faults.clear();
    expect(await s.admin.faults.list()).toEqual([]);
  });

  it('matches by user (after authentication) and by device (buvid3), and expires by time', async () => {
    const other = await s.signedIn();
    const rule = await s.admin.faults.add({ path: '/x/web-interface/nav', mid: viewer.mid, code: -799 });
    expect((await viewer.client.get<{ code: number }>('/x/web-interface/nav')).code).toBe(-799);
    expect((await other.client.get<{ code: number }>('/x/web-interface/nav')).code).toBe(0);
    await s.admin.faults.remove(rule.id);

    // A user's rule that only delays: the request is then answered by its handler, as usual.
    const slow = await s.admin.faults.add({ path: '/x/web-interface/nav', mid: viewer.mid, delay_ms: 300 });
    const started = Date.now();
    const answer = await viewer.client.get<{ code: number; data: { mid: number } }>('/x/web-interface/nav');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer).toMatchObject({ code: 0, data: { mid: viewer.mid } });
    const [journaled] = await s.admin.journal.list({
      path: '/x/web-interface/nav',
      mid: viewer.mid,
      limit: 1,
    });
    expect(journaled).toMatchObject({ code: 0, fault: { id: slow.id, kind: 'delay' } });
    await s.admin.faults.remove(slow.id);

    await s.admin.faults.add({ path: '/x/web-interface/nav', buvid: 'DEVICE-A', code: -509 });
    const nav = (buvid: string) =>
      fetch(`${s.url}/x/web-interface/nav`, { headers: { cookie: `buvid3=${buvid}` } }).then(
        (r) => r.json() as Promise<{ code: number }>,
      );
    expect((await nav('DEVICE-A')).code).toBe(-509);
    expect((await nav('DEVICE-B')).code).toBe(-101);
    await s.admin.faults.clear();

    await s.admin.faults.add({ path: '/x/web-interface/nav', code: -500, ttl_ms: 200 });
    expect((await nav('x')).code).toBe(-500);
    await new Promise((r) => setTimeout(r, 250));
    expect((await nav('x')).code).toBe(-101);
    expect(await s.admin.faults.list()).toEqual([]);
  });

  it('a faulted comment is not stored; admin calls are never faulted', async () => {
    await s.admin.putArea(1, 55501, { owner_mid: viewer.mid });
    await s.admin.faults.add({ path: '/x/**', code: -412 });
    expect((await viewer.client.reply.add({ type: 1, oid: 55501, message: 'never stored' })).code).toBe(-412);
    expect((await s.admin.faults.list()).length).toBe(1);
    await s.admin.faults.clear();
    const list = await s.anonymous().reply.list({ type: 1, oid: 55501 });
    expect(list.data!.page.count).toBe(0);
  });

  it("a user's rule faults a comment after authentication: nothing stored, its handler never runs", async () => {
    await s.admin.putArea(1, 55502, { owner_mid: viewer.mid });
    const count = async () => (await s.anonymous().reply.list({ type: 1, oid: 55502 })).data!.page.count;
    const path = '/x/v2/reply/add';
    const entries = async () => s.admin.journal.list({ path, mid: viewer.mid });

    const code = await s.admin.faults.add({ path, mid: viewer.mid, code: -799 });
    expect((await viewer.client.reply.add({ type: 1, oid: 55502, message: 'faulted by code' })).code).toBe(
      -799,
    );
    await s.admin.faults.remove(code.id);
    const drop = await s.admin.faults.add({ path, mid: viewer.mid, drop: true });
    await expect(viewer.client.reply.add({ type: 1, oid: 55502, message: 'dropped' })).rejects.toThrow();
    await s.admin.faults.remove(drop.id);
    expect(await count()).toBe(0);
    // The faulted entries hold the fault and nothing a handler would have caused.
    const faulted = (await entries()).slice(-2);
    expect(faulted.map((e) => e.events.map((event) => event.type))).toEqual([
      ['fault.applied'],
      ['fault.applied'],
    ]);
    expect(faulted.map((e) => e.fault?.kind)).toEqual(['code', 'drop']);

    // A rule that only delays lets the handler run, once.
    const slow = await s.admin.faults.add({ path, mid: viewer.mid, delay_ms: 100 });
    expect(
      (await viewer.client.reply.add({ type: 1, oid: 55502, message: 'delayed, stored once' })).code,
    ).toBe(0);
    await s.admin.faults.remove(slow.id);
    expect(await count()).toBe(1);
    const [delayed] = (await entries()).slice(-1);
    expect(delayed!.events.map((event) => event.type).sort()).toEqual(['comment.posted', 'fault.applied']);
  });

  it('bad rules are refused with 400', async () => {
    for (const bad of [
      {},
      { code: -412, drop: true },
      { code: 424242 },
      { path: 'no-slash', code: -412 },
      { probability: 2, code: -412 },
      { status: 99 },
      { method: 'FOO\r\nX', code: -412 },
      { status: 204, code: -412 },
      { status: 304, code: -412 },
    ]) {
      const error = await s.admin.faults.add(bad).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(AdminApiError);
      expect((error as AdminApiError).status).toBe(400);
    }
    expect(await s.admin.faults.remove(999).catch((e: AdminApiError) => e.status)).toBe(404);
  });
});

describe('toolkit off', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => s.close());

  it('every toolkit route answers 403 and no toolkit hook is installed', async () => {
    for (const call of [
      () => s.admin.faults.list(),
      () => s.admin.faults.add({ code: -412 }),
      () => s.admin.journal.list(),
      () => s.admin.journal.wait({}, 10),
      () => s.admin.clock.get(),
      () => s.admin.clock.advance(1000),
    ]) {
      expect(await call().catch((e: AdminApiError) => e.status)).toBe(403);
    }
    expect(s.app.hasRequestDecorator('journalEntry')).toBe(false);
    expect(s.services.events.active).toBe(false);
    expect(s.services.clock).toBe(s.clock);
  });
});

// The journal reuses its entries: a one-entry ring makes the entry a late fault still refers to serve the
// very next requests, so a fault that wrote to it would show up as somebody else's entry.
describe.each(dialects())('a late fault and a reused journal entry (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { toolkit: true, toolkitJournalSize: 1 });
  });
  afterAll(async () => s.close());

  it('a delayed drop whose client went away leaves the entry now serving another request alone', async () => {
    const dropped = '/x/web-interface/nav';
    const held = '/x/v2/history/toview';
    await s.admin.faults.add({ path: dropped, drop: true, delay_ms: 400 });
    await s.admin.faults.add({ path: held, delay_ms: 600 });
    // A: to be dropped after 400 ms, but its client leaves at 50 ms, which finishes its entry (status 0).
    const a = httpRequest(`${s.url}${dropped}`, { agent: false });
    a.on('error', () => {});
    a.end();
    await new Promise((r) => setTimeout(r, 50));
    a.destroy();
    for (let i = 0; i < 50 && (await s.admin.journal.list({ path: dropped })).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    // B pushes A's entry out of the ring; C, held 600 ms, is given it and is in flight when A's drop fires.
    expect((await fetch(`${s.url}/x/v2/history`)).status).toBe(200);
    const since = (await s.admin.journal.list()).at(-1)!.id;
    // Waiting for C's entry: it must arrive once C is answered, not when A's late drop fires.
    const waited = s.admin.journal.wait({ path: held, since }, 3000);
    const c = await fetch(`${s.url}${held}`);
    expect(((await c.json()) as { code: number }).code).toBe(-101);
    expect(await waited).toMatchObject({ path: held, status: 200, code: -101 });
    const entries = await s.admin.journal.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ path: held, status: 200, code: -101, fault: { kind: 'delay' } });
  });
});

function rawGet(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
