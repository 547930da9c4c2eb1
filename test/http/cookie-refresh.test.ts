import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError, correspondPath, createClient } from '../../src/client/index.ts';
import type { BiliClient, BiliEnvelope, NavData } from '../../src/client/index.ts';
import { sha256 } from '../../src/services/crypto.ts';
import { CookieInfoData, CookieRefreshData } from '../../src/wire/passport.schema.ts';
import { ADMIN_TOKEN, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';
import { pythonStyleCookies, qrLogin, searchParamsCookies } from '../support/login-flow.ts';

const HEX_PATH = 'ab'.repeat(128);
const WEB_COOKIES = ['DedeUserID', 'DedeUserID__ckMd5', 'SESSDATA', 'bili_jct', 'sid'];

async function sessionCount(s: TestServer): Promise<number> {
  const row = await s.handle.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function refreshCsrfOf(client: BiliClient, path = HEX_PATH): Promise<string> {
  const page = await client.passport.correspond(path);
  expect(page.status).toBe(200);
  return page.refreshCsrf!;
}

async function midOf(client: BiliClient): Promise<number> {
  const nav = await client.nav();
  expect(nav.code).toBe(0);
  return (nav.data as NavData).mid;
}

describe.each(dialects())('web cookie refresh (%s)', (dialect) => {
  let s: TestServer;
  let mid: number;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    mid = (await s.admin.createUser({ uname: 'refresher', password: 'secret-pass' })).mid;
  });
  afterAll(async () => s.close());

  /** A web QR login from cold; the client holds the cookies a Python client takes from data.url. */
  async function loggedIn(style: 'python' | 'searchParams' = 'python') {
    const { data } = await qrLogin(s, 'refresher');
    const cookies = style === 'python' ? pythonStyleCookies(data.url) : searchParamsCookies(data.url);
    // The Python client also sends its refresh token as the `ac_time_value` cookie.
    const client = createClient({
      baseUrl: s.url,
      cookies: { ...cookies, ac_time_value: data.refresh_token },
    });
    return { client, refreshToken: data.refresh_token };
  }

  it('from cold: QR login → nav → forced cookie/info → correspond → cookie/refresh → confirm; the old session is -101', async () => {
    const { client: old, refreshToken } = await loggedIn('python');
    expect(await midOf(old)).toBe(mid);

    const before = await old.passport.cookieInfo();
    expect(before).toEqual({
      code: 0,
      message: '0',
      ttl: 1,
      data: { refresh: false, timestamp: s.clock.nowMs() },
    });
    expectWire(CookieInfoData, before.data);

    expect(await s.admin.setCookieRefresh(mid, true)).toEqual({ mid, forced: true });
    expect(await s.admin.cookieRefresh(mid)).toEqual({ mid, forced: true });
    s.clock.advance(5);
    const info = await old.passport.cookieInfo();
    expect(info.data).toEqual({ refresh: true, timestamp: s.clock.nowMs() });

    // The path a real client computes (RSA-OAEP of refresh_<timestamp> under Bilibili's key).
    const path = await correspondPath(info.data!.timestamp);
    expect(path).toMatch(/^[0-9a-f]{256}$/);
    const page = await old.passport.correspond(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).toMatch(/<div id="1-name">[0-9a-f]{32}<\/div>/);
    const refreshCsrf = page.refreshCsrf!;

    const oldCookies = { ...old.cookies };
    const raw = await old.raw<BiliEnvelope<CookieRefreshData>>(
      'POST',
      '/x/passport-login/web/cookie/refresh',
      {
        csrf: oldCookies['bili_jct'],
        refresh_csrf: refreshCsrf,
        refresh_token: refreshToken,
        source: 'main_web',
      },
    );
    expect(raw.body.code).toBe(0);
    expect(raw.body.message).toBe('0');
    expectWire(CookieRefreshData, raw.body.data);
    expect(raw.body.data!.status).toBe(0);
    expect(raw.body.data!.message).toBe('');
    const newToken = raw.body.data!.refresh_token;
    expect(newToken).toMatch(/^[0-9a-f]{32}$/);
    expect(newToken).not.toBe(refreshToken);
    const set = raw.headers.getSetCookie();
    expect(set.map((c) => c.split('=')[0]).sort()).toEqual(WEB_COOKIES);
    expect(set.find((c) => c.startsWith('SESSDATA='))).toMatch(
      /^SESSDATA=[0-9a-f]{8}%2C\d+%2C[0-9a-f]{5}%2A\d{2}/,
    );
    expect(set.find((c) => c.startsWith('SESSDATA='))).toMatch(/HttpOnly/i);
    // The client now holds the new cookies; the old ones are a copy.
    expect(old.cookies['SESSDATA']).not.toBe(oldCookies['SESSDATA']);
    expect(old.cookies['bili_jct']).not.toBe(oldCookies['bili_jct']);
    const fresh = old;
    const stale = createClient({ baseUrl: s.url, cookies: oldCookies });

    // Until confirmed, the old session still works (as on Bilibili), but it is no longer asked to refresh.
    expect(await midOf(stale)).toBe(mid);
    expect((await stale.passport.cookieInfo()).data!.refresh).toBe(false);
    expect(await midOf(fresh)).toBe(mid);
    // The operator's flag asked for one refresh: done.
    expect((await fresh.passport.cookieInfo()).data!.refresh).toBe(false);
    expect(await s.admin.cookieRefresh(mid)).toEqual({ mid, forced: false });

    // confirm/refresh: the NEW csrf (bili_jct) and the OLD refresh token.
    expect(
      await fresh.post('/x/passport-login/web/confirm/refresh', {
        csrf: oldCookies['bili_jct'],
        refresh_token: refreshToken,
      }),
    ).toMatchObject({ code: -111 });
    expect(await fresh.passport.confirmRefresh(refreshToken)).toEqual({ code: 0, message: '0', ttl: 1 });

    expect((await stale.nav()).code).toBe(-101);
    expect(await stale.passport.cookieInfo()).toMatchObject({ code: -101 });
    expect(await midOf(fresh)).toBe(mid);
    // Only the new session is left; both secrets are stored hashed.
    const rows = await s.handle.db.selectFrom('sessions').selectAll().where('mid', '=', mid).execute();
    const live = rows.filter((r) => r.csrf === fresh.cookies['bili_jct']);
    expect(live).toHaveLength(1);
    expect(live[0]!.refresh_token_hash).toBe(sha256(newToken));
    expect(rows.some((r) => r.csrf === oldCookies['bili_jct'])).toBe(false);
    // A second confirm has nothing left to end.
    expect(await fresh.passport.confirmRefresh(refreshToken)).toMatchObject({ code: -400 });
  });

  it('a URLSearchParams client does the whole refresh with the typed client, twice in a row', async () => {
    const { client, refreshToken } = await loggedIn('searchParams');
    const stale = createClient({ baseUrl: s.url, cookies: { ...client.cookies } });
    await s.admin.setCookieRefresh(mid, true);
    const second = await client.passport.refresh(refreshToken);
    expect((await stale.nav()).code).toBe(-101);
    await s.admin.setCookieRefresh(mid, true);
    const stale2 = createClient({ baseUrl: s.url, cookies: { ...client.cookies } });
    const third = await client.passport.refresh(second);
    expect(new Set([refreshToken, second, third]).size).toBe(3);
    expect((await stale2.nav()).code).toBe(-101);
    expect(await midOf(client)).toBe(mid);
  });

  it('cookie/info: Cookie sessions only (-101 otherwise)', async () => {
    expect(await s.anonymous().passport.cookieInfo()).toEqual({ code: -101, message: '账号未登录', ttl: 1 });
    const { accessKey } = await s.signedIn();
    const app = createClient({ baseUrl: s.url, accessKey });
    expect(await app.get('/x/passport-login/web/cookie/info')).toMatchObject({ code: -101 });
    const garbage = createClient({ baseUrl: s.url, cookies: { SESSDATA: 'a,1,b*22c' } });
    expect(await garbage.passport.cookieInfo()).toMatchObject({ code: -101 });
  });

  it('correspond: a signed-in session with a well-formed lowercase-hex path gets the page; anything else the 404 page', async () => {
    const { client } = await loggedIn();
    for (const path of [
      'AB'.repeat(128),
      'ab'.repeat(128) + 'a',
      'ab'.repeat(20),
      'zz'.repeat(128),
      'ab'.repeat(600),
      `${'ab'.repeat(64)}%00`,
    ]) {
      const res = await client.passport.correspond(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(res.refreshCsrf, path).toBeUndefined();
    }
    const anonymous = await s.anonymous().passport.correspond(HEX_PATH);
    expect(anonymous.status).toBe(404);
    expect(anonymous.refreshCsrf).toBeUndefined();
    expect(await refreshCsrfOf(client, 'ab'.repeat(32))).toMatch(/^[0-9a-f]{32}$/);
    expect(await refreshCsrfOf(client, 'ab'.repeat(512))).toMatch(/^[0-9a-f]{32}$/);
  });

  it('cookie/refresh refuses: -101, -111, -400, and 86095 for a refresh_csrf or refresh_token that is not this session’s', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    const count = await sessionCount(s);
    const csrfA = await refreshCsrfOf(a.client);
    const csrfB = await refreshCsrfOf(b.client);
    const attempt = (client: BiliClient, params: Record<string, string | undefined>) =>
      client.post<BiliEnvelope>('/x/passport-login/web/cookie/refresh', { source: 'main_web', ...params });

    expect(
      await attempt(s.anonymous(), { refresh_csrf: csrfA, refresh_token: a.refreshToken }),
    ).toMatchObject({ code: -101 });
    expect(
      await attempt(a.client, { csrf: 'wrong', refresh_csrf: csrfA, refresh_token: a.refreshToken }),
    ).toMatchObject({ code: -111 });
    expect(await attempt(a.client, { refresh_token: a.refreshToken })).toMatchObject({ code: -400 });
    expect(await attempt(a.client, { refresh_csrf: csrfA })).toMatchObject({ code: -400 });
    const wrong = [
      { refresh_csrf: 'f'.repeat(32), refresh_token: a.refreshToken },
      { refresh_csrf: csrfA, refresh_token: 'f'.repeat(32) },
      // Another session's refresh token, and another session's refresh_csrf.
      { refresh_csrf: csrfA, refresh_token: b.refreshToken },
      { refresh_csrf: csrfB, refresh_token: a.refreshToken },
    ];
    for (const params of wrong) {
      expect(await attempt(a.client, params), JSON.stringify(params)).toEqual({
        code: 86095,
        message: 'refresh_csrf 错误或 refresh_token 与 cookie 不匹配',
        ttl: 1,
      });
    }
    expect(await sessionCount(s)).toBe(count);
    expect(await midOf(a.client)).toBe(mid);

    // A refresh_csrf expires (10 minutes) and is replaced by the next correspond page.
    const first = await refreshCsrfOf(a.client);
    const second = await refreshCsrfOf(a.client);
    expect(await attempt(a.client, { refresh_csrf: first, refresh_token: a.refreshToken })).toMatchObject({
      code: 86095,
    });
    s.clock.advance(601);
    expect(await attempt(a.client, { refresh_csrf: second, refresh_token: a.refreshToken })).toMatchObject({
      code: 86095,
    });
    expect(await sessionCount(s)).toBe(count);

    // A refresh spends the old session's refresh token: a second refresh from it is 86095.
    const stale = createClient({ baseUrl: s.url, cookies: { ...a.client.cookies } });
    const ok = await attempt(a.client, {
      refresh_csrf: await refreshCsrfOf(a.client),
      refresh_token: a.refreshToken,
    });
    expect(ok).toMatchObject({ code: 0 });
    expect(await sessionCount(s)).toBe(count + 1);
    expect(
      await attempt(stale, { refresh_csrf: await refreshCsrfOf(stale), refresh_token: a.refreshToken }),
    ).toMatchObject({
      code: 86095,
    });
    // …and the refresh_csrf was used up with it.
    expect(await sessionCount(s)).toBe(count + 1);
  });

  it('confirm/refresh refuses: -101, -111, -400 (missing, wrong, or a session that replaced nothing)', async () => {
    const { client, refreshToken } = await loggedIn();
    const stale = createClient({ baseUrl: s.url, cookies: { ...client.cookies } });
    expect(await s.anonymous().passport.confirmRefresh(refreshToken)).toMatchObject({ code: -101 });
    // A session that replaced nothing.
    expect(await client.passport.confirmRefresh(refreshToken)).toMatchObject({ code: -400 });
    const refreshed = await client.passport.refreshCookies(await refreshCsrfOf(client), refreshToken);
    expect(refreshed.code).toBe(0);
    expect(
      await client.post('/x/passport-login/web/confirm/refresh', {
        csrf: 'wrong',
        refresh_token: refreshToken,
      }),
    ).toMatchObject({ code: -111 });
    expect(await client.post('/x/passport-login/web/confirm/refresh', {})).toMatchObject({ code: -400 });
    expect(await client.passport.confirmRefresh(refreshed.data!.refresh_token)).toMatchObject({ code: -400 });
    expect(await client.passport.confirmRefresh('0'.repeat(32))).toMatchObject({ code: -400 });
    // The old cookie cannot confirm its own retirement: it is the new session that confirms.
    expect(await stale.passport.confirmRefresh(refreshToken)).toMatchObject({ code: -400 });
    expect(await midOf(stale)).toBe(mid);
    expect(await client.passport.confirmRefresh(refreshToken)).toEqual({ code: 0, message: '0', ttl: 1 });
    expect((await stale.nav()).code).toBe(-101);
  });

  it('a banned account cannot refresh or confirm (-102); cookie/info and the page still answer', async () => {
    const banned = await s.admin.createUser({ uname: 'refresh-banned', password: 'secret-pass' });
    const { data } = await qrLogin(s, 'refresh-banned');
    const client = createClient({ baseUrl: s.url, cookies: pythonStyleCookies(data.url) });
    const refreshCsrf = await refreshCsrfOf(client);
    await s.admin.updateUser(banned.mid, { banned: true });
    expect((await client.passport.cookieInfo()).code).toBe(0);
    expect(await client.passport.refreshCookies(refreshCsrf, data.refresh_token)).toMatchObject({
      code: -102,
    });
    expect(await client.passport.confirmRefresh(data.refresh_token)).toMatchObject({ code: -102 });
  });

  it('operator switch: admin API and its errors', async () => {
    await expect(s.admin.setCookieRefresh(999_999_999, true)).rejects.toMatchObject({ status: 404 });
    await expect(s.admin.cookieRefresh(999_999_999)).rejects.toBeInstanceOf(AdminApiError);
    await expect(
      s.admin.request('PUT', `/users/${mid}/cookie-refresh`, { forced: 'yes' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(s.admin.request('PUT', `/users/${mid}/cookie-refresh`, {})).rejects.toMatchObject({
      status: 400,
    });
    const denied = await fetch(`${s.url}/admin/api/v1/users/${mid}/cookie-refresh`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}x` },
      body: JSON.stringify({ forced: true }),
    });
    expect(denied.status).toBe(401);
    expect(await s.admin.cookieRefresh(mid)).toEqual({ mid, forced: false });
    const { client } = await loggedIn();
    await s.admin.setCookieRefresh(mid, true);
    expect((await client.passport.cookieInfo()).data!.refresh).toBe(true);
    expect(await s.admin.setCookieRefresh(mid, false)).toEqual({ mid, forced: false });
    expect((await client.passport.cookieInfo()).data!.refresh).toBe(false);
  });
});

describe.each(dialects())('cookie refresh by session age (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { cookieRefreshAfterSeconds: 3600 });
    await s.admin.createUser({ uname: 'ager', password: 'secret-pass' });
  });
  afterAll(async () => s.close());

  it('REPLAY_COOKIE_REFRESH_AFTER: sessions at least that old are asked to refresh; the refreshed one is not', async () => {
    const { data } = await qrLogin(s, 'ager');
    const client = createClient({ baseUrl: s.url, cookies: pythonStyleCookies(data.url) });
    expect((await client.passport.cookieInfo()).data!.refresh).toBe(false);
    s.clock.advance(3599);
    expect((await client.passport.cookieInfo()).data!.refresh).toBe(false);
    s.clock.advance(1);
    expect((await client.passport.cookieInfo()).data!.refresh).toBe(true);
    await client.passport.refresh(data.refresh_token);
    expect((await client.passport.cookieInfo()).data!.refresh).toBe(false);
  });
});
