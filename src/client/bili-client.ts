import type { BiliEnvelope, FetchLike, Params } from './http.ts';
import { absorbSetCookies, cookieHeader, parseCookieHeader, toSearchParams } from './http.ts';
import { AccountApi } from './account-api.ts';
import { AccountSelfApi } from './account-self-api.ts';
import { DeviceApi } from './device-api.ts';
import { EmoteApi } from './emote-api.ts';
import { HistoryApi } from './history-api.ts';
import { LoginApi } from './login-api.ts';
import { MessageFeedApi } from './message-feed-api.ts';
import { NotifyApi } from './notify-api.ts';
import { PlayerApi } from './player-api.ts';
import { PassportApi } from './passport-api.ts';
import { ReplyApi } from './reply-api.ts';
import { ToviewApi } from './toview-api.ts';
import { VideoApi } from './video-api.ts';
import type {
  NavData,
  NavLoggedOut,
  QrGenerateData,
  QrPollData,
  PasswordLoginData,
  LogoutResponse,
} from './types.ts';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080, or https://api.bilibili.com for the real service. */
  baseUrl: string;
  /** Login cookies, as a map or a `Cookie:` header value. */
  cookies?: Record<string, string> | string;
  /** APP token; when set, requests authenticate with `access_key` instead of cookies. */
  accessKey?: string;
  fetch?: FetchLike;
  /** Extra headers on every request (a User-Agent, say). */
  headers?: Record<string, string>;
}

export interface RawResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Typed client of the Bilibili API as Replay serves it. Works against the real service as well: paths and
 * parameters are the contract's. Cookies set by responses (login) are kept, like a browser would.
 */
export class BiliClient {
  readonly account = new AccountApi(this);
  readonly accountSelf = new AccountSelfApi(this);
  readonly device = new DeviceApi(this);
  readonly emote = new EmoteApi(this);
  readonly history = new HistoryApi(this);
  readonly login = new LoginApi(this);
  readonly msgfeed = new MessageFeedApi(this);
  readonly notify = new NotifyApi(this);
  readonly player = new PlayerApi(this);
  readonly passport = new PassportApi(this);
  readonly reply = new ReplyApi(this);
  readonly toview = new ToviewApi(this);
  readonly video = new VideoApi(this);
  readonly baseUrl: string;
  readonly cookies: Record<string, string>;
  accessKey: string | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.cookies =
      typeof options.cookies === 'string'
        ? parseCookieHeader(options.cookies)
        : { ...(options.cookies ?? {}) };
    this.accessKey = options.accessKey;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.headers = options.headers ?? {};
  }

  /** GET with query parameters; `access_key` is added in APP mode. */
  async get<T>(path: string, params: Params = {}): Promise<T> {
    return (await this.raw<T>('GET', path, params)).body;
  }

  /** POST with a form body; `csrf` is filled from `bili_jct` in Cookie mode unless given. */
  async post<T>(path: string, params: Params = {}): Promise<T> {
    return (await this.raw<T>('POST', path, params)).body;
  }

  /**
   * With `body` (POST), `params` go in the URL instead of a form: `body.json` is then sent as an
   * `application/json` body (ExClimbWuzhi), or there is no body at all (GenWebTicket).
   */
  async raw<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Params = {},
    body?: { json?: unknown },
  ): Promise<RawResponse<T>> {
    const all: Params = { ...params };
    if (this.accessKey && all['access_key'] === undefined) all['access_key'] = this.accessKey;
    if (method === 'POST' && !this.accessKey && all['csrf'] === undefined && this.cookies['bili_jct']) {
      all['csrf'] = this.cookies['bili_jct'];
    }
    const headers: Record<string, string> = { ...this.headers };
    if (Object.keys(this.cookies).length > 0) headers['cookie'] = cookieHeader(this.cookies);
    let url = `${this.baseUrl}${path}`;
    const init: RequestInit = { method, headers, redirect: 'manual' };
    const search = toSearchParams(all);
    if (method === 'GET' || body) {
      const qs = search.toString();
      if (qs) url += (url.includes('?') ? '&' : '?') + qs;
      if (body?.json !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(body.json);
      }
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = search.toString();
    }
    const response = await this.fetchImpl(url, init);
    absorbSetCookies(this.cookies, response);
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  // --- login state (CONTRACT.md §10) ---

  nav(): Promise<BiliEnvelope<NavData | NavLoggedOut>> {
    return this.get('/x/web-interface/nav');
  }

  qrGenerate(): Promise<BiliEnvelope<QrGenerateData>> {
    return this.get('/x/passport-login/web/qrcode/generate');
  }

  /** On success (`data.code === 0`) the login cookies are stored in this client. */
  qrPoll(qrcodeKey: string): Promise<BiliEnvelope<QrPollData>> {
    return this.get('/x/passport-login/web/qrcode/poll', { qrcode_key: qrcodeKey });
  }

  /** Replay's approval step of a QR login (what the phone app does on Bilibili). */
  qrConfirm(qrcodeKey: string, username: string, password: string): Promise<BiliEnvelope> {
    return this.post('/x/passport-login/web/qrcode/confirm', { qrcode_key: qrcodeKey, username, password });
  }

  /** Name + password sign-in; stores the cookies on success. */
  passwordLogin(username: string, password: string): Promise<BiliEnvelope<PasswordLoginData>> {
    return this.post('/x/passport-login/web/login', { username, password });
  }

  logout(gourl?: string): Promise<LogoutResponse> {
    return this.post('/login/exit/v2', { biliCSRF: this.cookies['bili_jct'], gourl });
  }
}

export function createClient(options: ClientOptions): BiliClient {
  return new BiliClient(options);
}
