import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';

/**
 * Runtime configuration: flags override environment variables, which override defaults. Every value is
 * checked here so a bad setting stops the process at start with the setting's name, never later.
 *
 * Each setting is declared once, in `SETTINGS`: its environment variable, its command-line flag if it has
 * one, its default, its parser (which is also its type) and its help line. The `Config` type, the reading
 * of flags and environment, the error labels (`--port / REPLAY_PORT`) and the CLI help all come from there.
 */

type Raw = string | number | boolean;

interface Setting<T> {
  /** The environment variable that sets it. */
  readonly env: string;
  /** The `replay serve` flag that sets it, as commander spells it (`--port <port>`, `--no-demo`). */
  readonly flag?: string;
  /**
   * Used when neither a flag nor the environment gives a value; parsed like a given value. A function sees
   * the settings declared before this one. `undefined`: the parser receives `undefined`.
   */
  readonly default?: Raw | ((earlier: Readonly<Record<string, unknown>>) => Raw);
  /** Checks and converts a raw value; throws `ConfigError` naming `label`. */
  readonly parse: (value: Raw | undefined, label: string) => T;
  /** One line for `--help` and the error messages' reader: what it does and its unit. */
  readonly help: string;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const SETTINGS = {
  port: setting({
    env: 'REPLAY_PORT',
    flag: '--port <port>',
    default: 8080,
    parse: integer(0, 65535),
    help: 'port to listen on',
  }),
  host: setting({
    env: 'REPLAY_HOST',
    flag: '--host <host>',
    default: '127.0.0.1',
    parse: nonEmpty,
    help: 'address to bind',
  }),
  /** A file path (SQLite) or a postgres:// URL. */
  db: setting({
    env: 'REPLAY_DB',
    flag: '--db <target>',
    default: './data/replay.db',
    parse: database,
    help: 'SQLite file path or postgres:// URL',
  }),
  /** Generated for this run when not configured (`adminTokenGenerated`; it is printed at start). */
  adminToken: setting({
    env: 'REPLAY_ADMIN_TOKEN',
    parse: adminToken,
    help: 'bearer token of the admin API and /metrics, at least 16 characters; random per run when unset',
  }),
  /** Absolute base URL used in links Replay hands out (QR login url, avatars, wbi_img). */
  publicUrl: setting({
    env: 'REPLAY_PUBLIC_URL',
    default: ({ host, port }) =>
      `http://${String(host).includes(':') ? `[${String(host)}]` : String(host)}:${String(port)}`,
    parse: absoluteUrl,
    help: 'absolute base of the links Replay hands out; http://<host>:<port> when unset',
  }),
  demo: setting({
    env: 'REPLAY_DEMO',
    flag: '--no-demo',
    default: true,
    parse: boolean,
    help: 'load the demo fixture into an empty database',
  }),
  logLevel: setting({
    env: 'REPLAY_LOG_LEVEL',
    default: 'info',
    parse: oneOf(LOG_LEVELS),
    help: `log level: ${LOG_LEVELS.join(', ')}`,
  }),
  /** auto: one readable line per entry on a terminal, JSON lines (for a log collector) otherwise. */
  logFormat: setting({
    env: 'REPLAY_LOG_FORMAT',
    default: 'auto',
    parse: oneOf(['auto', 'pretty', 'json'] as const),
    help: 'log format: pretty (one readable line an entry), json, or auto (pretty on a terminal, else json)',
  }),
  /**
   * The client developers' toolkit (reset, snapshots, fixtures, faults, journal, virtual clock) under
   * `/admin/api/v1/toolkit`: off by default, so a leaked admin token cannot wipe a production site.
   */
  toolkit: setting({
    env: 'REPLAY_TOOLKIT',
    flag: '--toolkit',
    default: false,
    parse: boolean,
    help: 'enable the test toolkit (reset, snapshots, fixtures, faults, journal, virtual clock)',
  }),
  /**
   * A fixture (docs/toolkit.md "Fixtures") that replaces the whole state at start and is what
   * `reset {to: "fixture"}` reloads; needs the toolkit on, since it wipes the database.
   */
  fixture: setting({
    env: 'REPLAY_FIXTURE',
    flag: '--fixture <file>',
    default: '',
    parse: readableFile,
    help: 'load this fixture (YAML or JSON) at start, replacing the whole state (needs --toolkit)',
  }),
  /** Requests the toolkit's journal keeps (the oldest are dropped first). */
  toolkitJournalSize: setting({
    env: 'REPLAY_TOOLKIT_JOURNAL_SIZE',
    default: 1000,
    parse: integer(1, 1_000_000),
    help: 'requests the toolkit journal keeps',
  }),
  bodyLimit: setting({
    env: 'REPLAY_BODY_LIMIT',
    default: 256 * 1024,
    parse: integer(1024, 64 * 1024 * 1024),
    help: 'request body limit, bytes',
  }),
  /** How long a resolved session stays cached in process memory; logout clears it at once on this node. */
  sessionCacheTtlMs: setting({
    env: 'REPLAY_SESSION_CACHE_TTL_MS',
    default: 5000,
    parse: integer(0, 3_600_000),
    help: 'how long a resolved session is cached on this node, ms',
  }),
  /** `cookie/info` asks web clients to refresh sessions at least this old (seconds); 0 = only when forced. */
  cookieRefreshAfterSeconds: setting({
    env: 'REPLAY_COOKIE_REFRESH_AFTER',
    default: 0,
    parse: integer(0, 10 * 365 * 86400),
    help: 'cookie/info asks web sessions at least this old to refresh, seconds; 0 = only when forced',
  }),
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL survives a killed process. */
  sqliteSynchronous: setting({
    env: 'REPLAY_SQLITE_SYNCHRONOUS',
    default: 'FULL',
    parse: oneOf(['FULL', 'NORMAL'] as const),
    help: 'SQLite durability: FULL survives power loss, NORMAL a killed process',
  }),
  /**
   * PostgreSQL: SQL texts run as named prepared statements, parsed and planned once per connection
   * (src/store/pg-statement-names.ts); 0 = none (to rule out a generic plan). Not a way to run behind a
   * pooler that keeps no prepared statements: rate-limiter-flexible's PostgreSQL store names its own.
   */
  pgPreparedStatements: setting({
    env: 'REPLAY_PG_PREPARED_STATEMENTS',
    default: 256,
    parse: integer(0, 2_000),
    help: 'PostgreSQL: SQL texts run as prepared statements (planned once per connection); 0 = none',
  }),
  /** A file of sensitive words (one per line) added to the list at start; '' for none. */
  sensitiveWordsFile: setting({
    env: 'REPLAY_SENSITIVE_WORDS_FILE',
    default: '',
    parse: readableFile,
    help: 'a file of sensitive words, one per line, added to the list at start',
  }),
  /** Comments one user may post in `commentBurstSeconds` (-509 beyond); 0 = unlimited. */
  commentBurstLimit: setting({
    env: 'REPLAY_COMMENT_RATE_LIMIT_BURST',
    default: 5,
    parse: integer(0, 1e9),
    help: 'comments one user may post in the burst window; 0 = unlimited',
  }),
  commentBurstSeconds: setting({
    env: 'REPLAY_COMMENT_RATE_LIMIT_BURST_SECONDS',
    default: 10,
    parse: integer(1, 86400),
    help: 'the burst window, seconds',
  }),
  /** Comments one user may post per hour; 0 = unlimited. */
  commentHourlyLimit: setting({
    env: 'REPLAY_COMMENT_RATE_LIMIT_HOURLY',
    default: 100,
    parse: integer(0, 1e9),
    help: 'comments one user may post per hour; 0 = unlimited',
  }),
  /** Reports one user may file per minute (12019 beyond); 0 = unlimited. */
  reportPerMinuteLimit: setting({
    env: 'REPLAY_REPORT_RATE_LIMIT_PER_MINUTE',
    default: 10,
    parse: integer(0, 1e9),
    help: 'reports one user may file per minute; 0 = unlimited',
  }),
  /** Same author, text, area and parent within this many seconds → 12051; 0 = off. */
  duplicateWindowSeconds: setting({
    env: 'REPLAY_DUPLICATE_WINDOW_SECONDS',
    default: 300,
    parse: integer(0, 30 * 86400),
    help: 'the same comment again within this window is refused, seconds; 0 = off',
  }),
  /** Group commit of heartbeats, progress reports and (SQLite) comment adds: most writes in one transaction. */
  batchMaxSize: setting({
    env: 'REPLAY_BATCH_MAX_SIZE',
    default: 256,
    parse: integer(1, 10_000),
    help: 'writes per group-commit transaction at most',
  }),
  /** How long a gathered batch may wait for the previous one still being written, ms (0: never). */
  batchMaxWaitMs: setting({
    env: 'REPLAY_BATCH_MAX_WAIT_MS',
    default: 2,
    parse: integer(0, 1000),
    help: 'how long a gathered batch may wait for the previous one, ms',
  }),
  /** A client must finish sending its request headers within this time (slow-client protection). */
  headersTimeoutMs: setting({
    env: 'REPLAY_HEADERS_TIMEOUT_MS',
    default: 10_000,
    parse: integer(100, 600_000),
    help: 'a client must send its request headers within this time, ms',
  }),
  /** A client must finish sending its whole request within this time. */
  requestTimeoutMs: setting({
    env: 'REPLAY_REQUEST_TIMEOUT_MS',
    default: 30_000,
    parse: integer(100, 600_000),
    help: 'a client must send its whole request within this time, ms',
  }),
  /** Open connections beyond this are refused at accept time. */
  maxConnections: setting({
    env: 'REPLAY_MAX_CONNECTIONS',
    default: 10_000,
    parse: integer(1, 1_000_000),
    help: 'open connections beyond this are refused',
  }),
  /**
   * Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For / -Proto / -Host are
   * believed; '' believes none, so a client cannot pick its own address for the per-address limits.
   */
  trustProxy: setting({
    env: 'REPLAY_TRUST_PROXY',
    default: '',
    parse: proxyList,
    help: 'reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-* is believed',
  }),
  /** Who may create an account at /register (docs/api/accounts.md): anyone, invited people, or nobody. */
  signup: setting({
    env: 'REPLAY_SIGNUP',
    default: 'closed',
    parse: oneOf(['open', 'invite', 'closed'] as const),
    help: 'web sign-up: open, invite (an invite code is required) or closed',
  }),
  /**
   * Single sign-on from a host site (docs/sso.md): the `iss` its tokens must carry; '' turns /sso off. One
   * key source: a shared HS256 secret, a PEM public key (RS256/ES256) or a JWKS file.
   */
  ssoIssuer: setting({
    env: 'REPLAY_SSO_ISSUER',
    default: '',
    parse: text,
    help: "single sign-on: the issuer (iss) a host site's tokens must name; empty = off",
  }),
  ssoAudience: setting({
    env: 'REPLAY_SSO_AUDIENCE',
    default: '',
    parse: text,
    help: 'single sign-on: the audience (aud) tokens must name; empty = not checked',
  }),
  ssoSecret: setting({
    env: 'REPLAY_SSO_SECRET',
    default: '',
    parse: ssoSecret,
    help: 'single sign-on: HS256 shared secret, at least 32 characters',
  }),
  ssoPublicKeyFile: setting({
    env: 'REPLAY_SSO_PUBLIC_KEY_FILE',
    default: '',
    parse: readableFile,
    help: 'single sign-on: PEM public key (SPKI) verifying RS256 or ES256 tokens',
  }),
  ssoJwksFile: setting({
    env: 'REPLAY_SSO_JWKS_FILE',
    default: '',
    parse: readableFile,
    help: 'single sign-on: a JWKS file of the keys verifying tokens (by kid)',
  }),
  /** A reverse proxy in front of Replay sends the token in this request header; '' = header mode off. */
  ssoHeader: setting({
    env: 'REPLAY_SSO_HEADER',
    default: '',
    parse: headerName,
    help: 'single sign-on: request header in which a trusted reverse proxy sends the token; empty = off',
  }),
  /** A viewer counts as online this long after its last heartbeat (docs/api/online-and-toview.md). */
  onlineWindowSeconds: setting({
    env: 'REPLAY_ONLINE_WINDOW_SECONDS',
    default: 35,
    parse: integer(1, 3600),
    help: 'a viewer counts as online this long after its last heartbeat, seconds',
  }),
  /** Cluster mode: how often a node publishes the viewers it saw to the database, ms. */
  onlinePublishMs: setting({
    env: 'REPLAY_ONLINE_PUBLISH_MS',
    default: 3000,
    parse: integer(10, 60_000),
    help: 'how often a node publishes the viewers it saw (PostgreSQL), ms',
  }),
  /** Distinct anonymous viewers one address can add to one archive's plays per play window; 0 = no cap. */
  anonymousPlayCap: setting({
    env: 'REPLAY_ANONYMOUS_PLAY_CAP',
    default: 10,
    parse: integer(0, 1e9),
    help: 'anonymous plays one address can add to one archive per 5-minute window; 0 = no cap',
  }),
  /**
   * Watch analytics from heartbeats (docs/api/analytics.md). On by default; off stops recording new figures
   * (reads still answer with what was recorded), e.g. to measure what the analytics cost a heartbeat.
   */
  watchAnalytics: setting({
    env: 'REPLAY_WATCH_ANALYTICS',
    default: true,
    parse: boolean,
    help: 'record watch analytics from heartbeats (false = stop recording; reads keep what was recorded)',
  }),
  /** `/metrics`: the archives with the most viewers online that get their own gauge series. */
  metricsOnlineTop: setting({
    env: 'REPLAY_METRICS_ONLINE_TOP',
    default: 20,
    parse: integer(0, 1000),
    help: '/metrics: how many archives (most viewers online first) get a replay_viewers_online series',
  }),
  /** Outbound e-mail (docs/api/message-center.md): smtp:// or smtps:// URL with credentials; '' = no e-mail. */
  smtpUrl: setting({
    env: 'REPLAY_SMTP_URL',
    default: '',
    parse: smtpUrl,
    help: 'SMTP server for reply/@ e-mail (smtp://user:pass@host:587 or smtps://…); empty = no e-mail',
  }),
  smtpFrom: setting({
    env: 'REPLAY_SMTP_FROM',
    default: 'Replay <replay@localhost>',
    parse: nonEmpty,
    help: 'the From of notification e-mail',
  }),
  /** The digest limit: at most one mail per recipient per window; later items wait for the next mail. */
  mailDigestSeconds: setting({
    env: 'REPLAY_MAIL_DIGEST_SECONDS',
    default: 900,
    parse: integer(0, 7 * 86400),
    help: 'at most one notification e-mail per recipient per this many seconds',
  }),
  /** Webhooks (docs/webhooks.md): a delivery attempt gives up after this long without a response. */
  webhookTimeoutMs: setting({
    env: 'REPLAY_WEBHOOK_TIMEOUT_MS',
    default: 10_000,
    parse: integer(100, 120_000),
    help: 'webhook delivery timeout, ms',
  }),
  webhookMaxAttempts: setting({
    env: 'REPLAY_WEBHOOK_MAX_ATTEMPTS',
    default: 8,
    parse: integer(1, 50),
    help: 'attempts per webhook delivery before it is dead',
  }),
  /** Retry n waits base × 2^(n-1) (capped at an hour), so the default 8 attempts span about 20 minutes. */
  webhookBackoffMs: setting({
    env: 'REPLAY_WEBHOOK_BACKOFF_MS',
    default: 10_000,
    parse: integer(1, 3_600_000),
    help: 'first webhook retry delay, ms; doubles per attempt',
  }),
  /** How often the dispatcher looks for due work when it is idle, ms. */
  outboxPollMs: setting({
    env: 'REPLAY_OUTBOX_POLL_MS',
    default: 1000,
    parse: integer(10, 60_000),
    help: 'how often the outbox dispatcher looks for due deliveries, ms',
  }),
  /** Finished webhook deliveries, their log and processed outbox events are deleted after this long. */
  outboxRetentionDays: setting({
    env: 'REPLAY_OUTBOX_RETENTION_DAYS',
    default: 14,
    parse: integer(1, 3650),
    help: 'days finished webhook deliveries, their log and processed events are kept',
  }),
  /** How long a node trusts its cached list of wanted event types (changes on other nodes), ms. */
  webhookCacheMs: setting({
    env: 'REPLAY_WEBHOOK_CACHE_MS',
    default: 2000,
    parse: integer(0, 600_000),
    help: 'how long a node caches which event types endpoints want, ms',
  }),
};

type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;

export type Config = {
  readonly [K in SettingName]: Settings[K] extends Setting<infer T> ? T : never;
} & {
  /** True when no token was configured and one was generated for this run (it is printed at start). */
  readonly adminTokenGenerated: boolean;
};

export type ConfigInput = Partial<Record<SettingName, Raw | undefined>>;

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** How errors and help name a setting: `--port / REPLAY_PORT`, or the variable alone. */
function label(name: SettingName): string {
  const s: Setting<unknown> = SETTINGS[name];
  const flag = s.flag?.split(' ')[0];
  return flag ? `${flag} / ${s.env}` : s.env;
}

/** Builds the configuration from explicit values (flags, tests) and the environment. */
export function loadConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const resolved: Record<string, unknown> = {};
  let tokenGiven = false;
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const s: Setting<unknown> = SETTINGS[name];
    const fromEnv = env[s.env];
    const given = input[name] ?? (fromEnv === '' ? undefined : fromEnv);
    if (name === 'adminToken') tokenGiven = given !== undefined;
    const fallback = typeof s.default === 'function' ? s.default(resolved) : s.default;
    resolved[name] = s.parse(given ?? fallback, label(name));
  }
  resolved.adminTokenGenerated = !tokenGiven;
  return Object.freeze(resolved) as Config;
}

/** What opening the database takes from the configuration (the store's `DbOptions`). */
export function databaseOptions(config: Config): {
  sqliteSynchronous: Config['sqliteSynchronous'];
  pgPreparedStatements: number;
} {
  return { sqliteSynchronous: config.sqliteSynchronous, pgPreparedStatements: config.pgPreparedStatements };
}

/** A `replay serve` option for commander: the flag and its help line with variable and default. */
export function cliOption(name: SettingName): { flags: string; description: string } {
  const s: Setting<unknown> = SETTINGS[name];
  if (!s.flag) throw new Error(`setting ${name} has no flag`);
  if (s.flag.startsWith('--no-'))
    return { flags: s.flag, description: `do not ${s.help} (env ${s.env}=false)` };
  const fallback = defaultValue(s);
  return {
    flags: s.flag,
    description: `${s.help} (env ${s.env}${fallback === undefined ? '' : `, default ${fallback}`})`,
  };
}

/** Every setting's environment variable, default and help line, for the end of `--help`. */
export function environmentHelp(): string {
  const rows = Object.values(SETTINGS).map((s: Setting<unknown>) => {
    const fallback = defaultValue(s);
    return [s.env, fallback === undefined ? s.help : `${s.help} (default ${fallback})`] as const;
  });
  const width = Math.max(...rows.map(([env]) => env.length));
  return ['Environment:', ...rows.map(([env, text]) => `  ${env.padEnd(width)}  ${text}`)].join('\n');
}

/** A fixed default worth printing; derived, generated and empty ones are explained by the help line. */
function defaultValue(s: Setting<unknown>): string | undefined {
  if (s.default === undefined || typeof s.default === 'function' || s.default === '') return undefined;
  return String(s.default);
}

function integer(min: number, max: number) {
  return (value: Raw | undefined, setting: string): number => {
    const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(setting, `expected an integer from ${min} to ${max}, got "${String(value)}"`);
    }
    return n;
  };
}

function nonEmpty(value: Raw | undefined, setting: string): string {
  const s = String(value ?? '').trim();
  if (!s) throw new ConfigError(setting, 'must not be empty');
  return s;
}

function database(value: Raw | undefined, setting: string): string {
  const db = nonEmpty(value, setting);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db) && !/^postgres(ql)?:\/\//i.test(db)) {
    throw new ConfigError(setting, `expected a file path or a postgres:// URL, got "${db}"`);
  }
  return db;
}

function adminToken(value: Raw | undefined, setting: string): string {
  if (value === undefined) return randomBytes(24).toString('base64url');
  if (String(value).length < 16) throw new ConfigError(setting, 'must be at least 16 characters');
  return String(value);
}

function absoluteUrl(value: Raw | undefined, setting: string): string {
  const url = String(value);
  try {
    new URL(url);
  } catch {
    throw new ConfigError(setting, `not an absolute URL: "${url}"`);
  }
  return url.replace(/\/+$/, '');
}

function boolean(value: Raw | undefined, setting: string): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new ConfigError(setting, `expected true or false, got "${String(value)}"`);
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: Raw | undefined, setting: string): T => {
    const s = String(value);
    const found = allowed.find((a) => a.toLowerCase() === s.toLowerCase());
    if (!found) throw new ConfigError(setting, `expected one of ${allowed.join(', ')}, got "${s}"`);
    return found;
  };
}

/** `127.0.0.1, 10.0.0.0/8, ::1` → `127.0.0.1,10.0.0.0/8,::1`; each entry an IP address or a CIDR range. */
function proxyList(value: Raw | undefined, setting: string): string {
  const entries = String(value ?? '')
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

function readableFile(value: Raw | undefined, setting: string): string {
  const path = String(value ?? '').trim();
  if (path === '') return '';
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(setting, `cannot read the file "${path}"`);
  }
  return path;
}

function text(value: Raw | undefined): string {
  return String(value ?? '').trim();
}

function ssoSecret(value: Raw | undefined, setting: string): string {
  const secret = String(value ?? '');
  if (secret !== '' && secret.length < 32) throw new ConfigError(setting, 'must be at least 32 characters');
  return secret;
}

function smtpUrl(value: Raw | undefined, setting: string): string {
  const url = String(value ?? '').trim();
  if (url === '') return '';
  if (!/^smtps?:\/\//i.test(url)) throw new ConfigError(setting, 'expected an smtp:// or smtps:// URL');
  try {
    new URL(url);
  } catch {
    throw new ConfigError(setting, 'not a URL');
  }
  return url;
}

function headerName(value: Raw | undefined, setting: string): string {
  const name = String(value ?? '')
    .trim()
    .toLowerCase();
  if (name !== '' && !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
    throw new ConfigError(setting, `not a header name: "${name}"`);
  }
  return name;
}
