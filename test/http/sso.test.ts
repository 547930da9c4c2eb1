import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { NavData } from '../../src/client/index.ts';
import { ManualClock } from '../../src/services/clock.ts';
import type { SessionService } from '../../src/services/session.service.ts';
import { SsoService } from '../../src/services/sso.service.ts';
import type { SsoOptions } from '../../src/services/sso.service.ts';
import type { Store } from '../../src/store/store.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const ISSUER = 'https://host.example';
const AUDIENCE = 'replay-comments';
const SECRET = 'a-shared-secret-of-at-least-32-chars!';
const dir = mkdtempSync(join(tmpdir(), 'replay-sso-'));

type Key = CryptoKey | Uint8Array;

/** A token as a host site signs it; `now` is the test server's clock, in seconds. */
function token(
  key: Key,
  alg: string,
  now: number,
  claims: JWTPayload & Record<string, unknown> = {},
  options: { kid?: string; iss?: string; aud?: string; exp?: number } = {},
): Promise<string> {
  return new SignJWT({ name: 'host_user', ...claims })
    .setProtectedHeader({ alg, ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'host-42')
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 300)
    .sign(key);
}

/** GET /sso without following the redirect. */
async function sso(s: TestServer, jwt: string, goUrl = '/video/BV1xx') {
  const response = await fetch(
    `${s.url}/sso?token=${encodeURIComponent(jwt)}&go_url=${encodeURIComponent(goUrl)}`,
    {
      redirect: 'manual',
    },
  );
  return { response, text: await response.text(), cookies: response.headers.getSetCookie() };
}

function clientFrom(s: TestServer, setCookies: string[]) {
  return createClient({ baseUrl: s.url, cookies: setCookies.map((c) => c.split(';')[0]).join('; ') });
}

const nowOf = (s: TestServer) => Math.floor(s.clock.nowMs() / 1000);

describe.each(dialects())('single sign-on (%s)', (dialect) => {
  describe('HS256 shared secret, with header mode', () => {
    let s: TestServer;
    const secret = new TextEncoder().encode(SECRET);
    beforeAll(async () => {
      s = await startTestServer(dialect, {
        ssoIssuer: ISSUER,
        ssoAudience: AUDIENCE,
        ssoSecret: SECRET,
        ssoHeader: 'X-Host-Token',
      });
    });
    afterAll(async () => s.close());

    it('a valid token creates the user, sets the web cookies and redirects to go_url', async () => {
      const jwt = await token(secret, 'HS256', nowOf(s), {
        sub: 'u-1',
        name: 'Alice 宿主',
        picture: 'https://host.example/a.png',
        sign: 'from the host',
      });
      const { response, cookies } = await sso(s, jwt);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/video/BV1xx');
      expect(cookies.map((c) => c.split('=')[0]).sort()).toEqual(
        ['DedeUserID', 'DedeUserID__ckMd5', 'SESSDATA', 'bili_jct', 'sid'].sort(),
      );
      const nav = (await clientFrom(s, cookies).nav()).data as NavData;
      expect(nav).toMatchObject({ isLogin: true, uname: 'Alice宿主', face: 'https://host.example/a.png' });
      const user = (await s.store.users.findByMid(nav.mid))!;
      expect(user.sign).toBe('from the host');
      expect(user.password_hash).toBeNull();
    });

    it('the same subject again is the same account, updated from the new claims', async () => {
      const first = await sso(s, await token(secret, 'HS256', nowOf(s), { sub: 'u-2', name: 'bob' }));
      const mid = ((await clientFrom(s, first.cookies).nav()).data as NavData).mid;
      const again = await sso(s, await token(secret, 'HS256', nowOf(s), { sub: 'u-2', name: 'bobby' }));
      const nav = (await clientFrom(s, again.cookies).nav()).data as NavData;
      expect(nav.mid).toBe(mid);
      expect(nav.uname).toBe('bobby');
    });

    it('a name taken by a local account gets a suffix instead of taking it over', async () => {
      const local = await s.signedIn('carol');
      const { cookies } = await sso(s, await token(secret, 'HS256', nowOf(s), { sub: 'u-3', name: 'carol' }));
      const nav = (await clientFrom(s, cookies).nav()).data as NavData;
      expect(nav.mid).not.toBe(local.mid);
      expect(nav.uname).toMatch(/^carol_[A-Za-z0-9]{4}$/);
    });

    it('go_url is followed only to a local path', async () => {
      const jwt = await token(secret, 'HS256', nowOf(s), { sub: 'u-4' });
      for (const evil of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
        expect((await sso(s, jwt, evil)).response.headers.get('location')).toBe('/');
      }
    });

    it.each([
      ['expired', { exp: -10 }, 'expired'],
      ['wrong issuer', { iss: 'https://other.example' }, 'wrong_issuer'],
      ['wrong audience', { aud: 'someone-else' }, 'wrong_audience'],
    ] as const)('%s: an HTML error page, no cookies, nothing stored', async (_label, options, reason) => {
      const before = await s.store.users.count();
      const now = nowOf(s);
      // Only the expired token is old: each is wrong in exactly one way.
      const expired = 'exp' in options;
      const exp = expired ? now + options.exp - 60 : undefined;
      const jwt = await token(
        secret,
        'HS256',
        expired ? now - 400 : now,
        { sub: `bad-${reason}` },
        { ...options, ...(exp ? { exp } : {}) },
      );
      const { response, text, cookies } = await sso(s, jwt);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(text).toContain(`data-reason="${reason}"`);
      expect(cookies).toEqual([]);
      expect(await s.store.users.count()).toBe(before);
    });

    it('a wrong signature, a malformed token and a missing one are clear errors, never 5xx', async () => {
      const forged = await token(
        new TextEncoder().encode('another-secret-of-32-characters-xx'),
        'HS256',
        nowOf(s),
      );
      const bad = await sso(s, forged);
      expect(bad.response.status).toBe(401);
      expect(bad.text).toContain('data-reason="bad_signature"');
      const garbage = await sso(s, 'not.a.jwt');
      expect(garbage.response.status).toBe(401);
      expect(garbage.text).toContain('data-reason="malformed"');
      const none = await fetch(`${s.url}/sso`, { redirect: 'manual' });
      expect(none.status).toBe(400);
      expect(await none.text()).toContain('data-reason="missing"');
    });

    it('header mode: a proxy-sent token signs every request in; a bad one answers -101', async () => {
      const jwt = await token(secret, 'HS256', nowOf(s), { sub: 'proxy-1', name: 'proxied' });
      const viaProxy = createClient({ baseUrl: s.url, headers: { 'x-host-token': jwt } });
      const nav = await viaProxy.nav();
      expect(nav.code).toBe(0);
      expect((nav.data as NavData).uname).toBe('proxied');
      // The session is reused while the token is the same.
      const again = await viaProxy.nav();
      expect((again.data as NavData).mid).toBe((nav.data as NavData).mid);
      const sessions = await s.store.db
        .selectFrom('sessions')
        .select('token_hash')
        .where('mid', '=', (nav.data as NavData).mid)
        .execute();
      expect(sessions).toHaveLength(1);
      // Writes work with the bili_jct the first answer set.
      expect((await viaProxy.accountSelf.updateSign('via proxy')).code).toBe(0);

      const expired = await token(
        secret,
        'HS256',
        nowOf(s) - 1000,
        { sub: 'proxy-1' },
        { exp: nowOf(s) - 500 },
      );
      const response = await fetch(`${s.url}/x/web-interface/nav`, {
        headers: {
          'x-host-token': expired,
          cookie: viaProxy.cookies['SESSDATA'] ? `SESSDATA=${viaProxy.cookies['SESSDATA']}` : '',
        },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-replay-sso-error')).toBe('expired');
      expect(((await response.json()) as { code: number }).code).toBe(-101);
    });
  });

  describe('RS256 and ES256 public keys', () => {
    let rsa: TestServer;
    let ec: TestServer;
    let rsaKeys: { privateKey: CryptoKey; publicKey: CryptoKey };
    let ecKeys: { privateKey: CryptoKey; publicKey: CryptoKey };
    beforeAll(async () => {
      rsaKeys = await generateKeyPair('RS256', { extractable: true });
      ecKeys = await generateKeyPair('ES256', { extractable: true });
      writeFileSync(join(dir, 'rsa.pem'), await exportSPKI(rsaKeys.publicKey));
      writeFileSync(join(dir, 'ec.pem'), await exportSPKI(ecKeys.publicKey));
      rsa = await startTestServer(dialect, { ssoIssuer: ISSUER, ssoPublicKeyFile: join(dir, 'rsa.pem') });
      ec = await startTestServer(dialect, { ssoIssuer: ISSUER, ssoPublicKeyFile: join(dir, 'ec.pem') });
    });
    afterAll(async () => {
      await rsa.close();
      await ec.close();
    });

    it('each verifies its own algorithm and refuses the other key', async () => {
      const good = await sso(rsa, await token(rsaKeys.privateKey, 'RS256', nowOf(rsa), { sub: 'r1' }));
      expect(good.response.status).toBe(302);
      const goodEc = await sso(ec, await token(ecKeys.privateKey, 'ES256', nowOf(ec), { sub: 'e1' }));
      expect(goodEc.response.status).toBe(302);
      // No audience configured: any aud is accepted.
      expect(((await clientFrom(ec, goodEc.cookies).nav()).data as NavData).uname).toBe('host_user');

      const wrongAlg = await sso(rsa, await token(ecKeys.privateKey, 'ES256', nowOf(rsa), { sub: 'r2' }));
      expect(wrongAlg.text).toContain('data-reason="wrong_algorithm"');
      const other = await generateKeyPair('RS256');
      const wrongKey = await sso(rsa, await token(other.privateKey, 'RS256', nowOf(rsa), { sub: 'r3' }));
      expect(wrongKey.text).toContain('data-reason="bad_signature"');
      // An HS256 token signed with the public key bytes (the classic confusion attack) is refused.
      const pem = new TextEncoder().encode(await exportSPKI(rsaKeys.publicKey));
      const confused = await sso(rsa, await token(pem, 'HS256', nowOf(rsa), { sub: 'r4' }));
      expect(confused.response.status).toBe(401);
    });
  });

  describe('JWKS file', () => {
    let s: TestServer;
    let one: { privateKey: CryptoKey; publicKey: CryptoKey };
    let two: { privateKey: CryptoKey; publicKey: CryptoKey };
    beforeAll(async () => {
      one = await generateKeyPair('RS256', { extractable: true });
      two = await generateKeyPair('ES256', { extractable: true });
      const keys = [
        { ...(await exportJWK(one.publicKey)), kid: 'rsa-2026', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(two.publicKey)), kid: 'ec-2026', alg: 'ES256', use: 'sig' },
      ];
      writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys }));
      s = await startTestServer(dialect, {
        ssoIssuer: ISSUER,
        ssoAudience: AUDIENCE,
        ssoJwksFile: join(dir, 'jwks.json'),
      });
    });
    afterAll(async () => s.close());

    it('picks the key by kid; an unknown kid is refused clearly', async () => {
      const r = await sso(
        s,
        await token(one.privateKey, 'RS256', nowOf(s), { sub: 'j1' }, { kid: 'rsa-2026' }),
      );
      expect(r.response.status).toBe(302);
      const e = await sso(
        s,
        await token(two.privateKey, 'ES256', nowOf(s), { sub: 'j2' }, { kid: 'ec-2026' }),
      );
      expect(e.response.status).toBe(302);
      const unknown = await sso(
        s,
        await token(one.privateKey, 'RS256', nowOf(s), { sub: 'j3' }, { kid: 'retired' }),
      );
      expect(unknown.response.status).toBe(401);
      expect(unknown.text).toContain('data-reason="unknown_key"');
      expect(unknown.text).toContain('kid');
    });
  });

  describe('not configured', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(async () => s.close());

    it('/sso says single sign-on is off', async () => {
      const response = await fetch(`${s.url}/sso?token=x`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('data-reason="off"');
    });
  });
});

describe('single sign-on settings', () => {
  const make = (options: Partial<SsoOptions>) =>
    SsoService.create({} as Store, new ManualClock(), {} as SessionService, {
      issuer: '',
      audience: '',
      secret: '',
      publicKeyFile: '',
      jwksFile: '',
      ...options,
    });

  it('an issuer without a key, a key without an issuer, two keys or an unusable file stop the start', async () => {
    await expect(make({ issuer: ISSUER })).rejects.toThrow('REPLAY_SSO_ISSUER: set REPLAY_SSO_SECRET');
    await expect(make({ secret: SECRET })).rejects.toThrow('REPLAY_SSO_ISSUER: required');
    await expect(make({ issuer: ISSUER, secret: SECRET, jwksFile: join(dir, 'x.json') })).rejects.toThrow(
      'set only one',
    );
    writeFileSync(join(dir, 'not-a-key.pem'), 'hello');
    await expect(make({ issuer: ISSUER, publicKeyFile: join(dir, 'not-a-key.pem') })).rejects.toThrow(
      'REPLAY_SSO_PUBLIC_KEY_FILE',
    );
    await expect(make({ issuer: ISSUER, jwksFile: join(dir, 'not-a-key.pem') })).rejects.toThrow(
      'REPLAY_SSO_JWKS_FILE',
    );
    expect((await make({})).enabled).toBe(false);
  });
});
