import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, createClient } from '../../src/client/index.ts';
import { AdminApiError } from '../../src/client/index.ts';
import { exportDump } from '../../src/store/dump/dump.ts';
import type { DbHandle } from '../../src/store/database.ts';
import { ADMIN_TOKEN, dialects, startTestCluster, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';

/** Every row of every dumped table except the kept ones (settings, change_versions): a canonical text. */
async function canonicalState(handle: DbHandle): Promise<string[]> {
  const lines: string[] = [];
  let header = true;
  await exportDump(handle, (chunk) => {
    if (header) header = false;
    else
      for (const line of chunk.split('\n'))
        if (line && !/^\{"table":"(settings|change_versions)"/.test(line)) lines.push(line);
    return Promise.resolve();
  });
  return lines;
}

async function rowCounts(handle: DbHandle, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await handle.db
      .selectFrom(t as 'users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

const ms = (start: number) => Math.round(performance.now() - start);

describe.each(dialects())('toolkit reset and snapshots on %s', (dialect) => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer(dialect, { toolkit: true, commentBurstLimit: 2, commentBurstSeconds: 60 });
  });
  afterAll(async () => s.close());

  async function populate() {
    const owner = await s.signedIn();
    const viewer = await s.signedIn();
    const archive = await s.admin.createArchive({
      title: 'reset me',
      owner_mid: owner.mid,
      pages: [{ part: 'P1', duration: 600 }],
    });
    const posted = await viewer.client.reply.add({ type: 1, oid: archive.aid, message: 'hello' });
    expect(posted.code, posted.message).toBe(0);
    await owner.client.reply.like({ type: 1, oid: archive.aid, rpid: posted.data!.rpid, action: 1 });
    const beat = await viewer.client.history.heartbeat({
      aid: archive.aid,
      cid: archive.pages[0]!.cid,
      played_time: 30,
    });
    expect(beat.code).toBe(0);
    return { owner, viewer, archive, rpid: posted.data!.rpid };
  }

  it('empties every table in well under a second, and every cache follows', async () => {
    const { viewer, archive } = await populate();
    // A second comment exhausts the burst limit of 2; a cached page and a cached session exist.
    expect((await viewer.client.reply.add({ type: 1, oid: archive.aid, message: 'again' })).code).toBe(0);
    expect((await viewer.client.reply.add({ type: 1, oid: archive.aid, message: 'third' })).code).toBe(-509);
    expect((await viewer.client.reply.list({ type: 1, oid: archive.aid })).data!.replies!.length).toBe(2);
    expect((await viewer.client.nav()).code).toBe(0);
    const wbiBefore = await s.store.settings.get('wbi_secret');

    const started = performance.now();
    const answer = await s.admin.toolkit.reset();
    const took = ms(started);
    console.log(`[toolkit] ${dialect} reset: ${took} ms round trip, ${answer.took_ms} ms server`);
    expect(took).toBeLessThan(3000);

    const counts = await rowCounts(s.handle, [
      'users',
      'sessions',
      'archives',
      'replies',
      'reply_votes',
      'history',
      'notices',
      'like_notices',
      'watch_sessions',
      'areas',
      'rate_limits',
    ]);
    expect(
      Object.values(counts).every((n) => n === 0),
      JSON.stringify(counts),
    ).toBe(true);
    // Re-seeded as at startup; the site's secrets kept.
    expect(Number((await rowCounts(s.handle, ['emote_packages'])).emote_packages)).toBeGreaterThan(0);
    expect(await s.store.settings.get('wbi_secret')).toBe(wbiBefore);

    // The cookie issued before is signed out, the archive and its cached page are gone.
    expect((await viewer.client.nav()).code).toBe(-101);
    expect((await s.anonymous().reply.list({ type: 1, oid: archive.aid })).code).not.toBe(0);
    // Rate-limit counters cleared: the same mid may post twice again.
    const again = await s.admin.createUser({ uname: 'again', mid: viewer.mid });
    const session = await s.admin.issueSession(again.mid);
    const client = createClient({ baseUrl: s.url, cookies: session.cookies });
    const owner = await s.signedIn();
    const second = await s.admin.createArchive({
      aid: archive.aid,
      title: 'again',
      owner_mid: owner.mid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    expect((await client.reply.add({ type: 1, oid: second.aid, message: 'after reset' })).code).toBe(0);
    expect(
      (await client.reply.list({ type: 1, oid: second.aid })).data!.replies!.map((r) => r.content.message),
    ).toEqual(['after reset']);
  });

  it('restores a snapshot row for row', async () => {
    await s.admin.toolkit.reset();
    const { viewer, archive, rpid } = await populate();
    const saved = await canonicalState(s.handle);
    const started = performance.now();
    const info = await s.admin.toolkit.snapshots.save('before');
    console.log(`[toolkit] ${dialect} snapshot save: ${ms(started)} ms (${info.bytes} bytes)`);
    expect(info.tables.replies).toBe(1);
    expect((await s.admin.toolkit.snapshots.list()).map((x) => x.name)).toEqual(['before']);

    // Change everything a little: another user, a deleted comment, a second comment, history gone.
    await s.signedIn();
    await viewer.client.reply.del({ type: 1, oid: archive.aid, rpid });
    expect((await viewer.client.reply.add({ type: 1, oid: archive.aid, message: 'later' })).code).toBe(0);
    expect(await canonicalState(s.handle)).not.toEqual(saved);

    const restoreStarted = performance.now();
    await s.admin.toolkit.snapshots.restore('before');
    console.log(`[toolkit] ${dialect} snapshot restore: ${ms(restoreStarted)} ms`);
    expect(await canonicalState(s.handle)).toEqual(saved);
    // The restored session works again, and the comment page shows the restored comment.
    expect((await viewer.client.nav()).code).toBe(0);
    const page = await viewer.client.reply.list({ type: 1, oid: archive.aid });
    expect(page.data!.replies!.map((r) => r.rpid)).toEqual([rpid]);
    // A new comment gets an rpid past the restored ones.
    const next = await viewer.client.reply.add({ type: 1, oid: archive.aid, message: 'next' });
    expect(next.code, next.message).toBe(0);
    expect(next.data!.rpid).toBeGreaterThan(rpid);
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);

    await s.admin.toolkit.snapshots.delete('before');
    expect(await s.admin.toolkit.snapshots.list()).toEqual([]);
    await expect(s.admin.toolkit.snapshots.restore('before')).rejects.toMatchObject({ status: 404 });
    await expect(s.admin.toolkit.snapshots.save('bad name!')).rejects.toMatchObject({ status: 400 });
    await expect(s.admin.toolkit.reset('fixture')).rejects.toMatchObject({ status: 404 });
    // As the README's shell example sends it: a POST with no body at all is the default reset.
    const bare = await fetch(`${s.url}/admin/api/v1/toolkit/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.config.adminToken}` },
    });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toMatchObject({ to: 'empty' });
    // So is one that says JSON and sends nothing (Fastify's own parser answered 400), and the OpenAPI
    // document says the body is optional.
    const emptyJson = await fetch(`${s.url}/admin/api/v1/toolkit/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.config.adminToken}`, 'content-type': 'application/json' },
    });
    expect(emptyJson.status).toBe(200);
    expect(await emptyJson.json()).toMatchObject({ to: 'empty' });
    const spec = (await (
      await fetch(`${s.url}/admin/api/docs/json`, {
        headers: { authorization: `Bearer ${s.config.adminToken}` },
      })
    ).json()) as { paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>> };
    expect(spec.paths['/admin/api/v1/toolkit/reset']!['post']!.requestBody!.required).toBe(false);
    expect(spec.paths['/admin/api/v1/toolkit/snapshots']!['post']!.requestBody!.required).toBe(true);
    // A route that needs a body still refuses an empty one, in the admin API's shape.
    const noName = await fetch(`${s.url}/admin/api/v1/toolkit/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.config.adminToken}`, 'content-type': 'application/json' },
    });
    expect(noName.status).toBe(400);
    expect(await noName.json()).toMatchObject({ code: -400 });
    const wrong = await fetch(`${s.url}/admin/api/v1/toolkit/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.config.adminToken}`, 'content-type': 'application/json' },
      body: '{"to":"nothing"}',
    });
    expect(wrong.status).toBe(400);
  });

  it('reset while requests are in flight: each completes before or after, nothing half-written', async () => {
    await s.admin.toolkit.reset();
    const owner = await s.signedIn();
    const archive = await s.admin.createArchive({
      title: 'busy',
      owner_mid: owner.mid,
      pages: [{ part: 'P1', duration: 600 }],
    });
    const posters = await Promise.all([1, 2, 3, 4].map(() => s.signedIn()));
    const requests: Promise<{ code: number }>[] = [];
    for (let i = 0; i < 40; i++) {
      const who = posters[i % posters.length]!.client;
      requests.push(
        i % 2 === 0
          ? who.reply.add({ type: 1, oid: archive.aid, message: `busy ${i}` })
          : who.history.heartbeat({ aid: archive.aid, cid: archive.pages[0]!.cid, played_time: i }),
      );
      if (i === 20) requests.push(s.admin.toolkit.reset().then(() => ({ code: 0 })));
    }
    const codes = (await Promise.all(requests)).map((b) => b.code);
    // Every answer is a Bilibili envelope: success, or a clean refusal (signed out, unknown archive…).
    for (const code of codes) expect([0, -101, -404, -509, 12002, -400]).toContain(code);
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);
    const left = await rowCounts(s.handle, ['users', 'replies', 'history', 'watch_sessions', 'archives']);
    // The reset came after whatever completed before it; whatever started after it found nothing to write to.
    expect(left).toEqual({ users: 0, replies: 0, history: 0, watch_sessions: 0, archives: 0 });
  });

  it('a request whose client went away leaves the in-flight count at once; its journal entry is dropped', async () => {
    const state = s.services.toolkitState;
    const path = '/x/web-interface/nav';
    const since = (await s.admin.journal.list()).at(-1)?.id ?? 0;
    // Held on arrival for 400 ms; the client goes away after 100 ms, so the answer never finishes.
    const rule = await s.admin.faults.add({ path, delay_ms: 400 });
    const aborted = httpRequest(`${s.url}${path}?gone=1`, { agent: false });
    aborted.on('error', () => {});
    aborted.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(state.requestsInFlight).toBe(1);
    aborted.destroy();
    expect(await settlesTo(() => state.requestsInFlight, 0)).toBe(0);
    const [entry] = await s.admin.journal.list({ since, path });
    expect(entry).toMatchObject({ status: 0, code: null, fault: { id: rule.id, kind: 'delay' } });
    expect(entry!.params).toEqual({ gone: '1' });
    // The held request goes on once its delay is over, to a closed connection: it is not counted again.
    await new Promise((r) => setTimeout(r, 450));
    await s.admin.faults.remove(rule.id);
    expect(state.requestsInFlight).toBe(0);
    expect(await s.admin.journal.list({ since, path })).toHaveLength(1);

    // Answered requests leave too, on every connection (keep-alive or not), and a reset finds none.
    const client = s.anonymous();
    await Promise.all(Array.from({ length: 20 }, () => client.get(path)));
    expect(await settlesTo(() => state.requestsInFlight, 0)).toBe(0);
    const started = performance.now();
    await s.admin.toolkit.reset();
    expect(ms(started)).toBeLessThan(4000);
  });
});

/** Polls `read` until it returns `want` (up to a second): the server counts an answer out after sending it. */
async function settlesTo(read: () => number, want: number): Promise<number> {
  for (let i = 0; i < 100 && read() !== want; i++) await new Promise((r) => setTimeout(r, 10));
  return read();
}

describe.each(dialects())('toolkit guard on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s.close());

  it('answers 403 on every toolkit state route while the toolkit is off', async () => {
    const calls: [string, string, unknown][] = [
      ['POST', '/toolkit/reset', { to: 'empty' }],
      ['POST', '/toolkit/snapshots', { name: 'x' }],
      ['GET', '/toolkit/snapshots', undefined],
      ['POST', '/toolkit/snapshots/x/restore', {}],
      ['DELETE', '/toolkit/snapshots/x', undefined],
      ['POST', '/toolkit/fixture', {}],
    ];
    for (const [method, path, body] of calls) {
      const error = await s.admin.request(method, path, body).catch((e: unknown) => e);
      expect(error, `${method} ${path}`).toBeInstanceOf(AdminApiError);
      expect((error as AdminApiError).status, `${method} ${path}`).toBe(403);
    }
    const user = await s.admin.createUser({ uname: 'still_here' });
    expect(user.mid).toBeGreaterThan(0);
  });
});

describe.runIf(dialects().includes('postgres'))('toolkit reset across two PostgreSQL nodes', () => {
  it('a reset on node A is followed by node B within ~1.5 s', async () => {
    const cluster = await startTestCluster('postgres', 2, { toolkit: true });
    try {
      const user = await cluster.admin.createUser({ uname: 'two_nodes' });
      const session = await cluster.admin.issueSession(user.mid);
      const onB = createClient({ baseUrl: cluster.urls[1]!, cookies: session.cookies });
      expect((await onB.nav()).code).toBe(0);
      const adminA = createAdminClient({ baseUrl: cluster.urls[0]!, token: ADMIN_TOKEN });
      await adminA.toolkit.reset();
      const started = performance.now();
      let code = 0;
      while (performance.now() - started < 3000) {
        code = (await onB.nav()).code;
        if (code === -101) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const took = ms(started);
      console.log(`[toolkit] node B followed the reset after ${took} ms`);
      expect(code).toBe(-101);
      expect(took).toBeLessThan(1500);
    } finally {
      await cluster.close();
    }
  });
});
