import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SessionRow } from '../store/repositories/session.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { randomAlnum, randomHex, sha256 } from './crypto.ts';

/** Web cookies and APP tokens both last 180 days, as Bilibili's do. */
export const SESSION_LIFETIME_SECONDS = 180 * 24 * 3600;

export interface Identity {
  mode: 'cookie' | 'app';
  mid: number;
  user: UserRow;
  session: SessionRow;
  /** The token as the client sent it (SESSDATA or access_key), needed to end the session. */
  token: string;
}

export interface WebCookies {
  SESSDATA: string;
  bili_jct: string;
  DedeUserID: string;
  DedeUserID__ckMd5: string;
  sid: string;
}

export interface IssuedWebSession {
  cookies: WebCookies;
  refreshToken: string;
  expiresAt: number;
}

type CachedLookup = { session: SessionRow; user: UserRow } | 'none';

export class SessionService {
  /** null when caching is off (TTL 0). */
  private readonly cache: LRUCache<string, CachedLookup> | null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    cacheTtlMs: number,
  ) {
    // Auth runs on every request (the heartbeat every 15 s per viewer); a short TTL keeps cluster nodes
    // consistent within seconds while sparing the database almost every lookup.
    this.cache = cacheTtlMs > 0 ? new LRUCache<string, CachedLookup>({ max: 50_000, ttl: cacheTtlMs }) : null;
  }

  async issueWeb(mid: number): Promise<IssuedWebSession> {
    const now = nowSeconds(this.clock);
    const expiresAt = now + SESSION_LIFETIME_SECONDS;
    // Shaped like Bilibili's SESSDATA (`<hex>,<expiry>,<tag>` URL-encoded); clients treat it as opaque.
    const sessdata = `${randomHex(16)}%2C${expiresAt}%2C${randomHex(3).slice(0, 5)}*${randomHex(1)}`;
    const cookies: WebCookies = {
      SESSDATA: sessdata,
      bili_jct: randomHex(16),
      DedeUserID: String(mid),
      DedeUserID__ckMd5: dedeUserIdCheck(mid),
      sid: randomAlnum(8),
    };
    const refreshToken = randomHex(16);
    await this.store.sessions.insert({
      token_hash: tokenHash(sessdata),
      kind: 'web',
      mid,
      csrf: cookies.bili_jct,
      sid: cookies.sid,
      refresh_token_hash: sha256(refreshToken),
      created_at: now,
      expires_at: expiresAt,
    });
    return { cookies, refreshToken, expiresAt };
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
    if (!token || token.length > 512) return null;
    const hash = tokenHash(token);
    let found = this.cache?.get(hash);
    if (found === undefined) {
      found = (await this.store.sessions.findActive(hash, nowSeconds(this.clock))) ?? 'none';
      this.cache?.set(hash, found);
    }
    if (found === 'none') return null;
    if (found.session.expires_at <= nowSeconds(this.clock)) return null;
    if (found.session.kind !== (mode === 'cookie' ? 'web' : 'app')) return null;
    return { mode, mid: found.user.mid, user: found.user, session: found.session, token };
  }

  async end(token: string): Promise<void> {
    const hash = tokenHash(token);
    await this.store.sessions.delete(hash);
    this.cache?.delete(hash);
  }

  /** Drops this node's cached lookups of one user after a ban or profile change. */
  forgetUser(mid: number): void {
    if (!this.cache) return;
    for (const [hash, value] of this.cache.entries()) {
      if (value !== 'none' && value.user.mid === mid) this.cache.delete(hash);
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
 * SESSDATA contains `%2C`; some clients send it as issued, others URL-decoded (`,`). Both forms name the
 * same session, so the stored hash is of the decoded form.
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
