import { expect } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import type { QrPollData } from '../../src/wire/passport.schema.ts';
import type { TestServer } from './harness.ts';

/** How real clients take the login cookies from a web login's `data.url`, and a cold QR login. */

/** What Python's `urllib.parse.quote(value)` writes (safe: letters, digits, `_.-~` and `/`). */
export function pyQuote(value: string): string {
  return [...new TextEncoder().encode(value)]
    .map((b) =>
      /[A-Za-z0-9_.\-~/]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/**
 * The cookies a stock Python client (bilibili-api `login_v2.check_state`) builds from `data.url`: split on
 * `?` and `&` without decoding, then its Credential quotes SESSDATA when it holds no `%`.
 */
export function pythonStyleCookies(url: string): { SESSDATA: string; bili_jct: string; DedeUserID: string } {
  let sessdata = '';
  let biliJct = '';
  let dedeUserId = '';
  for (const part of url.split('?')[1]!.split('&')) {
    if (part.slice(0, 8) === 'SESSDATA') sessdata = part.slice(9);
    if (part.slice(0, 8) === 'bili_jct') biliJct = part.slice(9);
    if (part.slice(0, 11).toUpperCase() === 'DEDEUSERID=') dedeUserId = part.slice(11);
  }
  return {
    SESSDATA: sessdata.includes('%') ? sessdata : pyQuote(sessdata),
    bili_jct: biliJct,
    DedeUserID: dedeUserId,
  };
}

/** The cookies a JS client builds with URLSearchParams (which decodes the query). */
export function searchParamsCookies(url: string): {
  SESSDATA: string;
  bili_jct: string;
  DedeUserID: string;
  DedeUserID__ckMd5: string;
} {
  const q = new URL(url).searchParams;
  return {
    SESSDATA: q.get('SESSDATA')!,
    bili_jct: q.get('bili_jct')!,
    DedeUserID: q.get('DedeUserID')!,
    DedeUserID__ckMd5: q.get('DedeUserID__ckMd5')!,
  };
}

/** A web QR login from cold, approved by `uname`; the poll's raw JSON text and response. */
export async function qrLogin(
  s: TestServer,
  uname: string,
): Promise<{ tv: BiliClient; text: string; response: Response; data: QrPollData }> {
  const tv = s.anonymous();
  const key = (await tv.qrGenerate()).data!.qrcode_key;
  expect(await s.anonymous().qrConfirm(key, uname, 'secret-pass')).toMatchObject({ code: 0 });
  const response = await fetch(`${s.url}/x/passport-login/web/qrcode/poll?qrcode_key=${key}`);
  const text = await response.text();
  const body = JSON.parse(text) as { code: number; data: QrPollData };
  expect(body.code).toBe(0);
  return { tv, text, response, data: body.data };
}
