import { AdminApiError, AdminClient, BiliClient, parseCookieHeader } from 'replay/client';
import type { BiliEnvelope } from 'replay/client';
import { describeError } from './errors.ts';
import { t } from './i18n/index.ts';

/**
 * The UI reaches the server only through the typed client (src/client), exactly as any other Bilibili
 * client would: the Bilibili API with the browser's cookies, and the admin API with the admin token.
 */

let baseUrl = location.origin;
const clients = new Map<string, BiliClient>();

/** Where the API lives: this page's origin, or the Replay server an embedded comment section came from. */
export function setApiBase(url: string): void {
  baseUrl = url.replace(/\/+$/, '');
}

export function apiBase(): string {
  return baseUrl;
}

function client(kind: 'normal' | 'keepalive'): BiliClient {
  const key = `${kind} ${baseUrl}`;
  let c = clients.get(key);
  if (!c) {
    c = new BiliClient({
      baseUrl,
      // A report sent as the page goes away must outlive the page.
      fetch:
        kind === 'keepalive'
          ? (input, init) => fetch(input, { ...init, credentials: 'include', keepalive: true })
          : (input, init) => fetch(input, { ...init, credentials: 'include' }),
    });
    clients.set(key, c);
  }
  // The browser owns the cookies (SESSDATA is HttpOnly and never seen here); the client's jar mirrors the
  // readable ones so that it fills `csrf` from `bili_jct` as the contract asks.
  const jar = c.cookies;
  for (const name of Object.keys(jar)) delete jar[name];
  const readable = parseCookieHeader(document.cookie);
  if (readable['bili_jct']) jar['bili_jct'] = readable['bili_jct'];
  return c;
}

/** The Bilibili API client, in Cookie mode with this browser's session. */
export function bili(): BiliClient {
  return client('normal');
}

/** Same, for requests that must complete even if the page is being closed (the leave report). */
export function biliKeepalive(): BiliClient {
  return client('keepalive');
}

/** A failed Bilibili call: the envelope's code and message, plus the UI's words for it. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly serverMessage: string,
  ) {
    super(describeError(code, serverMessage));
    this.name = 'ApiError';
  }
}

/** The `data` of a successful envelope; anything else throws ApiError. */
export function unwrap<T>(envelope: BiliEnvelope<T>): T {
  if (envelope.code !== 0) throw new ApiError(envelope.code, envelope.message);
  return envelope.data as T;
}

/** For action endpoints that answer without `data`. */
export function check(envelope: { code: number; message?: string }): void {
  if (envelope.code !== 0) throw new ApiError(envelope.code, envelope.message ?? '');
}

export interface Me {
  mid: number;
  uname: string;
  face: string;
}

let meOnce: Promise<Me | null> | null = null;

/** The signed-in user (nav), or null; asked once per page. */
export function me(): Promise<Me | null> {
  meOnce ??= bili()
    .nav()
    .then(
      (body) => {
        if (body.code !== 0 || !body.data?.isLogin) return null;
        const d = body.data;
        return { mid: d.mid, uname: d.uname, face: d.face };
      },
      () => null,
    );
  return meOnce;
}

export async function signOut(): Promise<void> {
  const out = await bili().logout(location.pathname);
  if (out.code !== 0) throw new ApiError(out.code, out.message ?? '');
  meOnce = null;
}

// --- admin API ---

const TOKEN_KEY = 'replay.adminToken';

export function adminToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setAdminToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function admin(): AdminClient {
  return new AdminClient({ baseUrl, token: adminToken() ?? '' });
}

/** The admin API's error in words. */
export function adminErrorText(error: unknown): string {
  if (error instanceof AdminApiError) {
    if (error.status === 401) return t('error.adminToken');
    return t('error.http', { message: error.body.message ?? t('error.requestFailed'), status: error.status });
  }
  return error instanceof Error ? error.message : String(error);
}

/** Any error in words, for status lines. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof AdminApiError) return adminErrorText(error);
  if (error instanceof TypeError) return t('error.offline');
  return error instanceof Error ? error.message : String(error);
}
