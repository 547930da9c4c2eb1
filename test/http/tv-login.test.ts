import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppSigner, TV_APPKEY, createClient } from '../../src/client/index.ts';
import type { BiliClient, TvPollData } from '../../src/client/index.ts';
import { signApp } from '../../src/domain/app-sign.ts';
import { DoneEnvelope } from '../../src/wire/envelope.schema.ts';
import { TvAuthCodeData, TvPollData as TvPollDataSchema } from '../../src/wire/tv-login.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const TV_APPSEC = '59b43e04ad6965f34319062b478f83dd';

/** POSTs a form body exactly as given (no client-side additions), like a TV client does. */
async function form(url: string, params: Record<string, string | number>) {
  const body = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  return (await res.json()) as { code: number; message: string; ttl: number; data?: unknown };
}

describe.each(dialects())('TV QR login (%s)', (dialect) => {
  let s: TestServer;
  let aid: number;
  let cid: number;
  const password = 'tv-secret-1';

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const owner = await s.admin.createUser({ uname: `tv_owner_${dialect}`, password });
    const archive = await s.admin.createArchive({
      title: 'tv login target',
      owner_mid: owner.mid,
      pages: [{ part: 'P1', duration: 600 }],
    });
    aid = archive.aid;
    cid = archive.pages[0]!.cid;
  });
  afterAll(async () => s.close());

  const newUser = async (uname: string) => s.admin.createUser({ uname: `${uname}_${dialect}`, password });

  it('auth_code → 86039 → approval on the page → 0 with the documented data → 86038', async () => {
    const user = await newUser('tv_viewer');
    const tv = s.anonymous();
    const gen = await tv.login.tvAuthCode();
    expect(gen).toMatchObject({ code: 0, message: '0', ttl: 1 });
    expectWire(TvAuthCodeData, gen.data);
    const code = gen.data!.auth_code;
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    expect(gen.data!.url).toBe(`${s.url}/x/passport-tv-login/h5/qrcode/auth?auth_code=${code}`);

    expect(await tv.login.tvPoll(code)).toEqual({
      code: 86039,
      message: '二维码尚未确认',
      ttl: 1,
      data: null,
    });

    // The url opens the sign-in-and-approve page; opening it changes nothing for the TV.
    const page = await fetch(gen.data!.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('/x/passport-tv-login/h5/qrcode/confirm');
    expect(html).toContain(code);
    expect((await tv.login.tvPoll(code)).code).toBe(86039);

    const phone = s.anonymous();
    expect(await phone.login.tvConfirm(code, user.uname, 'wrong-password')).toMatchObject({ code: -629 });
    expect((await tv.login.tvPoll(code)).code).toBe(86039);
    const confirmed = await phone.login.tvConfirm(code, user.uname, password);
    expect(confirmed).toEqual({ code: 0, message: '0', ttl: 1 });
    expectWire(DoneEnvelope, confirmed);

    const success = await tv.login.tvPoll(code);
    expect(success).toMatchObject({ code: 0, message: '0', ttl: 1 });
    const d = success.data as TvPollData;
    expectWire(TvPollDataSchema, d);
    expect(Object.keys(d)).toEqual([
      'is_new',
      'mid',
      'access_token',
      'refresh_token',
      'expires_in',
      'token_info',
      'cookie_info',
      'sso',
    ]);
    expect(d.mid).toBe(user.mid);
    expect(d.is_new).toBe(false);
    expect(d.access_token).toMatch(/^[0-9a-f]{32}$/);
    expect(d.refresh_token).toMatch(/^[0-9a-f]{32}$/);
    expect(d.expires_in).toBe(15552000);
    expect(d.token_info).toEqual({
      mid: user.mid,
      access_token: d.access_token,
      refresh_token: d.refresh_token,
      expires_in: 15552000,
    });
    const now = Math.floor(s.clock.nowMs() / 1000);
    expect(d.cookie_info.cookies.map((c) => c.name)).toEqual([
      'SESSDATA',
      'bili_jct',
      'DedeUserID',
      'DedeUserID__ckMd5',
      'sid',
    ]);
    for (const c of d.cookie_info.cookies) {
      expect(Object.keys(c)).toEqual(['name', 'value', 'http_only', 'expires', 'secure']);
      expect(c.http_only).toBe(c.name === 'SESSDATA' ? 1 : 0);
      expect(c.secure).toBe(0);
      expect(c.expires).toBe(now + 15552000);
    }
    const cookie = (name: string) => d.cookie_info.cookies.find((c) => c.name === name)!.value;
    expect(cookie('DedeUserID')).toBe(String(user.mid));
    expect(d.cookie_info.domains).toContain('.bilibili.com');
    expect(d.sso.length).toBeGreaterThan(0);

    // A code is good for one login.
    expect(await tv.login.tvPoll(code)).toEqual({ code: 86038, message: '二维码已失效', ttl: 1, data: null });
    expect((await phone.login.tvConfirm(code, user.uname, password)).code).toBe(86038);
    expect((await fetch(gen.data!.url)).headers.get('content-type')).toContain('text/html');
  });

  describe('the access_token', () => {
    let d: TvPollData;
    let mid: number;

    beforeAll(async () => {
      const user = await newUser('tv_app');
      mid = user.mid;
      const tv = s.anonymous();
      const code = (await tv.login.tvAuthCode()).data!.auth_code;
      await s.anonymous().login.tvConfirm(code, user.uname, password);
      d = (await tv.login.tvPoll(code)).data as TvPollData;
    });

    it('works as access_key: history report, reply add, history read back', async () => {
      const app = createClient({ baseUrl: s.url, accessKey: d.access_token });
      expect(await app.history.report({ aid, cid, progress: 77, platform: 'android' })).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
      });
      const added = await app.reply.add({ type: 1, oid: aid, message: '电视上发的评论' });
      expect(added.code).toBe(0);
      expect(added.data!.reply!.mid).toBe(mid);

      const web = webClient(d);
      const history = await web.history.cursor();
      expect(history.data!.list[0]).toMatchObject({ kid: aid, progress: 77 });
    });

    it('is an APP token only: as a SESSDATA cookie it signs nobody in', async () => {
      const asCookie = createClient({ baseUrl: s.url, cookies: { SESSDATA: d.access_token } });
      expect((await asCookie.nav()).code).toBe(-101);
    });

    it('cookie_info is a working web session: nav, heartbeat with csrf', async () => {
      const web = webClient(d);
      const nav = await web.nav();
      expect(nav.code).toBe(0);
      expect(nav.data).toMatchObject({ isLogin: true, mid });
      const beat = await web.history.heartbeat({ aid, cid, played_time: 30, type: 3, dt: 2, play_type: 0 });
      expect(beat.code).toBe(0);
    });

    it('logout of the web session leaves the APP token working', async () => {
      const web = webClient(d);
      expect((await web.logout()).code).toBe(0);
      expect((await web.nav()).code).toBe(-101);
      const app = createClient({ baseUrl: s.url, accessKey: d.access_token });
      expect((await app.history.report({ aid, cid, progress: 5 })).code).toBe(0);
    });
  });

  const webClient = (d: TvPollData): BiliClient =>
    createClient({
      baseUrl: s.url,
      cookies: Object.fromEntries(d.cookie_info.cookies.map((c) => [c.name, c.value])),
    });

  it('a signed-in browser approves with its cookies and csrf (-111 without)', async () => {
    const { client: browser, mid } = await s.signedIn();
    const tv = s.anonymous();
    const code = (await tv.login.tvAuthCode()).data!.auth_code;
    expect(
      await browser.post('/x/passport-tv-login/h5/qrcode/confirm', { auth_code: code, csrf: 'nope' }),
    ).toMatchObject({
      code: -111,
    });
    expect(
      await s.anonymous().post('/x/passport-tv-login/h5/qrcode/confirm', { auth_code: code }),
    ).toMatchObject({
      code: -101,
    });
    expect((await tv.login.tvPoll(code)).code).toBe(86039);
    expect((await browser.login.tvConfirmSignedIn(code)).code).toBe(0);
    const done = await tv.login.tvPoll(code);
    expect(done.code).toBe(0);
    expect((done.data as TvPollData).mid).toBe(mid);
  });

  it('APP signing: the documented vectors; a wrong sign is -3, an unknown appkey -1, both with data null', async () => {
    // CONTRACT §22.3.3 vectors, as a client computes them.
    expect(signApp({ local_id: 0, ts: 0 }, TV_APPKEY, TV_APPSEC).sign).toBe(
      'e134154ed6add881d28fbdf68653cd9c',
    );
    expect(
      signApp({ auth_code: '6214464b3025541abf6f654cf7569a01', local_id: 0, ts: 0 }, TV_APPKEY, TV_APPSEC)
        .sign,
    ).toBe('87de3d0fee7c3f4facd244537238914e');

    // The documentation's own curl (ts=0) works as sent.
    const doc = await form(`${s.url}/x/passport-tv-login/qrcode/auth_code`, {
      appkey: TV_APPKEY,
      local_id: 0,
      ts: 0,
      sign: 'e134154ed6add881d28fbdf68653cd9c',
    });
    expect(doc.code).toBe(0);

    const countRows = async () =>
      (await s.store.db.selectFrom('tv_logins').select('auth_code').execute()).length;
    const before = await countRows();
    const signed = new AppSigner().sign({ local_id: 0, ts: 1700000000 });
    const bad = await form(`${s.url}/x/passport-tv-login/qrcode/auth_code`, {
      ...signed,
      sign: 'f'.repeat(32),
    });
    expect(bad).toEqual({ code: -3, message: 'API校验密匙错误', ttl: 1, data: null });
    const tampered = await form(`${s.url}/x/passport-tv-login/qrcode/auth_code`, { ...signed, local_id: 1 });
    expect(tampered.code).toBe(-3);
    const { sign: _dropped, ...unsigned } = signed;
    expect((await form(`${s.url}/x/passport-tv-login/qrcode/auth_code`, unsigned)).code).toBe(-3);

    const unknown = await form(`${s.url}/x/passport-tv-login/qrcode/poll`, {
      appkey: '0123456789abcdef',
      auth_code: 'a'.repeat(32),
      local_id: 0,
      ts: 0,
      sign: 'x',
    });
    expect(unknown).toEqual({ code: -1, message: '应用程序不存在或已被封禁', ttl: 1, data: null });
    expect((await form(`${s.url}/x/passport-tv-login/qrcode/poll`, { auth_code: 'a'.repeat(32) })).code).toBe(
      -1,
    );

    // The rejected requests stored nothing.
    expect(await countRows()).toBe(before);
  });

  it('other documented key pairs sign too, with any common escaping of values', async () => {
    const android = new AppSigner('783bbb7264451d82');
    const gen = await s.anonymous().post<{ code: number }>('/x/passport-tv-login/qrcode/auth_code', {
      ...android.sign({ local_id: 0, ts: 1, mobi_app: 'android tv' }),
    });
    expect(gen.code).toBe(0);
    // A client that signs the raw (unescaped) values, as some do.
    const { createHash } = await import('node:crypto');
    const raw = 'appkey=4409e2ce8ffd12b8&local_id=0&mobi_app=a b&ts=5';
    const sign = createHash('md5')
      .update(raw + TV_APPSEC)
      .digest('hex');
    const res = await form(`${s.url}/x/passport-tv-login/qrcode/auth_code`, {
      appkey: TV_APPKEY,
      local_id: 0,
      mobi_app: 'a b',
      ts: 5,
      sign,
    });
    expect(res.code).toBe(0);
    expect((res.data as { url: string }).url).toContain('&mobi_app=a%20b');
  });

  it('poll: -400 without auth_code; 86038 for an unknown or malformed code', async () => {
    const tv = s.anonymous();
    const missing = await tv.post<{ code: number; message: string }>(
      '/x/passport-tv-login/qrcode/poll',
      tv.login.signer.sign({ local_id: 0, ts: 1 }),
    );
    expect(missing.code).toBe(-400);
    expect(missing.message).toContain('auth_code');
    expect((await tv.login.tvPoll('0'.repeat(32))).code).toBe(86038);
    expect((await tv.login.tvPoll('not a code')).code).toBe(86038);
  });

  it('a code expires after 180 s: poll 86038, the page says so, approval is refused', async () => {
    const user = await newUser('tv_late');
    const tv = s.anonymous();
    const gen = await tv.login.tvAuthCode();
    const code = gen.data!.auth_code;
    s.clock.advance(179);
    expect((await tv.login.tvPoll(code)).code).toBe(86039);
    s.clock.advance(1);
    expect((await tv.login.tvPoll(code)).code).toBe(86038);
    expect(await (await fetch(gen.data!.url)).text()).toContain('二维码已失效');
    expect((await s.anonymous().login.tvConfirm(code, user.uname, password)).code).toBe(86038);
    expect((await tv.login.tvPoll(code)).code).toBe(86038);
  });

  it('an approval by a banned account is refused (-102)', async () => {
    const user = await newUser('tv_banned');
    await s.admin.updateUser(user.mid, { banned: true });
    const code = (await s.anonymous().login.tvAuthCode()).data!.auth_code;
    expect((await s.anonymous().login.tvConfirm(code, user.uname, password)).code).toBe(-102);
    expect((await s.anonymous().login.tvPoll(code)).code).toBe(86039);
  });

  it('two polls racing for one approved code: exactly one gets the tokens', async () => {
    const user = await newUser('tv_race');
    const tv = s.anonymous();
    const code = (await tv.login.tvAuthCode()).data!.auth_code;
    await s.anonymous().login.tvConfirm(code, user.uname, password);
    const results = await Promise.all([tv.login.tvPoll(code), tv.login.tvPoll(code), tv.login.tvPoll(code)]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 86038, 86038]);
  });
});
