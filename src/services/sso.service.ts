import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  errors as joseErrors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { cleanExternalName, SIGN_MAX } from '../domain/account-rules.ts';
import { BiliError } from '../errors.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { randomAlnum, sha256 } from './crypto.ts';
import { USERS_VERSION_KEY } from './member-cache.ts';
import type { IssuedWebSession, SessionService } from './session.service.ts';

export interface SsoOptions {
  issuer: string;
  audience: string;
  secret: string;
  publicKeyFile: string;
  jwksFile: string;
}

/** Why a token was refused: shown on the /sso error page and in the header mode's `x-replay-sso-error`. */
export type SsoFailure =
  | 'off'
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_claim'
  | 'bad_signature'
  | 'unknown_key'
  | 'wrong_algorithm'
  | 'banned';

export const SSO_FAILURE_TEXT: Record<SsoFailure, string> = {
  off: 'Single sign-on is not configured on this site.',
  missing: 'No sign-on token was given.',
  malformed: 'The sign-on token is not a well-formed signed JWT.',
  expired: 'The sign-on token has expired. Go back to the site you came from and try again.',
  not_yet_valid: 'The sign-on token is not valid yet (check the clocks of both servers).',
  wrong_issuer: 'The sign-on token was issued by a site this server does not trust (iss).',
  wrong_audience: 'The sign-on token is meant for another service (aud).',
  missing_claim: 'The sign-on token lacks a required claim (sub and exp are required).',
  bad_signature: 'The signature of the sign-on token is not valid.',
  unknown_key: 'The sign-on token is signed with a key this server does not know (kid).',
  wrong_algorithm: 'The sign-on token uses a signing algorithm this server does not accept.',
  banned: 'This account is banned.',
};

interface KeySource {
  key: Uint8Array | CryptoKey | JWTVerifyGetKey;
  algorithms: string[];
}

interface HeaderSession {
  mid: number;
  session: IssuedWebSession;
}

/** Claims a host site may send, besides `sub`: display name, avatar URL, signature. */
interface Claims extends JWTPayload {
  name?: unknown;
  picture?: unknown;
  avatar?: unknown;
  sign?: unknown;
}

/**
 * Single sign-on from a host site (docs/sso.md): a JWT signed by a trusted issuer names the user; the
 * Replay account mapped to (issuer, sub) is created or updated from its claims and gets a web session.
 */
export class SsoService {
  /** Header mode: a proxy sends the same token with every request, so one session serves them all. */
  private readonly headerSessions = new LRUCache<string, HeaderSession>({ max: 10_000 });

  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessions: SessionService,
    private readonly options: SsoOptions,
    private readonly source: KeySource | null,
    private readonly onUserChanged: (mid: number) => void,
  ) {}

  /** Reads the configured key once; a key that cannot be used stops the start with its setting's name. */
  static async create(
    store: Store,
    clock: Clock,
    sessions: SessionService,
    options: SsoOptions,
    onUserChanged: (mid: number) => void = () => undefined,
  ): Promise<SsoService> {
    return new SsoService(store, clock, sessions, options, await loadKey(options), onUserChanged);
  }

  get enabled(): boolean {
    return this.source !== null;
  }

  /** Verifies a token and creates or updates the user it names; throws BiliError(-101 | -102, …, {reason}). */
  async signIn(token: string): Promise<UserRow> {
    return (await this.signInWithClaims(token)).user;
  }

  private async signInWithClaims(token: string): Promise<{ user: UserRow; claims: Claims }> {
    const claims = await this.verify(token);
    const user = await this.provision(claims);
    if (user.banned) throw failure('banned', -102);
    return { user, claims };
  }

  /**
   * Header mode: the web session for the token a trusted proxy sent; the same one while the token is the
   * same and its session lives. `fresh` when it was just issued (the cookies should be set).
   */
  async headerSession(token: string): Promise<{ session: IssuedWebSession; fresh: boolean }> {
    const key = sha256(token);
    const cached = this.headerSessions.get(key);
    if (cached) {
      const live = await this.sessions.resolve(cached.session.cookies.SESSDATA, 'cookie');
      if (live && live.mid === cached.mid) return { session: cached.session, fresh: false };
    }
    const { user, claims } = await this.signInWithClaims(token);
    const session = await this.sessions.issueWeb(user.mid);
    const exp = claims.exp ?? 0;
    const ttl = Math.max(1000, (exp - nowSeconds(this.clock)) * 1000);
    this.headerSessions.set(key, { mid: user.mid, session }, { ttl });
    return { session, fresh: true };
  }

  private async verify(token: string): Promise<Claims> {
    if (!this.source) throw failure('off');
    if (token === '') throw failure('missing');
    try {
      const { payload } = await jwtVerify<Claims>(token, this.source.key as Uint8Array, {
        issuer: this.options.issuer,
        ...(this.options.audience ? { audience: this.options.audience } : {}),
        algorithms: this.source.algorithms,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.clock.nowMs()),
        clockTolerance: 30,
      });
      if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) {
        throw failure('missing_claim');
      }
      return payload;
    } catch (error) {
      if (error instanceof BiliError) throw error;
      throw failure(reasonOf(error));
    }
  }

  private async provision(claims: Claims): Promise<UserRow> {
    const issuer = this.options.issuer;
    const subject = claims.sub!;
    const wanted = cleanExternalName(typeof claims.name === 'string' ? claims.name : '');
    const picture = [claims.picture, claims.avatar].find(isHttpUrl);
    const sign = typeof claims.sign === 'string' ? oneLine(claims.sign) : undefined;
    const now = nowSeconds(this.clock);
    const user = await this.store.transactionRetryingUnique(async (tx) => {
      const known = await tx.accounts.findExternalMid(issuer, subject);
      if (known !== undefined) {
        const row = await tx.users.findByMid(known);
        if (row && !row.deleted) {
          const patch: { uname?: string; face?: string; sign?: string } = {};
          if (wanted && wanted !== row.uname && !(await tx.users.findByUname(wanted))) patch.uname = wanted;
          if (picture !== undefined && picture !== row.face) patch.face = picture;
          if (sign !== undefined && sign !== row.sign) patch.sign = sign;
          await tx.accounts.touchExternal(issuer, subject, now);
          if (Object.keys(patch).length === 0) return row;
          await tx.changeVersions.bump(USERS_VERSION_KEY);
          return (await tx.users.update(known, { ...patch, updated_at: now }))!;
        }
      }
      const base = wanted || `user_${sha256(`${issuer}\n${subject}`).slice(0, 8)}`;
      let uname = base;
      for (let attempt = 0; await tx.users.findByUname(uname); attempt++) {
        if (attempt >= 5) throw new BiliError(-652, 'no free name for this account');
        uname = `${[...base].slice(0, 11).join('')}_${randomAlnum(4)}`;
      }
      const created = await tx.users.insert({
        uname,
        password_hash: null,
        sex: '保密',
        sign: sign ?? '',
        face: picture ?? '',
        level: 0,
        vip_type: 0,
        vip_due_date: 0,
        official_type: -1,
        official_desc: '',
        banned: 0,
        created_at: now,
        updated_at: now,
      });
      await tx.accounts.insertExternal(issuer, subject, created.mid, now);
      return created;
    });
    this.onUserChanged(user.mid);
    return user;
  }
}

async function loadKey(options: SsoOptions): Promise<KeySource | null> {
  const given = [options.secret, options.publicKeyFile, options.jwksFile].filter((v) => v !== '');
  if (given.length === 0) {
    if (options.issuer) {
      throw new Error(
        'invalid setting REPLAY_SSO_ISSUER: set REPLAY_SSO_SECRET, REPLAY_SSO_PUBLIC_KEY_FILE or REPLAY_SSO_JWKS_FILE too',
      );
    }
    return null;
  }
  if (!options.issuer)
    throw new Error('invalid setting REPLAY_SSO_ISSUER: required when a sign-on key is set');
  if (given.length > 1) {
    throw new Error(
      'invalid setting REPLAY_SSO_SECRET / REPLAY_SSO_PUBLIC_KEY_FILE / REPLAY_SSO_JWKS_FILE: set only one',
    );
  }
  if (options.secret) return { key: new TextEncoder().encode(options.secret), algorithms: ['HS256'] };
  if (options.publicKeyFile) {
    const pem = readFileSync(options.publicKeyFile, 'utf8');
    let alg: string;
    try {
      const type = createPublicKey(pem).asymmetricKeyType;
      if (type === 'rsa') alg = 'RS256';
      else if (type === 'ec') alg = 'ES256';
      else throw new Error(`a ${type ?? 'unknown'} key`);
      return { key: await importSPKI(pem, alg), algorithms: [alg] };
    } catch (error) {
      throw new Error(
        `invalid setting REPLAY_SSO_PUBLIC_KEY_FILE: expected a PEM RSA or P-256 public key (${String(error)})`,
        { cause: error },
      );
    }
  }
  try {
    const jwks = JSON.parse(readFileSync(options.jwksFile, 'utf8')) as Parameters<
      typeof createLocalJWKSet
    >[0];
    return { key: createLocalJWKSet(jwks), algorithms: ['RS256', 'ES256'] };
  } catch (error) {
    throw new Error(`invalid setting REPLAY_SSO_JWKS_FILE: not a JWKS document (${String(error)})`, {
      cause: error,
    });
  }
}

function failure(reason: SsoFailure, code: -101 | -102 = -101): BiliError {
  return new BiliError(code, SSO_FAILURE_TEXT[reason], { reason });
}

function reasonOf(error: unknown): SsoFailure {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not_yet_valid';
    return error.reason === 'missing' ? 'missing_claim' : 'malformed';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return 'unknown_key';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return 'wrong_algorithm';
  }
  return 'malformed';
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function oneLine(sign: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return [...sign.replace(/[\u0000-\u001f\u007f]/g, ' ')].slice(0, SIGN_MAX).join('');
}
