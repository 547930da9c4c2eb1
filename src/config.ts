import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';

/**
 * Runtime configuration: flags override environment variables, which override defaults. Every value is
 * checked here so a bad setting stops the process at start with the setting's name, never later.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A file path (SQLite) or a postgres:// URL. */
  readonly db: string;
  readonly adminToken: string;
  /** True when no token was configured and one was generated for this run (it is printed at start). */
  readonly adminTokenGenerated: boolean;
  /** Absolute base URL used in links Replay hands out (QR login url, avatars, wbi_img). */
  readonly publicUrl: string;
  readonly demo: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimit: number;
  /** How long a resolved session stays cached in process memory; logout clears it at once on this node. */
  readonly sessionCacheTtlMs: number;
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL survives a killed process. */
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** A file of sensitive words (one per line) added to the list at start; '' for none. */
  readonly sensitiveWordsFile: string;
  /** Comments one user may post in `commentBurstSeconds` (-509 beyond); 0 = unlimited. */
  readonly commentBurstLimit: number;
  readonly commentBurstSeconds: number;
  /** Comments one user may post per hour; 0 = unlimited. */
  readonly commentHourlyLimit: number;
  /** Reports one user may file per minute (12019 beyond); 0 = unlimited. */
  readonly reportPerMinuteLimit: number;
  /** Same author, text, area and parent within this many seconds → 12051; 0 = off. */
  readonly duplicateWindowSeconds: number;
  /** Group commit of heartbeats, progress reports and (SQLite) comment adds: most writes in one transaction. */
  readonly batchMaxSize: number;
  /** How long a gathered batch may wait for the previous one still being written, ms (0: never). */
  readonly batchMaxWaitMs: number;
  /** A client must finish sending its request headers within this time (slow-client protection). */
  readonly headersTimeoutMs: number;
  /** A client must finish sending its whole request within this time. */
  readonly requestTimeoutMs: number;
  /** Open connections beyond this are refused at accept time. */
  readonly maxConnections: number;
  /**
   * Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For / -Proto / -Host are
   * believed; '' believes none, so a client cannot pick its own address for the per-address limits.
   */
  readonly trustProxy: string;
}

export type ConfigInput = Partial<Record<keyof Config, string | number | boolean | undefined>>;

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const ENV_NAMES: Record<keyof Config, string> = {
  port: 'REPLAY_PORT',
  host: 'REPLAY_HOST',
  db: 'REPLAY_DB',
  adminToken: 'REPLAY_ADMIN_TOKEN',
  adminTokenGenerated: '',
  publicUrl: 'REPLAY_PUBLIC_URL',
  demo: 'REPLAY_DEMO',
  logLevel: 'REPLAY_LOG_LEVEL',
  bodyLimit: 'REPLAY_BODY_LIMIT',
  sessionCacheTtlMs: 'REPLAY_SESSION_CACHE_TTL_MS',
  sqliteSynchronous: 'REPLAY_SQLITE_SYNCHRONOUS',
  sensitiveWordsFile: 'REPLAY_SENSITIVE_WORDS_FILE',
  commentBurstLimit: 'REPLAY_COMMENT_RATE_LIMIT_BURST',
  commentBurstSeconds: 'REPLAY_COMMENT_RATE_LIMIT_BURST_SECONDS',
  commentHourlyLimit: 'REPLAY_COMMENT_RATE_LIMIT_HOURLY',
  reportPerMinuteLimit: 'REPLAY_REPORT_RATE_LIMIT_PER_MINUTE',
  duplicateWindowSeconds: 'REPLAY_DUPLICATE_WINDOW_SECONDS',
  batchMaxSize: 'REPLAY_BATCH_MAX_SIZE',
  batchMaxWaitMs: 'REPLAY_BATCH_MAX_WAIT_MS',
  headersTimeoutMs: 'REPLAY_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'REPLAY_REQUEST_TIMEOUT_MS',
  maxConnections: 'REPLAY_MAX_CONNECTIONS',
  trustProxy: 'REPLAY_TRUST_PROXY',
};

const FLAG_NAMES: Partial<Record<keyof Config, string>> = {
  port: '--port',
  host: '--host',
  db: '--db',
  demo: '--no-demo',
};

/** Builds the configuration from explicit values (flags, tests) and the environment. */
export function loadConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = (key: keyof Config): string | number | boolean | undefined => {
    const given = input[key];
    if (given !== undefined) return given;
    const name = ENV_NAMES[key];
    const fromEnv = name ? env[name] : undefined;
    return fromEnv === '' ? undefined : fromEnv;
  };
  const label = (key: keyof Config): string =>
    [FLAG_NAMES[key], ENV_NAMES[key]].filter((s) => s).join(' / ') || key;

  const port = integer(raw('port') ?? 8080, label('port'), 0, 65535);
  const host = nonEmpty(raw('host') ?? '127.0.0.1', label('host'));
  const db = nonEmpty(raw('db') ?? './data/replay.db', label('db'));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db) && !/^postgres(ql)?:\/\//i.test(db)) {
    throw new ConfigError(label('db'), `expected a file path or a postgres:// URL, got "${db}"`);
  }
  const givenToken = raw('adminToken');
  if (givenToken !== undefined && String(givenToken).length < 16) {
    throw new ConfigError(label('adminToken'), 'must be at least 16 characters');
  }
  const adminToken = givenToken === undefined ? randomBytes(24).toString('base64url') : String(givenToken);
  const publicUrl = String(raw('publicUrl') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(label('publicUrl'), `not an absolute URL: "${publicUrl}"`);
  }
  const logLevel = oneOf(raw('logLevel') ?? 'info', label('logLevel'), [
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const);
  return Object.freeze({
    port,
    host,
    db,
    adminToken,
    adminTokenGenerated: givenToken === undefined,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    demo: boolean(raw('demo') ?? true, label('demo')),
    logLevel,
    bodyLimit: integer(raw('bodyLimit') ?? 256 * 1024, label('bodyLimit'), 1024, 64 * 1024 * 1024),
    sessionCacheTtlMs: integer(raw('sessionCacheTtlMs') ?? 5000, label('sessionCacheTtlMs'), 0, 3_600_000),
    batchMaxSize: integer(raw('batchMaxSize') ?? 256, label('batchMaxSize'), 1, 10_000),
    batchMaxWaitMs: integer(raw('batchMaxWaitMs') ?? 2, label('batchMaxWaitMs'), 0, 1000),
    headersTimeoutMs: integer(raw('headersTimeoutMs') ?? 10_000, label('headersTimeoutMs'), 100, 600_000),
    requestTimeoutMs: integer(raw('requestTimeoutMs') ?? 30_000, label('requestTimeoutMs'), 100, 600_000),
    maxConnections: integer(raw('maxConnections') ?? 10_000, label('maxConnections'), 1, 1_000_000),
    trustProxy: proxyList(raw('trustProxy') ?? '', label('trustProxy')),
    sqliteSynchronous: oneOf(raw('sqliteSynchronous') ?? 'FULL', label('sqliteSynchronous'), [
      'FULL',
      'NORMAL',
    ] as const),
    sensitiveWordsFile: readableFile(raw('sensitiveWordsFile') ?? '', label('sensitiveWordsFile')),
    commentBurstLimit: integer(raw('commentBurstLimit') ?? 5, label('commentBurstLimit'), 0, 1e9),
    commentBurstSeconds: integer(raw('commentBurstSeconds') ?? 10, label('commentBurstSeconds'), 1, 86400),
    commentHourlyLimit: integer(raw('commentHourlyLimit') ?? 100, label('commentHourlyLimit'), 0, 1e9),
    reportPerMinuteLimit: integer(raw('reportPerMinuteLimit') ?? 10, label('reportPerMinuteLimit'), 0, 1e9),
    duplicateWindowSeconds: integer(
      raw('duplicateWindowSeconds') ?? 300,
      label('duplicateWindowSeconds'),
      0,
      30 * 86400,
    ),
  });
}

function integer(value: string | number | boolean, setting: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(setting, `expected an integer from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

function nonEmpty(value: string | number | boolean, setting: string): string {
  const s = String(value).trim();
  if (!s) throw new ConfigError(setting, 'must not be empty');
  return s;
}

function boolean(value: string | number | boolean, setting: string): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new ConfigError(setting, `expected true or false, got "${String(value)}"`);
}

function oneOf<T extends string>(
  value: string | number | boolean,
  setting: string,
  allowed: readonly T[],
): T {
  const s = String(value);
  const found = allowed.find((a) => a.toLowerCase() === s.toLowerCase());
  if (!found) throw new ConfigError(setting, `expected one of ${allowed.join(', ')}, got "${s}"`);
  return found;
}

/** `127.0.0.1, 10.0.0.0/8, ::1` → `127.0.0.1,10.0.0.0/8,::1`; each entry an IP address or a CIDR range. */
function proxyList(value: string | number | boolean, setting: string): string {
  const entries = String(value)
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || rest.length > 0) {
      throw new ConfigError(setting, `expected IP addresses or CIDR ranges, got "${entry}"`);
    }
  }
  return entries.join(',');
}

function readableFile(value: string | number | boolean, setting: string): string {
  const path = String(value).trim();
  if (path === '') return '';
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(setting, `cannot read the file "${path}"`);
  }
  return path;
}
