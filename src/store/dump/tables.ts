import type { Database } from '../schema.ts';

/**
 * The one list of what `replay export` writes and `replay import` reads, in an order that satisfies the
 * foreign keys (a row's parent table comes first). Typed over `Database`, so a table added to the schema
 * without an entry here does not compile; `test/cli/export-import.test.ts` also compares this list with
 * the tables a freshly migrated database really has, so a migration cannot slip past it either.
 */
export interface DumpedTable {
  readonly dump: true;
  /** The primary key: the keyset the export pages by. */
  readonly key: readonly string[];
  /** A PostgreSQL sequence that hands out this table's ids outside a column default, and its floor. */
  readonly sequence?: { readonly name: string; readonly column: string; readonly floor: number };
}

/** A table left out of the dump on purpose: its rows are worthless a few minutes after they are written. */
export interface SkippedTable {
  readonly dump: false;
  readonly why: string;
}

/** The first rpid handed out (kept equal to the comments migration's constant). */
const FIRST_RPID = 100_000_000_001;

const short = (what: string): SkippedTable => ({ dump: false, why: what });

export const TABLES: { readonly [T in keyof Database]: DumpedTable | SkippedTable } = {
  users: { dump: true, key: ['mid'] },
  sessions: { dump: true, key: ['token_hash'] },
  cookie_refresh_forced: { dump: true, key: ['mid'] },
  invite_codes: { dump: true, key: ['code'] },
  external_identities: { dump: true, key: ['issuer', 'subject'] },
  avatars: { dump: true, key: ['mid'] },
  qr_logins: short('QR sign-in keys live for three minutes'),
  tv_logins: short('TV sign-in codes live for three minutes'),
  devices: { dump: true, key: ['buvid3'] },
  settings: { dump: true, key: ['key'] },
  archives: { dump: true, key: ['aid'] },
  archive_pages: { dump: true, key: ['cid'] },
  areas: { dump: true, key: ['type', 'oid'] },
  replies: {
    dump: true,
    key: ['rpid'],
    sequence: { name: 'replies_rpid_seq', column: 'rpid', floor: FIRST_RPID },
  },
  reply_votes: { dump: true, key: ['rpid', 'mid'] },
  reply_reports: { dump: true, key: ['rpid', 'mid'] },
  reply_dedupe: { dump: true, key: ['mid', 'type', 'oid', 'parent', 'digest'] },
  history: { dump: true, key: ['mid', 'business', 'kid'] },
  history_prefs: { dump: true, key: ['mid'] },
  watch_sessions: { dump: true, key: ['mid', 'session_key'] },
  play_counts: { dump: true, key: ['viewer', 'aid'] },
  archive_stats: { dump: true, key: ['aid'] },
  analytics_sessions: { dump: true, key: ['mid', 'session_key'] },
  analytics_daily: { dump: true, key: ['aid', 'cid', 'day'] },
  analytics_retention: { dump: true, key: ['aid', 'cid', 'day', 'bucket'] },
  analytics_viewers: { dump: true, key: ['aid', 'cid', 'day', 'mid'] },
  analytics_users: { dump: true, key: ['mid', 'day'] },
  emote_packages: { dump: true, key: ['id'] },
  emotes: { dump: true, key: ['id'] },
  emote_images: { dump: true, key: ['name'] },
  sensitive_words: { dump: true, key: ['id'] },
  user_emote_packages: { dump: true, key: ['mid', 'business', 'package_id'] },
  change_versions: { dump: true, key: ['name'] },
  seasons: { dump: true, key: ['business', 'season_id'] },
  season_episodes: { dump: true, key: ['business', 'epid'] },
  notices: { dump: true, key: ['id'] },
  like_notices: { dump: true, key: ['id'] },
  notice_views: { dump: true, key: ['mid', 'feed'] },
  online_viewers: short('each node republishes the viewers it saw in the last minute every few seconds'),
  toview: { dump: true, key: ['mid', 'aid'] },
  outbox_events: { dump: true, key: ['id'] },
  webhook_endpoints: { dump: true, key: ['id'] },
  webhook_deliveries: { dump: true, key: ['id'] },
  webhook_attempts: { dump: true, key: ['id'] },
  user_mail: { dump: true, key: ['mid'] },
  mail_queue: { dump: true, key: ['id'] },
  mail_recipients: { dump: true, key: ['mid'] },
  audit_log: { dump: true, key: ['id'] },
  toolkit_snapshots: short('test-toolkit snapshots are copies of the state itself, not part of it'),
  toolkit_faults: short('test-toolkit fault rules are scaffolding of a running test'),
  toolkit_clock: short("the test-toolkit clock belongs to a running test, not to the site's state"),
  toolkit_journal: short('the test-toolkit journal is a ring of the last requests'),
  toolkit_nodes: short('the nodes following the test toolkit, alive now'),
};

/** Tables migrations create outside the typed schema (library-owned), and why they are not dumped. */
export const UNTYPED_SKIPPED: Readonly<Record<string, SkippedTable>> = {
  rate_limits: short("rate-limit counters (rate-limiter-flexible's store) expire within minutes"),
};

/** The dumped tables, in import order. */
export function dumpedTables(): { name: string; spec: DumpedTable }[] {
  return Object.entries(TABLES)
    .filter((entry): entry is [string, DumpedTable] => entry[1].dump)
    .map(([name, spec]) => ({ name, spec }));
}

/** Every table name the list knows about, dumped or skipped. */
export function knownTables(): string[] {
  return [...Object.keys(TABLES), ...Object.keys(UNTYPED_SKIPPED)];
}
