import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError, createAdminClient, createClient } from '../../src/client/index.ts';
import type { NavData } from '../../src/client/index.ts';
import { av2bv } from '../../src/domain/bvid.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

async function adminError(promise: Promise<unknown>): Promise<AdminApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AdminApiError) return error;
    throw error;
  }
  throw new Error('expected the admin API to fail');
}

describe.each(dialects())('admin API (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s.close());

  it('answers 401 without the bearer token or with a wrong one', async () => {
    const none = await fetch(`${s.url}/admin/api/v1/users/1`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = createAdminClient({ baseUrl: s.url, token: 'not-the-token-at-all' });
    expect((await adminError(wrong.createUser({ uname: 'x' }))).status).toBe(401);
    const res = await fetch(`${s.url}/admin/api/v1/users`, {
      method: 'POST',
      headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
      body: '{"uname":"sneaky"}',
    });
    expect(res.status).toBe(401);
    expect(await s.store.users.findByUname('sneaky')).toBeUndefined();
  });

  it('creates users with assigned or given mids; unames are unique', async () => {
    const a = await s.admin.createUser({ uname: 'alice', password: 'alice-pass' });
    expect(a).toMatchObject({
      uname: 'alice',
      sex: '保密',
      level: 0,
      vip_type: 0,
      banned: false,
      has_password: true,
      official_type: -1,
    });
    expect(a.mid).toBeGreaterThanOrEqual(10000);
    const b = await s.admin.createUser({ uname: 'bob' });
    expect(b.mid).toBe(a.mid + 1);
    expect(b.has_password).toBe(false);
    const c = await s.admin.createUser({
      uname: 'carol',
      mid: 424242,
      sex: '女',
      level: 5,
      vip_type: 1,
      sign: 's',
    });
    expect(c).toMatchObject({ mid: 424242, sex: '女', level: 5, vip_type: 1, sign: 's' });
    expect(c.vip_due_date).toBeGreaterThan(s.clock.nowMs());
    expect(await s.admin.getUser(424242)).toEqual(c);

    expect(await adminError(s.admin.createUser({ uname: 'alice' }))).toMatchObject({
      status: 409,
      body: { code: -652 },
    });
    expect(await adminError(s.admin.createUser({ uname: 'dup', mid: 424242 }))).toMatchObject({
      status: 409,
    });
    expect((await adminError(s.admin.createUser({ uname: '' }))).status).toBe(400);
    expect((await adminError(s.admin.createUser({ uname: 'x', password: '123' }))).status).toBe(400);
    expect((await adminError(s.admin.createUser({ uname: 'x', level: 9 }))).status).toBe(400);
    expect((await adminError(s.admin.request('POST', '/users', { uname: 'x', extra: 1 }))).status).toBe(400);
    expect((await adminError(s.admin.getUser(999999))).status).toBe(404);
    // A given mid leaves room for the automatic ones after it; times stay within what every column holds.
    expect((await adminError(s.admin.createUser({ uname: 'top', mid: 2 ** 53 - 1 }))).status).toBe(400);
    for (const patch of [{ vip_due_date: 1e308 }, { vip_due_date: 1e19 }]) {
      expect((await adminError(s.admin.request('PATCH', `/users/${c.mid}`, patch))).status).toBe(400);
    }
    expect(
      (
        await adminError(
          s.admin.request('POST', '/archives', { title: 't', owner_mid: c.mid, pubdate: 1e300 }),
        )
      ).status,
    ).toBe(400);
  });

  it('patches users: ban takes effect at once, rename, password', async () => {
    const u = await s.admin.createUser({ uname: 'dave', password: 'dave-pass' });
    const session = await s.admin.issueSession(u.mid);
    const web = createClient({ baseUrl: s.url, cookies: session.cookies });
    expect(((await web.nav()).data as NavData).uname).toBe('dave');

    const renamed = await s.admin.updateUser(u.mid, { uname: 'david', level: 4, password: 'new-password' });
    expect(renamed).toMatchObject({ uname: 'david', level: 4 });
    expect(((await web.nav()).data as NavData).uname).toBe('david');
    expect(await s.anonymous().passwordLogin('david', 'dave-pass')).toMatchObject({ code: -629 });
    expect(await s.anonymous().passwordLogin('david', 'new-password')).toMatchObject({ code: 0 });

    expect(await s.admin.updateUser(u.mid, { banned: true })).toMatchObject({ banned: true });
    expect(await s.anonymous().passwordLogin('david', 'new-password')).toMatchObject({ code: -102 });
    expect(await s.admin.updateUser(u.mid, { banned: false })).toMatchObject({ banned: false });

    await s.admin.createUser({ uname: 'taken' });
    expect((await adminError(s.admin.updateUser(u.mid, { uname: 'taken' }))).status).toBe(409);
    expect((await adminError(s.admin.updateUser(987654, { level: 1 }))).status).toBe(404);
  });

  it('issues sessions: five cookies, a Cookie header and an access_key, stored only hashed', async () => {
    const u = await s.admin.createUser({ uname: 'erin' });
    const issued = await s.admin.issueSession(u.mid);
    expect(Object.keys(issued.cookies).sort()).toEqual([
      'DedeUserID',
      'DedeUserID__ckMd5',
      'SESSDATA',
      'bili_jct',
      'sid',
    ]);
    expect(issued.cookies.DedeUserID).toBe(String(u.mid));
    expect(issued.cookies.bili_jct).toMatch(/^[0-9a-f]{32}$/);
    expect(issued.access_key).toMatch(/^[0-9a-f]{32}$/);
    expect(issued.cookie_header).toBe(
      Object.entries(issued.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; '),
    );
    expect(issued.expires_at - Math.floor(s.clock.nowMs() / 1000)).toBe(180 * 24 * 3600);
    const rows = await s.handle.db.selectFrom('sessions').selectAll().where('mid', '=', u.mid).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(issued.access_key);
      expect(JSON.stringify(row)).not.toContain(issued.cookies.SESSDATA.slice(0, 32));
      expect(JSON.stringify(row)).not.toContain(issued.access_key);
    }
    expect((await createClient({ baseUrl: s.url, cookies: issued.cookie_header }).nav()).code).toBe(0);
    expect((await adminError(s.admin.issueSession(55555555))).status).toBe(404);
  });

  it('creates archives with pages, bvid and their comment area', async () => {
    const owner = await s.admin.createUser({ uname: 'uploader1' });
    const a = await s.admin.createArchive({
      title: 'Three parts',
      owner_mid: owner.mid,
      tname: '单机游戏',
      pages: [
        { part: 'P1', duration: 100 },
        { part: 'P2', duration: 200 },
        { cid: 777001, part: 'P3', duration: 300 },
      ],
    });
    expect(a.aid).toBeGreaterThan(100_000_000);
    expect(a.bvid).toBe(av2bv(a.aid));
    expect(a).toMatchObject({
      title: 'Three parts',
      owner_mid: owner.mid,
      duration: 600,
      copyright: 1,
      tname: '单机游戏',
    });
    expect(a.pages.map((p) => [p.page, p.part, p.duration])).toEqual([
      [1, 'P1', 100],
      [2, 'P2', 200],
      [3, 'P3', 300],
    ]);
    expect(a.pages[2]!.cid).toBe(777001);
    expect(new Set(a.pages.map((p) => p.cid)).size).toBe(3);
    expect(await s.admin.getArchive(a.aid)).toEqual(a);
    expect(await s.admin.getArea(1, a.aid)).toMatchObject({
      type: 1,
      oid: a.aid,
      owner_mid: owner.mid,
      closed: false,
    });

    const given = await s.admin.createArchive({
      aid: 2,
      title: 'av2',
      owner_mid: owner.mid,
      pages: [{ cid: 62131, part: 'p', duration: 245 }],
    });
    expect(given.bvid).toBe('BV1xx411c7mD');
    expect(
      (
        await adminError(
          s.admin.createArchive({
            aid: 2,
            title: 'again',
            owner_mid: owner.mid,
            pages: [{ part: 'p', duration: 1 }],
          }),
        )
      ).status,
    ).toBe(409);
    expect(
      (
        await adminError(
          s.admin.createArchive({
            title: 'cid clash',
            owner_mid: owner.mid,
            pages: [{ cid: 62131, part: 'p', duration: 1 }],
          }),
        )
      ).status,
    ).toBe(409);
    expect(
      (
        await adminError(
          s.admin.createArchive({ title: 'no owner', owner_mid: 31337, pages: [{ part: 'p', duration: 1 }] }),
        )
      ).status,
    ).toBe(404);
    expect(
      (await adminError(s.admin.createArchive({ title: 'no pages', owner_mid: owner.mid, pages: [] })))
        .status,
    ).toBe(400);
    expect(
      (
        await adminError(
          s.admin.createArchive({ title: 'bad', owner_mid: owner.mid, pages: [{ part: 'p', duration: 0 }] }),
        )
      ).status,
    ).toBe(400);
    expect((await adminError(s.admin.getArchive(3))).status).toBe(404);
  });

  it('creates and updates comment areas of any §1 type', async () => {
    const owner = await s.admin.createUser({ uname: 'areaowner' });
    const other = await s.admin.createUser({ uname: 'areaowner2' });
    expect(await s.admin.putArea(12, 5000, { owner_mid: owner.mid })).toMatchObject({
      type: 12,
      oid: 5000,
      owner_mid: owner.mid,
      closed: false,
    });
    expect(await s.admin.putArea(12, 5000, { owner_mid: other.mid, closed: true })).toMatchObject({
      owner_mid: other.mid,
      closed: true,
    });
    expect(await s.admin.getArea(12, 5000)).toMatchObject({ owner_mid: other.mid, closed: true });
    expect(await adminError(s.admin.putArea(3, 1, { owner_mid: owner.mid }))).toMatchObject({
      status: 400,
      body: { code: 12009 },
    });
    expect((await adminError(s.admin.putArea(1, 1, { owner_mid: 31337 }))).status).toBe(404);
    expect((await adminError(s.admin.getArea(17, 1))).status).toBe(404);
  });

  it('serves the OpenAPI document of the admin API only', async () => {
    const res = await fetch(`${s.url}/admin/api/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/admin/api/v1/users',
        '/admin/api/v1/users/{mid}',
        '/admin/api/v1/users/{mid}/sessions',
        '/admin/api/v1/archives',
        '/admin/api/v1/areas/{type}/{oid}',
      ]),
    );
    expect(paths.every((p) => p.startsWith('/admin/api/v1/'))).toBe(true);
    expect((await fetch(`${s.url}/admin/api/docs`)).status).toBe(200);
  });

  // Last: the automatic mids after this one are near 2^52.
  it('a given mid up to 2^52 leaves room for automatic ones; above is refused', async () => {
    const top = await s.admin.createUser({ uname: 'top', mid: 2 ** 52 });
    const after = await s.admin.createUser({ uname: 'after_top' });
    expect(after.mid).toBe(top.mid + 1);
    expect(await s.admin.getUser(after.mid)).toMatchObject({ uname: 'after_top' });
    expect(
      (
        await adminError(
          s.admin.request('POST', '/archives', {
            title: 't',
            owner_mid: top.mid,
            aid: 2 ** 51 - 1,
            pages: [{ part: 'P', duration: 1 }],
          }),
        )
      ).status,
    ).toBe(400);
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics behind the admin token, with per-route latency', async () => {
    const s = await startTestServer('sqlite');
    try {
      await fetch(`${s.url}/x/web-interface/nav`);
      await fetch(`${s.url}/no/such/path`);
      expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
      const res = await fetch(`${s.url}/metrics`, {
        headers: { authorization: `Bearer ${s.config.adminToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toMatch(
        /replay_http_request_duration_seconds_count\{method="GET",route="\/x\/web-interface\/nav",status="200"\} 1/,
      );
      expect(text).toMatch(/route="unmatched",status="404"/);
      expect(text).toContain('replay_process_cpu_seconds_total');
    } finally {
      await s.close();
    }
  });
});
