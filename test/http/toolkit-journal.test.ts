import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import { createClient } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const AV = { aid: 880101, cid: 990101 };
const HEARTBEAT = '/x/click-interface/web/heartbeat';
const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0 };

describe.each(dialects())('toolkit request journal (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number; accessKey: string };
  let viewer: { client: BiliClient; mid: number; accessKey: string };

  beforeAll(async () => {
    s = await startTestServer(dialect, { toolkit: true, toolkitJournalSize: 50, ...NO_LIMITS });
    owner = await s.signedIn();
    viewer = await s.signedIn();
    await s.admin.createArchive({
      aid: AV.aid,
      title: 'journal',
      owner_mid: owner.mid,
      pages: [{ cid: AV.cid, part: 'p1', duration: 600 }],
    });
    await s.admin.putArea(1, 66601, { owner_mid: owner.mid });
  });
  afterAll(async () => s.close());

  it('records identity, redacted parameters, code, latency and the events a comment caused', async () => {
    const root = await owner.client.reply.add({ type: 1, oid: 66601, message: 'root' });
    const added = await viewer.client.reply.add({
      type: 1,
      oid: 66601,
      message: 'hi',
      root: root.data!.rpid,
    });
    expect(added.code).toBe(0);
    const [entry] = await s.admin.journal.list({ path: '/x/v2/reply/add', mid: viewer.mid });
    expect(entry).toMatchObject({
      method: 'POST',
      path: '/x/v2/reply/add',
      mid: viewer.mid,
      mode: 'cookie',
      status: 200,
      code: 0,
      fault: null,
    });
    expect(entry!.params).toMatchObject({ type: 1, oid: 66601, message: 'hi', csrf: '[redacted]' });
    expect(JSON.stringify(entry)).not.toContain(viewer.client.cookies['bili_jct']!);
    expect(entry!.latency_ms).toBeGreaterThanOrEqual(0);
    const rpid = added.data!.rpid;
    expect(entry!.events).toEqual([
      {
        type: 'comment.posted',
        data: { type: 1, oid: 66601, rpid, root: root.data!.rpid, parent: root.data!.rpid },
      },
      {
        type: 'notice.created',
        data: {
          type: 1,
          oid: 66601,
          rpid,
          root: root.data!.rpid,
          parent: root.data!.rpid,
          recipient: owner.mid,
          kind: 1,
        },
      },
    ]);

    // APP mode: access_key is redacted too; a vote is an event.
    const app = createClient({ baseUrl: s.url });
    await app.post('/x/v2/reply/action', {
      type: 1,
      oid: 66601,
      rpid,
      action: 1,
      access_key: owner.accessKey,
    });
    const [vote] = await s.admin.journal.list({ path: '/x/v2/reply/action' });
    expect(vote).toMatchObject({ mid: owner.mid, mode: 'app', code: 0 });
    expect(vote!.params['access_key']).toBe('[redacted]');
    expect(JSON.stringify(vote)).not.toContain(owner.accessKey);
    expect(vote!.events).toEqual([{ type: 'vote.changed', data: { rpid, kind: 'like', action: 1 } }]);

    // A password never enters the journal.
    await s.anonymous().post('/x/passport-login/web/login', { username: 'x', password: 'hunter2-secret' });
    expect(JSON.stringify(await s.admin.journal.list())).not.toContain('hunter2-secret');
  });

  it('filters by path, mid, code and since; admin calls are not journaled; the ring is bounded', async () => {
    const anonymous = s.anonymous();
    await anonymous.get('/x/web-interface/nav');
    const all = await s.admin.journal.list();
    expect(all.every((e) => !e.path.startsWith('/admin/'))).toBe(true);
    const last = all.at(-1)!;
    expect(last).toMatchObject({ path: '/x/web-interface/nav', mid: null, mode: null, code: -101 });
    expect((await s.admin.journal.list({ code: -101 })).every((e) => e.code === -101)).toBe(true);
    expect((await s.admin.journal.list({ mid: viewer.mid })).every((e) => e.mid === viewer.mid)).toBe(true);
    expect(await s.admin.journal.list({ since: last.id })).toEqual([]);
    await anonymous.get('/x/web-interface/nav');
    const after = await s.admin.journal.list({ since: last.id });
    expect(after.map((e) => e.id)).toEqual([last.id + 1]);
    expect((await s.admin.journal.list({ limit: 2 })).length).toBe(2);

    for (let i = 0; i < 60; i++) await anonymous.get('/x/web-interface/nav');
    const kept = await s.admin.journal.list();
    expect(kept.length).toBe(50);
    expect(kept.at(-1)!.id - kept[0]!.id).toBe(49);
  });

  it('wait: answers with the entry matching event and parameter once it arrives; found:false at the timeout', async () => {
    const since = (await s.admin.journal.list()).at(-1)!.id;
    const waited = s.admin.journal.wait({ since, event: 'heartbeat.stored', params: { play_type: 2 } }, 5000);
    await new Promise((r) => setTimeout(r, 50));
    await viewer.client.history.heartbeat({ ...AV, played_time: 3, play_type: 0 });
    await viewer.client.history.heartbeat({ ...AV, played_time: 9, play_type: 2 });
    const entry = await waited;
    expect(entry).toMatchObject({ path: HEARTBEAT, mid: viewer.mid, code: 0 });
    expect(entry!.params['play_type']).toBe(2);
    expect(entry!.events).toEqual([
      { type: 'heartbeat.stored', data: { aid: AV.aid, cid: AV.cid, played_time: 9, play_type: 2 } },
    ]);
    // Already there: answered at once.
    expect((await s.admin.journal.wait({ since, params: { play_type: 2 } }, 0))!.id).toBe(entry!.id);

    const started = Date.now();
    expect(await s.admin.journal.wait({ since: entry!.id, path: '/nothing' }, 200)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const raw = await fetch(`${s.url}/admin/api/v1/toolkit/journal/wait?path=/nothing&timeout_ms=10`, {
      headers: { authorization: `Bearer ${s.config.adminToken}` },
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ found: false });

    await s.admin.journal.clear();
    expect(await s.admin.journal.list()).toEqual([]);
  });

  it('a hostile body (40,000 nested levels) is journaled bounded: reads, waits and fault rules keep working', async () => {
    const since = (await s.admin.journal.list({})).at(-1)?.id ?? 0;
    const deep = `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`;
    const sent = await fetch(`${s.url}/x/nothing-here`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(sent.status).toBe(404);
    const [entry] = await s.admin.journal.list({ since, path: '/x/nothing-here' });
    expect(JSON.stringify(entry!.params).length).toBeLessThan(200);
    expect(await s.admin.journal.wait({ since, path: '/x/nothing-here' }, 1000)).not.toBeNull();
    // On PostgreSQL the node writes its journal to the shared table and follows the shared rules: a rule
    // added now still applies.
    const rule = await s.admin.faults.add({ path: '/x/web-interface/nav', code: -412, count: 1 });
    expect((await viewer.client.nav()).code).toBe(-412);
    await s.admin.faults.remove(rule.id).catch(() => undefined);
  });

  it('reads the code of a large answer too (written as a Buffer), and of a small one', async () => {
    await s.admin.putArea(1, 66602, { owner_mid: owner.mid });
    for (let i = 0; i < 20; i++) {
      const posted = await viewer.client.reply.add({
        type: 1,
        oid: 66602,
        message: `${i} ${'长'.repeat(900)}`,
      });
      expect(posted.code).toBe(0);
    }
    const since = (await s.admin.journal.list()).at(-1)!.id;
    const page = await fetch(`${s.url}/x/v2/reply?type=1&oid=66602&ps=20`);
    const text = await page.text();
    // Above large-payloads.ts's 16 K characters: the journal reads the envelope's head from bytes.
    expect(text.length).toBeGreaterThan(16 * 1024);
    expect(text.startsWith('{"code":0,')).toBe(true);
    await s.anonymous().get('/x/web-interface/nav');
    const [large, small] = await s.admin.journal.list({ since });
    expect(large).toMatchObject({ path: '/x/v2/reply', status: 200, code: 0 });
    expect(large!.params).toMatchObject({ type: 1, oid: 66602, ps: 20 });
    expect(small).toMatchObject({ path: '/x/web-interface/nav', code: -101 });
  });

  it('params: a form body merged over the query and validated; a request refused first keeps its strings', async () => {
    const since = (await s.admin.journal.list()).at(-1)?.id ?? 0;
    const csrf = viewer.client.cookies['bili_jct']!;
    const cookie = Object.entries(viewer.client.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = `type=1&oid=66601&message=${encodeURIComponent('表单 +1')}&csrf=${csrf}`;
    const posted = await fetch(`${s.url}/x/v2/reply/add?oid=1&plat=1`, {
      method: 'POST',
      headers: { ...form, cookie },
      body,
    });
    expect(((await posted.json()) as { code: number }).code).toBe(0);
    const refused = await fetch(`${s.url}/x/v2/reply/add?oid=2`, { method: 'POST', headers: form, body });
    expect(((await refused.json()) as { code: number }).code).toBe(-101);
    const [ok, anonymous] = await s.admin.journal.list({ since, path: '/x/v2/reply/add' });
    expect(ok!.params).toMatchObject({
      type: 1,
      oid: 66601,
      plat: 1,
      message: '表单 +1',
      csrf: '[redacted]',
    });
    expect(anonymous).toMatchObject({ mid: null, code: -101 });
    expect(anonymous!.params).toMatchObject({ type: '1', oid: '66601', message: '表单 +1' });
  });
});
