import { createHash, randomBytes, randomInt } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { BiliError } from '../errors.ts';
import type { SessionRow } from '../store/repositories/session.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { randomAlnum, randomHex, sha256 } from './crypto.ts';

/** Web cookies and APP tokens both last 180 days, as Bilibili's do. */
export const SESSION_LIFETIME_SECONDS = 180 * 24 * 3600;

/** How long the refresh_csrf of a correspond page stays usable by cookie/refresh. */
export const REFRESH_CSRF_LIFETIME_SECONDS = 600;

export interface Identity {
  mode: 'cookie' | 'app';
  mid: number;
  user: UserRow;
  session: SessionRow;
  /** The token as the client sent it (SESSDATA or access_key), needed to end the session. */
  token: string;
}

export interface WebCookies {
  /** As it goes into `Set-Cookie` and a `Cookie:` header: `,` and `*` percent-encoded once (`%2C`, `%2A`). */
  SESSDATA: string;
  bili_jct: string;
  DedeUserID: string;
  DedeUserID__ckMd5: string;
  sid: string;
}

export interface IssuedWebSession {
  cookies: WebCookies;
  /** SESSDATA as Bilibili writes it in the login `data.url`: commas and `*` raw. */
  sessdataRaw: string;
  refreshToken: string;
  expiresAt: number;
  /** When it was issued, Unix ms: the login answer's `timestamp`; `expiresAt` is 180 days after it. */
  issuedAtMs: number;
}

export interface SessionServiceOptions {
  /** `cookie/info` answers `refresh: true` for web sessions at least this old (seconds); 0 = never. */
  refreshAfterSeconds?: number;
}

/** A cached identity is handed to every request that sends the same token (never mutated). */
type CachedLookup = Identity | 'none';

export class SessionService {
  /**
   * Keyed by the token as sent, so a hit costs no hash and no allocation; null when caching is off (TTL 0).
   * Spellings of one SESSDATA (raw, encoded once) are separate entries of the same session.
   */
  private readonly cache: LRUCache<string, CachedLookup> | null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    cacheTtlMs: number,
    private readonly options: SessionServiceOptions = {},
  ) {
    // Auth runs on every request (the heartbeat every 15 s per viewer); a short TTL keeps cluster nodes
    // consistent within seconds while sparing the database almost every lookup.
    this.cache = cacheTtlMs > 0 ? new LRUCache<string, CachedLookup>({ max: 50_000, ttl: cacheTtlMs }) : null;
  }

  async issueWeb(mid: number): Promise<IssuedWebSession> {
    const { issued, row } = this.mintWeb(mid);
    await this.store.sessions.insert(row);
    return issued;
  }

  async issueApp(mid: number): Promise<{ accessKey: string; refreshToken: string; expiresIn: number }> {
    const now = nowSeconds(this.clock);
    const accessKey = randomHex(16);
    const refreshToken = randomHex(16);
    await this.store.sessions.insert({
      token_hash: tokenHash(accessKey),
      kind: 'app',
      mid,
      csrf: '',
      sid: '',
      refresh_token_hash: sha256(refreshToken),
      created_at: now,
      expires_at: now + SESSION_LIFETIME_SECONDS,
    });
    return { accessKey, refreshToken, expiresIn: SESSION_LIFETIME_SECONDS };
  }

  /** Identity behind a SESSDATA cookie or an access_key; null when unknown, expired or of the other kind. */
  async resolve(token: string, mode: 'cookie' | 'app'): Promise<Identity | null> {
    const cached = this.cached(token, mode);
    if (cached !== undefined) return cached;
    const row = await this.store.sessions.findActive(tokenHash(token), nowSeconds(this.clock));
    const found: CachedLookup = row
      ? {
          mode: row.session.kind === 'web' ? 'cookie' : 'app',
          mid: row.user.mid,
          user: row.user,
          session: row.session,
          token,
        }
      : 'none';
    this.cache?.set(token, found);
    return this.valid(found, mode);
  }

  /**
   * `resolve` answered from this node's cache without a promise (the auth hook's fast path): undefined
   * when the token is not cached.
   */
  cached(token: string, mode: 'cookie' | 'app'): Identity | null | undefined {
    if (!token || token.length > 512) return null;
    const found = this.cache?.get(token);
    return found === undefined ? undefined : this.valid(found, mode);
  }

  private valid(found: CachedLookup, mode: 'cookie' | 'app'): Identity | null {
    if (found === 'none') return null;
    if (found.session.expires_at <= nowSeconds(this.clock)) return null;
    return found.mode === mode ? found : null;
  }

  /**
   * `cookie/info`: whether this web session should be refreshed. True when an operator flagged the user or
   * the session is older than the configured age; never for a session already refreshed (its refresh
   * token is spent and only confirm/refresh is left).
   */
  async cookieInfo(identity: Identity): Promise<{ refresh: boolean; timestamp: number }> {
    const nowMs = this.clock.nowMs();
    const now = Math.floor(nowMs / 1000);
    const row = await this.store.sessions.findLive(identity.session.token_hash, now);
    if (!row || row.kind !== 'web') throw new BiliError(-101);
    const after = this.options.refreshAfterSeconds ?? 0;
    const refresh =
      row.superseded_by === null &&
      ((after > 0 && row.created_at + after <= now) || (await this.store.sessions.isRefreshForced(row.mid)));
    return { refresh, timestamp: nowMs };
  }

  /**
   * The correspond page: a new refresh_csrf bound to this session (replacing any earlier one), valid for
   * REFRESH_CSRF_LIFETIME_SECONDS. Only its hash is stored.
   */
  async issueRefreshCsrf(identity: Identity): Promise<string> {
    const refreshCsrf = randomHex(16);
    const now = nowSeconds(this.clock);
    await this.store.sessions.setRefreshCsrf(
      identity.session.token_hash,
      sha256(refreshCsrf),
      now + REFRESH_CSRF_LIFETIME_SECONDS,
    );
    return refreshCsrf;
  }

  /**
   * `cookie/refresh`: a new web session for the same user, its cookies and refresh token. The old session
   * keeps working until confirm/refresh (as on Bilibili), but its refresh token is spent. 86095 when the
   * refresh_csrf is not the live one of this session or the refresh token is not this session's.
   */
  async refreshWeb(identity: Identity, refreshCsrf: string, refreshToken: string): Promise<IssuedWebSession> {
    const now = nowSeconds(this.clock);
    const old = await this.store.sessions.findLive(identity.session.token_hash, now);
    if (!old || old.kind !== 'web') throw new BiliError(-101);
    const expected = { refreshTokenHash: sha256(refreshToken), refreshCsrfHash: sha256(refreshCsrf), now };
    if (
      old.superseded_by !== null ||
      old.refresh_token_hash !== expected.refreshTokenHash ||
      old.refresh_csrf_hash !== expected.refreshCsrfHash ||
      (old.refresh_csrf_expires_at ?? 0) <= now
    ) {
      throw new BiliError(86095);
    }
    const { issued, row } = this.mintWeb(old.mid);
    const won = await this.store.transaction(async (tx) => {
      if (!(await tx.sessions.supersede(old.token_hash, row.token_hash, expected))) return false;
      await tx.sessions.insert(row);
      // The operator's flag asked for one refresh; it is done.
      await tx.sessions.setRefreshForced(old.mid, false, now);
      return true;
    });
    if (!won) throw new BiliError(86095);
    this.forgetSession(old.token_hash);
    return issued;
  }

  /**
   * `confirm/refresh`, called with the NEW session's cookies and the OLD refresh token: ends the session
   * the refresh replaced. -400 when this session replaced none, or not the one that token belongs to.
   */
  async confirmRefresh(identity: Identity, oldRefreshToken: string): Promise<void> {
    const old = await this.store.sessions.findSupersededBy(identity.session.token_hash);
    if (!old || old.refresh_token_hash !== sha256(oldRefreshToken)) {
      throw new BiliError(-400, 'refresh_token 与本次刷新不匹配');
    }
    await this.store.sessions.delete(old.token_hash);
    this.forgetSession(old.token_hash);
  }

  /** An operator's switch: `cookie/info` answers `refresh: true` for the user's web sessions until one refreshes. */
  async setRefreshForced(mid: number, forced: boolean): Promise<void> {
    await this.store.sessions.setRefreshForced(mid, forced, nowSeconds(this.clock));
  }

  isRefreshForced(mid: number): Promise<boolean> {
    return this.store.sessions.isRefreshForced(mid);
  }

  /** A new web session's cookies and row, not yet stored. */
  private mintWeb(mid: number) {
    const issuedAtMs = this.clock.nowMs();
    const now = Math.floor(issuedAtMs / 1000);
    const expiresAt = now + SESSION_LIFETIME_SECONDS;
    const sessdataRaw = mintSessdata(expiresAt);
    const cookies: WebCookies = {
      SESSDATA: encodeSessdata(sessdataRaw),
      bili_jct: randomHex(16),
      DedeUserID: String(mid),
      DedeUserID__ckMd5: dedeUserIdCheck(mid),
      sid: randomAlnum(8),
    };
    const refreshToken = randomHex(16);
    const row = {
      token_hash: tokenHash(sessdataRaw),
      kind: 'web' as const,
      mid,
      csrf: cookies.bili_jct,
      sid: cookies.sid,
      refresh_token_hash: sha256(refreshToken),
      created_at: now,
      expires_at: expiresAt,
    };
    const issued: IssuedWebSession = { cookies, sessdataRaw, refreshToken, expiresAt, issuedAtMs };
    return { issued, row };
  }

  async end(token: string): Promise<void> {
    const hash = tokenHash(token);
    await this.store.sessions.delete(hash);
    this.forgetSession(hash);
  }

  /** Drops this node's cached lookups of one session, under every spelling of its token. */
  private forgetSession(hash: string): void {
    if (!this.cache) return;
    for (const [token, value] of this.cache.entries()) {
      if (value !== 'none' && value.session.token_hash === hash) this.cache.delete(token);
    }
  }

  /** Drops every cached lookup of this node (a toolkit reset or restore replaced the sessions). */
  forgetAll(): void {
    this.cache?.clear();
  }

  /** Drops this node's cached lookups of one user after a ban or profile change. */
  forgetUser(mid: number): void {
    if (!this.cache) return;
    for (const [token, value] of this.cache.entries()) {
      if (value !== 'none' && value.user.mid === mid) this.cache.delete(token);
    }
  }
}

/**
 * Bilibili does not document how DedeUserID__ckMd5 is derived; legacy endpoints only check that it is
 * present. Replay uses the first 16 hex digits of md5(mid).
 */
export function dedeUserIdCheck(mid: number): string {
  return createHash('md5').update(String(mid)).digest('hex').slice(0, 16);
}

/**
 * Bilibili's SESSDATA shape: `<8 hex>,<expiry, Unix s>,<5 hex>*<2 digits><base64url blob>`. Clients that
 * read the expiry from the second field find the real one; the blob is random and URL-safe.
 */
function mintSessdata(expiresAt: number): string {
  const tag = `${randomInt(10)}${randomInt(10)}`;
  return `${randomHex(4)},${expiresAt},${randomHex(3).slice(0, 5)}*${tag}${randomBytes(48).toString('base64url')}`;
}

/** The cookie form of a SESSDATA, as Bilibili's `Set-Cookie` writes it: `,` → `%2C`, `*` → `%2A`. */
export function encodeSessdata(raw: string): string {
  return raw.replaceAll(',', '%2C').replaceAll('*', '%2A');
}

/**
 * SESSDATA contains `,` and `*`: browsers and clients that took it from `Set-Cookie` send it encoded once
 * (`%2C`, `%2A`), clients that took it from the login `data.url` may send it raw, and a client that
 * quoted an already-encoded copy sends it twice encoded (the cookie parser removes one layer). All name
 * the same session, so the stored hash is of the decoded form.
 */
export function tokenHash(token: string): string {
  let normal = token;
  if (token.includes('%')) {
    try {
      normal = decodeURIComponent(token);
    } catch {
      normal = token;
    }
  }
  return sha256(normal);
}
