import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { PasswordLoginData } from '../../src/client/index.ts';
import { encryptPassword } from '../../src/client/password-encrypt.ts';
import { CaptchaData, PasswordKeyData } from '../../src/wire/password-login.schema.ts';
import { dialects, startTestServer, startTestCluster } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const PASSWORD = 'pw-with-ünïcode 1';

/** What the widely used Python client does: PKCS#1 v1.5 of the UTF-8 `hash + password`, standard base64. */
function pythonStyle(hash: string, key: string, password: string): string {
  return publicEncrypt(
    { key, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(hash + password, 'utf8'),
  ).toString('base64');
}

describe.each(dialects())('password login with key and captcha (%s)', (dialect) => {
  let s: TestServer;
  let uname: string;
  let mid: number;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    uname = `pw_user_${dialect}`;
    mid = (await s.admin.createUser({ uname, password: PASSWORD })).mid;
  });
  afterAll(async () => s.close());

  const login = (params: Record<string, string>) =>
    s
      .anonymous()
      .raw<{ code: number; message: string; data?: PasswordLoginData }>(
        'POST',
        '/x/passport-login/web/login',
        params,
      );
  const key = async () => (await s.anonymous().login.passwordKey()).data!;

  it('GET web/key: a 16-character salt and a PEM public key that stays the same', async () => {
    const body = await s.anonymous().login.passwordKey();
    expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
    expectWire(PasswordKeyData, body.data);
    const { hash, key: pem } = body.data!;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(pem.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
    expect(pem.endsWith('-----END PUBLIC KEY-----\n')).toBe(true);
    expect(createPublicKey(pem).asymmetricKeyType).toBe('rsa');
    const again = await key();
    expect(again.key).toBe(pem);
    // The key pair is kept in the settings table, where every node of a cluster reads it.
    const row = await s.store.settings.get('passport_rsa_private_key');
    expect(row).toContain('PRIVATE KEY');
  });

  it('GET captcha: a Geetest-shaped challenge, with or without source', async () => {
    for (const source of ['main_web', undefined]) {
      const body = await s.anonymous().login.captcha(source);
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      expectWire(CaptchaData, body.data);
      const d = body.data!;
      expect(Object.keys(d)).toEqual(['type', 'token', 'geetest', 'tencent']);
      expect(d.type).toBe('geetest');
      expect(d.token).toMatch(/^[0-9a-f]{32}$/);
      expect(Object.keys(d.geetest)).toEqual(['challenge', 'gt']);
      expect(d.geetest.challenge).toMatch(/^[0-9a-f]{32}$/);
      expect(d.geetest.gt).toMatch(/^[0-9a-f]{32}$/);
      expect(d.tencent).toEqual({ appid: '' });
    }
  });

  it('key → encrypt as the Python client does → captcha → login: cookies set, the session works', async () => {
    const k = await key();
    const captcha = (await s.anonymous().login.captcha()).data!;
    const validate = '0123456789abcdef0123456789abcdef';
    const res = await login({
      username: uname,
      password: pythonStyle(k.hash, k.key, PASSWORD),
      keep: 'True',
      token: captcha.token,
      challenge: captcha.geetest.challenge,
      validate,
      seccode: `${validate}|jordan`,
    });
    expect(res.body).toMatchObject({ code: 0, message: '0', ttl: 1, data: { status: 0, message: '' } });
    expect(res.body.data!.refresh_token).toMatch(/^[0-9a-f]{32}$/);
    const setCookies = res.headers.getSetCookie().map((c) => c.split('=')[0]);
    for (const name of ['SESSDATA', 'bili_jct', 'DedeUserID', 'DedeUserID__ckMd5', 'sid'])
      expect(setCookies).toContain(name);
    const jar = Object.fromEntries(
      res.headers.getSetCookie().map((c) => {
        const pair = c.split(';')[0]!;
        return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      }),
    );
    const nav = await createClient({ baseUrl: s.url, cookies: jar }).nav();
    expect(nav.code).toBe(0);
    expect(nav.data).toMatchObject({ isLogin: true, mid });
  });

  it('the typed client runs the same flow in one call', async () => {
    const client = s.anonymous();
    const res = await client.login.passwordLoginEncrypted(uname, PASSWORD, encryptPassword);
    expect(res.body.code).toBe(0);
    expect(client.cookies['DedeUserID']).toBe(String(mid));
    expect((await client.nav()).code).toBe(0);
  });

  it('a salt older than 20 s is -662; a block that does not carry a salt Replay issued is 86000', async () => {
    const k = await key();
    const encrypted = pythonStyle(k.hash, k.key, PASSWORD);
    s.clock.advance(21);
    expect((await login({ username: uname, password: encrypted })).body).toMatchObject({
      code: -662,
      message: '密码时间戳过期',
    });

    const fresh = await key();
    // A made-up salt, a salt from another server's key, and a block that is not RSA of this key at all.
    const forged = pythonStyle('0123456789abcdef', fresh.key, PASSWORD);
    const noSalt = pythonStyle('', fresh.key, 'short');
    const garbage = Buffer.alloc(256, 0x41).toString('base64');
    for (const password of [forged, noSalt, garbage]) {
      const res = await login({ username: uname, password });
      expect(res.body).toMatchObject({ code: 86000, message: 'RSA解密失败' });
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    // The right salt with the wrong password is the usual -629.
    const wrong = pythonStyle(fresh.hash, fresh.key, 'not-the-password');
    expect((await login({ username: uname, password: wrong })).body.code).toBe(-629);
  });

  it('a `+` that arrived as a space (unescaped form body) still decrypts', async () => {
    const k = await key();
    let encrypted = pythonStyle(k.hash, k.key, PASSWORD);
    while (!encrypted.includes('+')) encrypted = pythonStyle(k.hash, k.key, PASSWORD);
    const res = await fetch(`${s.url}/x/passport-login/web/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=${encodeURIComponent(uname)}&password=${encrypted.replace(/\//g, '%2F').replace(/=/g, '%3D')}`,
    });
    expect(((await res.json()) as { code: number }).code).toBe(0);
  });

  it('plain passwords still work, with or without the captcha fields (Replay’s own page posts them)', async () => {
    expect((await login({ username: uname, password: PASSWORD })).body.code).toBe(0);
    expect(
      (
        await login({
          username: uname,
          password: PASSWORD,
          token: 'x',
          challenge: 'y',
          validate: 'z',
          seccode: 'z|jordan',
        })
      ).body.code,
    ).toBe(0);
    // A plain password that merely looks like base64 is still a plain password.
    const b64ish = 'QUJDREVGR0g=';
    const other = `pw_b64_${dialect}`;
    await s.admin.createUser({ uname: other, password: b64ish });
    expect((await login({ username: other, password: b64ish })).body.code).toBe(0);
    expect((await login({ username: uname, password: 'wrong-one' })).body.code).toBe(-629);
  });

  it('the TV approval page accepts an encrypted password too', async () => {
    const tv = s.anonymous();
    const code = (await tv.login.tvAuthCode()).data!.auth_code;
    const k = await key();
    const confirmed = await s.anonymous().login.tvConfirm(code, uname, pythonStyle(k.hash, k.key, PASSWORD));
    expect(confirmed.code).toBe(0);
    expect((await tv.login.tvPoll(code)).code).toBe(0);
  });
});

describe.each(dialects())('password key in a cluster (%s)', (dialect) => {
  it('a key and salt from one node decrypt on another', async () => {
    const cluster = await startTestCluster(dialect, 2);
    try {
      const uname = `pw_cluster_${dialect}`;
      await cluster.admin.createUser({ uname, password: PASSWORD });
      const [a, b] = cluster.urls.map((baseUrl) => createClient({ baseUrl }));
      const k = (await a!.login.passwordKey()).data!;
      expect((await b!.login.passwordKey()).data!.key).toBe(k.key);
      const body = await b!.post<{ code: number }>('/x/passport-login/web/login', {
        username: uname,
        password: pythonStyle(k.hash, k.key, PASSWORD),
      });
      expect(body.code).toBe(0);
    } finally {
      await cluster.close();
    }
  });
});
