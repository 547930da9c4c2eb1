import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { NavData } from '../../src/client/index.ts';
import { encodeSessdata } from '../../src/services/session.service.ts';
import { PasswordLoginData, QrGenerateData, QrPollData } from '../../src/wire/passport.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';
import { pythonStyleCookies, qrLogin, searchParamsCookies } from '../support/login-flow.ts';

const URL_SHAPE =
  /^(?<origin>http:\/\/127\.0\.0\.1:\d+)\/x\/passport-login\/web\/crossDomain\?DedeUserID=(?<mid>\d+)&DedeUserID__ckMd5=(?<ck>[0-9a-f]{16})&Expires=(?<expires>\d+)&SESSDATA=(?<sessdata>[0-9a-f]{8},(?<sessExpires>\d+),[0-9a-f]{5}\*\d{2}[A-Za-z0-9_-]+)&bili_jct=(?<jct>[0-9a-f]{32})&gourl=(?<gourl>[^&]*)&first_domain=\.bilibili\.com$/;

function setCookie(response: Response, name: string): string | undefined {
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]!
    .slice(name.length + 1);
}

describe.each(dialects())('login data.url and the cross-domain hop (%s)', (dialect) => {
  let s: TestServer;
  let mid: number;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    mid = (await s.admin.createUser({ uname: 'urluser', password: 'secret-pass' })).mid;
  });
  afterAll(async () => s.close());

  it("QR poll: Bilibili's current URL format, SESSDATA raw in it and encoded once in Set-Cookie", async () => {
    const { text, response, data } = await qrLogin(s, 'urluser');
    expectWire(QrPollData, data);
    const m = URL_SHAPE.exec(data.url);
    expect(m, data.url).not.toBeNull();
    const g = m!.groups!;
    expect(g['origin']).toBe(s.url);
    expect(Number(g['mid'])).toBe(mid);
    expect(data.timestamp).toBe(s.clock.nowMs());
    // Expires is absolute: the login second + 180 days, and SESSDATA's second field says the same.
    expect(Number(g['expires'])).toBe(Math.floor(data.timestamp / 1000) + 15552000);
    expect(g['sessExpires']).toBe(g['expires']);
    expect(decodeURIComponent(g['gourl']!)).toBe(s.url);
    expect(g['gourl']).toBe(encodeURIComponent(s.url));
    expect(data.url).not.toContain('%25');
    expect(data.refresh_token).toMatch(/^[0-9a-f]{32}$/);
    expect(data).toMatchObject({ code: 0, message: '' });

    // Set-Cookie carries the same session, SESSDATA percent-encoded once (`%2C`, `%2A`).
    expect(setCookie(response, 'SESSDATA')).toBe(encodeSessdata(g['sessdata']!));
    expect(setCookie(response, 'SESSDATA')).toMatch(/^[0-9a-f]{8}%2C\d+%2C[0-9a-f]{5}%2A\d{2}[\w-]+$/);
    expect(setCookie(response, 'bili_jct')).toBe(g['jct']);
    expect(setCookie(response, 'DedeUserID__ckMd5')).toBe(g['ck']);

    // Written as Go's encoding/json writes it: `&` inside strings is \u0026; the value decodes the same.
    expect(text).toContain('crossDomain?DedeUserID=');
    expect(text).toContain('\\u0026DedeUserID__ckMd5=');
    expect(text).not.toContain('&');
  });

  it('the QR generate url is Go-escaped on the wire as well', async () => {
    const response = await fetch(`${s.url}/x/passport-login/web/qrcode/generate`);
    const text = await response.text();
    expect(text).toMatch(/"url":"http:[^"]+\/h5-app\/passport\/login\/scan\?navhide=1\\u0026qrcode_key=/);
    const body = JSON.parse(text) as { data: QrGenerateData };
    expectWire(QrGenerateData, body.data);
    expect(body.data.url).toBe(
      `${s.url}/h5-app/passport/login/scan?navhide=1&qrcode_key=${body.data.qrcode_key}&from=`,
    );
  });

  it('the cookies a Python client (split, no decoding, quote) and a URLSearchParams client take from data.url sign in', async () => {
    const { data } = await qrLogin(s, 'urluser');
    const python = pythonStyleCookies(data.url);
    expect(python.SESSDATA).toMatch(/%2C.*%2C.*%2A/);
    const js = searchParamsCookies(data.url);
    expect(js.SESSDATA).toMatch(/,.*,.*\*/);
    for (const cookies of [
      python,
      js,
      // A client that keeps the raw text but sends it without quoting it.
      { ...python, SESSDATA: decodeURIComponent(python.SESSDATA) },
      // A client that quoted the already-encoded cookie value once more.
      { ...python, SESSDATA: encodeURIComponent(python.SESSDATA) },
    ]) {
      const nav = await createClient({ baseUrl: s.url, cookies }).nav();
      expect(nav.code, JSON.stringify(cookies)).toBe(0);
      expect((nav.data as NavData).mid).toBe(mid);
    }
  });

  it('password login: the same URL format with gourl = go_url on this origin, cookies by Set-Cookie', async () => {
    const response = await fetch(`${s.url}/x/passport-login/web/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'urluser', password: 'secret-pass', go_url: '/history' }),
    });
    const text = await response.text();
    expect(text).not.toContain('&');
    const body = JSON.parse(text) as { code: number; data: PasswordLoginData };
    expect(body.code).toBe(0);
    expectWire(PasswordLoginData, body.data);
    expect(Object.keys(body.data)).toEqual(['status', 'message', 'url', 'refresh_token', 'timestamp']);
    const m = URL_SHAPE.exec(body.data.url);
    expect(m, body.data.url).not.toBeNull();
    expect(decodeURIComponent(m!.groups!['gourl']!)).toBe(`${s.url}/history`);
    expect(body.data.timestamp).toBe(s.clock.nowMs());
    expect(Number(m!.groups!['expires'])).toBe(Math.floor(body.data.timestamp / 1000) + 15552000);
    expect(setCookie(response, 'SESSDATA')).toBe(encodeSessdata(m!.groups!['sessdata']!));

    // A go_url to another host, or one a browser would turn into one, returns to this site's root.
    for (const goUrl of ['https://evil.example/', '//evil.example', '/\t/evil.example', '/\\evil.example']) {
      const other = await s.anonymous().post<{ data: PasswordLoginData }>('/x/passport-login/web/login', {
        username: 'urluser',
        password: 'secret-pass',
        go_url: goUrl,
      });
      const gourl = new URL(other.data.url).searchParams.get('gourl');
      expect(gourl, goUrl).toBe(`${s.url}/`);
    }
  });

  it('following data.url (new path and the old /crossDomain) sets the cookies and returns to gourl', async () => {
    const { data } = await qrLogin(s, 'urluser');
    for (const url of [data.url, data.url.replace('/x/passport-login/web/crossDomain', '/crossDomain')]) {
      const hop = await fetch(url, { redirect: 'manual' });
      expect(hop.status).toBe(302);
      expect(hop.headers.get('location')).toBe('/');
      const sessdata = setCookie(hop, 'SESSDATA')!;
      expect(sessdata).toBe(encodeSessdata(new URL(url).searchParams.get('SESSDATA')!));
      const browser = createClient({
        baseUrl: s.url,
        cookies: { SESSDATA: sessdata, bili_jct: setCookie(hop, 'bili_jct')! },
      });
      expect((await browser.nav()).code).toBe(0);
    }
    // The hop with a SESSDATA that is not a session, or a bili_jct of another one, sets nothing.
    const forged = new URL(data.url);
    forged.searchParams.set('bili_jct', '0'.repeat(32));
    const refused = await fetch(forged, { redirect: 'manual' });
    expect(refused.status).toBe(302);
    expect(refused.headers.getSetCookie()).toEqual([]);
  });

  describe('gourl of the cross-domain hop', () => {
    const hop = (gourl: string, path = '/x/passport-login/web/crossDomain') =>
      fetch(`${s.url}${path}?gourl=${gourl}`, { redirect: 'manual' });

    it('refuses every URL a browser would follow to another host', async () => {
      for (const gourl of [
        '//evil.example',
        '/%09/evil.example',
        '/%0A/evil.example',
        '/%0D%0A/evil.example',
        '%09//evil.example',
        '/%5Cevil.example',
        '%5C%5Cevil.example',
        'https://evil.example/',
        encodeURIComponent('http://127.0.0.1:1/x'),
        encodeURIComponent(`${s.url.replace('http:', 'https:')}/x`),
        encodeURIComponent(`${s.url}\t.evil.example/`),
        encodeURIComponent(`http://evil.example\\@${s.url.slice(7)}/`),
        'javascript:alert(1)',
        '',
      ]) {
        for (const path of ['/x/passport-login/web/crossDomain', '/crossDomain']) {
          const res = await hop(gourl, path);
          expect(res.status, gourl).toBe(302);
          expect(res.headers.get('location'), gourl).toBe('/');
        }
      }
    });

    it('follows a local path or an absolute URL of this origin; non-ASCII is percent-encoded', async () => {
      const cases: [string, string][] = [
        ['%2Fhistory', '/history'],
        [encodeURIComponent('/video/BV1xx411c7mD?p=2#reply'), '/video/BV1xx411c7mD?p=2#reply'],
        [encodeURIComponent(`${s.url}/history?x=1`), '/history?x=1'],
        [encodeURIComponent('/搜索/视频 页'), '/%E6%90%9C%E7%B4%A2/%E8%A7%86%E9%A2%91%20%E9%A1%B5'],
        [encodeURIComponent('/a%20b'), '/a%20b'],
        [encodeURIComponent('/😀'), '/%F0%9F%98%80'],
      ];
      for (const [gourl, location] of cases) {
        const res = await hop(gourl);
        expect(res.status, gourl).toBe(302);
        expect(res.headers.get('location'), gourl).toBe(location);
      }
    });

    it('a malformed gourl gets -400 naming it, never a 5xx', async () => {
      for (const query of [
        'gourl=/a&gourl=/b',
        `gourl=${'/a'.repeat(1100)}`,
        'gourl=%2F%00',
        'gourl=/%ED%A0%80',
        'gourl=/%E0%A4%A',
        'SESSDATA=a&SESSDATA=b',
      ]) {
        const res = await fetch(`${s.url}/x/passport-login/web/crossDomain?${query}`, { redirect: 'manual' });
        expect(res.status, query).toBeLessThan(500);
        if (res.status === 302) {
          expect(res.headers.get('location'), query).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
          continue;
        }
        const body = (await res.json()) as { code: number; message: string };
        expect(body.code, query).toBe(-400);
        expect(body.message, query).toMatch(/gourl|SESSDATA/);
      }
    });
  });
});
