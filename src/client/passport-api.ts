import type { CookieInfoData, CookieRefreshData } from '../wire/passport.schema.ts';
import type { BiliClient, RawResponse } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';

export type {
  CookieInfoData,
  CookieRefreshData,
  PasswordLoginData,
  QrGenerateData,
  QrPollData,
} from '../wire/passport.schema.ts';

/** Bilibili's public key for the correspond path (JWK of the PEM every web client embeds). */
const CORRESPOND_KEY: JsonWebKey = {
  kty: 'RSA',
  n: 'y4HdjgJHBlbaBN04VERG4qNBIFHP6a3GozCl75AihQloSWCXC5HDNgyinEnhaQ_4-gaMud_GF50elYXLlCToR9se9Z8z433U3KjM-3Yx7ptKkmQNAMggQwAVKgq3zYAoidNEWuxpkY_mAitTSRLnsJW-NCTa0bqBFF6Wm1MxgfE',
  e: 'AQAB',
  alg: 'RSA-OAEP-256',
  ext: true,
};

/**
 * `correspondPath` as web clients compute it: lowercase hex of RSA-OAEP (SHA-256) of `refresh_<ms>` under
 * Bilibili's public key. Uses Web Crypto, so it runs in Node and in browsers.
 */
export async function correspondPath(timestampMs: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    'jwk',
    CORRESPOND_KEY,
    { name: 'RSA-OAEP', hash: 'SHA-256' },
    false,
    ['encrypt'],
  );
  const sealed = await crypto.subtle.encrypt(
    { name: 'RSA-OAEP' },
    key,
    new TextEncoder().encode(`refresh_${timestampMs}`),
  );
  return [...new Uint8Array(sealed)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The web cookie refresh (docs/api/login-cookie-refresh.md): `client.passport.*`. */
export class PassportApi {
  constructor(private readonly client: BiliClient) {}

  /** Whether the signed-in web session should be refreshed, and the server time (ms). */
  cookieInfo(): Promise<BiliEnvelope<CookieInfoData>> {
    return this.client.get('/x/passport-login/web/cookie/info', { csrf: this.client.cookies['bili_jct'] });
  }

  /** The correspond page (HTML). `refreshCsrf` is the content of its `<div id="1-name">`, if any. */
  async correspond(path: string): Promise<RawResponse<string> & { refreshCsrf: string | undefined }> {
    const page = await this.client.raw<string>('GET', `/correspond/1/${encodeURIComponent(path)}`);
    const found = /<div id="1-name">(.+?)<\/div>/.exec(typeof page.body === 'string' ? page.body : '');
    return { ...page, refreshCsrf: found?.[1] };
  }

  /** New cookies (kept in this client) and `data.refresh_token`; the old session lives until confirmed. */
  refreshCookies(refreshCsrf: string, refreshToken: string): Promise<BiliEnvelope<CookieRefreshData>> {
    return this.client.post('/x/passport-login/web/cookie/refresh', {
      refresh_csrf: refreshCsrf,
      refresh_token: refreshToken,
      source: 'main_web',
    });
  }

  /** With the NEW cookies and the OLD refresh token: ends the session the refresh replaced. */
  confirmRefresh(oldRefreshToken: string): Promise<BiliEnvelope> {
    return this.client.post('/x/passport-login/web/confirm/refresh', { refresh_token: oldRefreshToken });
  }

  /**
   * All four steps, as the web page does them. Returns the new refresh token (keep it for the next
   * refresh); throws naming the step that failed.
   */
  async refresh(refreshToken: string): Promise<string> {
    const info = await this.cookieInfo();
    if (info.code !== 0 || !info.data) throw new Error(`cookie/info answered ${info.code} ${info.message}`);
    const page = await this.correspond(await correspondPath(info.data.timestamp));
    if (page.status !== 200 || !page.refreshCsrf) throw new Error(`correspond answered HTTP ${page.status}`);
    const refreshed = await this.refreshCookies(page.refreshCsrf, refreshToken);
    if (refreshed.code !== 0 || !refreshed.data)
      throw new Error(`cookie/refresh answered ${refreshed.code} ${refreshed.message}`);
    const confirmed = await this.confirmRefresh(refreshToken);
    if (confirmed.code !== 0)
      throw new Error(`confirm/refresh answered ${confirmed.code} ${confirmed.message}`);
    return refreshed.data.refresh_token;
  }
}
