import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { NavData } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { ensureWebBuilt } from '../support/web-build.ts';
import { expectWire } from '../support/wire.ts';
import { NavData as NavDataSchema, NavLoggedOut } from '../../src/wire/account.schema.ts';
import { LogoutResponse } from '../../src/wire/passport.schema.ts';

describe.each(dialects())('identity over HTTP (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s.close());

  describe('GET /x/web-interface/nav', () => {
    it('logged out: -101 with data.isLogin=false and wbi_img', async () => {
      const body = await s.anonymous().nav();
      expect(body.code).toBe(-101);
      expect(body.message).toBe('账号未登录');
      expect(body.ttl).toBe(1);
      expect(Object.keys(body.data!)).toEqual(['isLogin', 'wbi_img']);
      expectWire(NavLoggedOut, body.data);
      const keys = s.services.wbi.keys();
      expect(body.data).toEqual({
        isLogin: false,
        wbi_img: {
          img_url: `${s.config.publicUrl}/bfs/wbi/${keys.imgKey}.png`,
          sub_url: `${s.config.publicUrl}/bfs/wbi/${keys.subKey}.png`,
        },
      });
    });

    it('logged in: every §10.2 field with the user real values', async () => {
      const due = s.clock.nowMs() + 30 * 86400_000;
      const { client, mid } = await s.signedIn('navuser', {
        level: 6,
        vip_type: 2,
        vip_due_date: due,
        sign: 'hi',
        sex: '女',
      });
      const body = await client.nav();
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data as NavData;
      expectWire(NavDataSchema, d);
      expect(Object.keys(d).sort()).toEqual(
        [
          'isLogin',
          'email_verified',
          'face',
          'face_nft',
          'face_nft_type',
          'level_info',
          'mid',
          'mobile_verified',
          'money',
          'moral',
          'official',
          'officialVerify',
          'pendant',
          'scores',
          'uname',
          'vipDueDate',
          'vipStatus',
          'vipType',
          'vip_pay_type',
          'vip_theme_type',
          'vip_label',
          'vip_avatar_subscript',
          'vip_nickname_color',
          'vip',
          'wallet',
          'has_shop',
          'shop_url',
          'allowance_count',
          'answer_status',
          'is_senior_member',
          'wbi_img',
          'is_jury',
        ].sort(),
      );
      expect(d.isLogin).toBe(true);
      expect(d.mid).toBe(mid);
      expect(d.uname).toBe('navuser');
      expect(d.level_info).toEqual({
        current_level: 6,
        current_min: 28800,
        current_exp: 28800,
        next_exp: '--',
      });
      expect(d.vipType).toBe(2);
      expect(d.vipStatus).toBe(1);
      expect(d.vipDueDate).toBe(due);
      expect(d.vip_label.text).toBe('年度大会员');
      expect(d.vip_label.label_theme).toBe('annual_vip');
      expect(d.vip).toMatchObject({
        type: 2,
        status: 1,
        due_date: due,
        theme_type: 0,
        nickname_color: '#FB7299',
      });
      expect(d.officialVerify).toEqual({ type: -1, desc: '' });
      expect(d.wallet.mid).toBe(mid);
      expect(d.face).toBe(`${s.config.publicUrl}/static/noface.png`);
      expect(d.wbi_img.img_url).toContain(s.services.wbi.keys().imgKey);
    });

    it("a repeated nav follows the vip due date, the day's wbi keys and a changed user", async () => {
      // The signed-in answer is kept serialised per user row; each of these must still show at once.
      const { client, mid } = await s.signedIn(undefined, {
        vip_type: 1,
        vip_due_date: s.clock.nowMs() + 60_000,
      });
      const nav = async () => (await client.nav()).data as NavData;
      expect((await nav()).vipStatus).toBe(1);
      expect((await nav()).vip.label.text).toBe('大会员');
      s.clock.advance(120);
      const lapsed = await nav();
      expect(lapsed.vipStatus).toBe(0);
      expect(lapsed.vip.label.text).toBe('');
      s.clock.advance(-120);
      expect((await nav()).vipStatus).toBe(1);
      s.clock.advance(86_400);
      const nextDay = await nav();
      expect(nextDay.wbi_img.img_url).toBe(
        `${s.config.publicUrl}/bfs/wbi/${s.services.wbi.keys().imgKey}.png`,
      );
      s.clock.advance(-86_400);
      expect((await nav()).wbi_img.img_url).toContain(s.services.wbi.keys().imgKey);
      expect(nextDay.wbi_img.img_url).not.toBe((await nav()).wbi_img.img_url);
      await s.admin.updateUser(mid, { uname: `renamed_${mid}` });
      expect((await nav()).uname).toBe(`renamed_${mid}`);
    });

    it('a level below 6 has a numeric next_exp', async () => {
      const { client } = await s.signedIn(undefined, { level: 2 });
      const d = (await client.nav()).data as NavData;
      expect(d.level_info).toEqual({ current_level: 2, current_min: 200, current_exp: 200, next_exp: 1500 });
      expect(d.vipStatus).toBe(0);
    });

    it('an unknown or garbage SESSDATA is logged out', async () => {
      for (const cookies of [{ SESSDATA: 'nope' }, { SESSDATA: '%E0%A4%A' }, { sessdata: 'x' }] as Record<
        string,
        string
      >[]) {
        const body = await createClient({ baseUrl: s.url, cookies }).nav();
        expect(body.code).toBe(-101);
      }
    });

    it('accepts SESSDATA both as issued (%2C) and URL-decoded (,)', async () => {
      const { client } = await s.signedIn();
      const raw = client.cookies['SESSDATA']!;
      expect(raw).toContain('%2C');
      const decoded = createClient({ baseUrl: s.url, cookies: { SESSDATA: decodeURIComponent(raw) } });
      expect((await decoded.nav()).code).toBe(0);
    });
  });

  describe('web QR login (§10.3)', () => {
    it('generate → 86101 → scan 86090 → confirm → 0 with Set-Cookie → 86038', async () => {
      const tv = s.anonymous();
      const gen = await tv.qrGenerate();
      expect(gen.code).toBe(0);
      const key = gen.data!.qrcode_key;
      expect(key).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(gen.data!.url).toBe(`${s.url}/h5-app/passport/login/scan?navhide=1&qrcode_key=${key}&from=`);

      expect(await tv.qrPoll(key)).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
        data: { url: '', refresh_token: '', timestamp: 0, code: 86101, message: '未扫码' },
      });

      const { mid } = await s.signedIn('qrperson');
      const page = await fetch(gen.data!.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('确认登录');
      expect((await tv.qrPoll(key)).data).toEqual({
        url: '',
        refresh_token: '',
        timestamp: 0,
        code: 86090,
        message: '二维码已扫码未确认',
      });

      const phone = s.anonymous();
      expect(await phone.qrConfirm(key, 'qrperson', 'wrong-pass')).toMatchObject({ code: -629 });
      expect(await phone.qrConfirm(key, 'qrperson', 'secret-pass')).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
      });

      const raw = await tv.raw<{
        code: number;
        data: { code: number; url: string; refresh_token: string; timestamp: number; message: string };
      }>('GET', '/x/passport-login/web/qrcode/poll', { qrcode_key: key });
      expect(raw.body.code).toBe(0);
      expect(raw.body.data.code).toBe(0);
      expect(raw.body.data.message).toBe('');
      expect(raw.body.data.refresh_token).toMatch(/^[0-9a-f]{32}$/);
      expect(raw.body.data.timestamp).toBe(s.clock.nowMs());
      const setCookies = raw.headers.getSetCookie();
      const names = setCookies.map((c) => c.split('=')[0]);
      expect(names.sort()).toEqual(['DedeUserID', 'DedeUserID__ckMd5', 'SESSDATA', 'bili_jct', 'sid']);
      const sess = setCookies.find((c) => c.startsWith('SESSDATA='))!;
      expect(sess).toMatch(/HttpOnly/i);
      expect(sess).toMatch(/Path=\//);
      const expires = Date.parse(/Expires=([^;]+)/.exec(sess)![1]!);
      expect(Math.round((expires - s.clock.nowMs()) / 86400_000)).toBe(180);
      expect(setCookies.find((c) => c.startsWith('bili_jct='))).not.toMatch(/HttpOnly/i);
      const url = new URL(raw.body.data.url);
      expect(url.pathname).toBe('/x/passport-login/web/crossDomain');
      expect(url.searchParams.get('DedeUserID')).toBe(String(mid));
      // The URL carries SESSDATA raw (`,` and `*`); the cookie has it percent-encoded once.
      expect(url.searchParams.get('SESSDATA')).toBe(decodeURIComponent(tv.cookies['SESSDATA']!));
      expect(url.searchParams.get('bili_jct')).toBe(tv.cookies['bili_jct']);
      expect(url.searchParams.get('Expires')).toBe(String(Math.floor(s.clock.nowMs() / 1000) + 15552000));
      // Format details: test/http/login-url.test.ts.

      const nav = await tv.nav();
      expect(nav.code).toBe(0);
      expect((nav.data as NavData).mid).toBe(mid);

      expect((await tv.qrPoll(key)).data).toMatchObject({ code: 86038, message: '二维码已失效' });
    });

    it('a key expires after 180 s (86038), and an unknown key is 86038', async () => {
      const tv = s.anonymous();
      const key = (await tv.qrGenerate()).data!.qrcode_key;
      s.clock.advance(179);
      expect((await tv.qrPoll(key)).data!.code).toBe(86101);
      s.clock.advance(1);
      expect((await tv.qrPoll(key)).data).toEqual({
        url: '',
        refresh_token: '',
        timestamp: 0,
        code: 86038,
        message: '二维码已失效',
      });
      expect((await tv.qrPoll('A'.repeat(32))).data!.code).toBe(86038);
      expect((await tv.qrPoll('short')).data!.code).toBe(86038);
      const page = await fetch(`${s.url}/h5-app/passport/login/scan?qrcode_key=${key}`);
      expect(await page.text()).toContain('二维码已失效');
    });

    it('poll without qrcode_key is -400 naming it', async () => {
      const body = await s
        .anonymous()
        .get<{ code: number; message: string }>('/x/passport-login/web/qrcode/poll');
      expect(body.code).toBe(-400);
      expect(body.message).toContain('qrcode_key');
    });
  });

  describe('password sign-in and logout (§10.4)', () => {
    it('signs in, sets the five cookies, and logout invalidates the session server-side', async () => {
      await s.admin.createUser({ uname: 'pwuser', password: 'pw-secret-1' });
      const browser = s.anonymous();
      expect(await browser.passwordLogin('pwuser', 'bad-password')).toEqual({
        code: -629,
        message: '用户名或密码错误',
        ttl: 1,
      });
      expect(await browser.passwordLogin('nobody', 'pw-secret-1')).toMatchObject({ code: -629 });
      const login = await browser.passwordLogin('pwuser', 'pw-secret-1');
      expect(login.code).toBe(0);
      expect(login.data).toMatchObject({ status: 0, message: '' });
      expect(Object.keys(browser.cookies).sort()).toEqual([
        'DedeUserID',
        'DedeUserID__ckMd5',
        'SESSDATA',
        'bili_jct',
        'sid',
      ]);
      const stolen = createClient({ baseUrl: s.url, cookies: { ...browser.cookies } });
      expect((await stolen.nav()).code).toBe(0);

      const wrong = await browser.post<Record<string, unknown>>('/login/exit/v2', { biliCSRF: 'nope' });
      expect(wrong).toMatchObject({ code: 2202, status: false, message: 'csrf 请求非法' });
      expect(typeof wrong['ts']).toBe('number');
      expectWire(LogoutResponse, wrong);
      expect(Object.keys(wrong)).toEqual(['code', 'status', 'ts', 'message']);
      expect((await stolen.nav()).code).toBe(0);

      const out = await browser.logout();
      expect(out).toEqual({
        code: 0,
        status: true,
        ts: Math.floor(s.clock.nowMs() / 1000),
        data: { redirectUrl: 'javascript:history.go(-1)' },
      });
      expectWire(LogoutResponse, out);
      expect(Object.keys(out)).toEqual(['code', 'status', 'ts', 'data']);
      expect(browser.cookies['SESSDATA']).toBeUndefined();
      // The copied cookie no longer works: the session is gone from the server, not only from the browser.
      expect((await stolen.nav()).code).toBe(-101);
      const again = await stolen.raw<string>('POST', '/login/exit/v2', {
        biliCSRF: stolen.cookies['bili_jct'],
      });
      expect(again.headers.get('content-type')).toContain('text/html');
    });

    it('serves the sign-in page (the web UI reads go_url itself; nothing from the query is reflected)', async () => {
      ensureWebBuilt();
      const res = await fetch(`${s.url}/login?go_url=/video/BV1xx411c7mD`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('<div id="app">');
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
      expect(html).not.toContain('BV1xx411c7mD');
      const evil = await fetch(
        `${s.url}/login?go_url=${encodeURIComponent('https://evil.example/</script>')}`,
      );
      expect(await evil.text()).toBe(html);
      // The password form and the go_url handling (local paths only) are covered in test/browser/sign-in.test.ts.
    });

    it('after 10 failures for one name every attempt is -625, even the right password; other names are unaffected', async () => {
      await s.admin.createUser({ uname: 'target', password: 'right-password' });
      await s.admin.createUser({ uname: 'bystander', password: 'right-password' });
      const attacker = s.anonymous();
      for (let i = 0; i < 10; i++)
        expect(await attacker.passwordLogin('target', `guess-${i}`)).toMatchObject({ code: -629 });
      expect(await attacker.passwordLogin('target', 'right-password')).toEqual({
        code: -625,
        message: '登录失败次数太多',
        ttl: 1,
      });
      expect(await attacker.qrConfirm('A'.repeat(32), 'target', 'right-password')).toMatchObject({
        code: -625,
      });
      expect(await attacker.passwordLogin('bystander', 'right-password')).toMatchObject({ code: 0 });
    });

    it('a banned account cannot sign in (-102)', async () => {
      const u = await s.admin.createUser({ uname: 'bannedpw', password: 'pw-secret-1' });
      await s.admin.updateUser(u.mid, { banned: true });
      expect(await s.anonymous().passwordLogin('bannedpw', 'pw-secret-1')).toMatchObject({ code: -102 });
    });
  });
});
