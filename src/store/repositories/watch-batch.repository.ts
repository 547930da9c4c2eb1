import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Kysely } from 'kysely';
import type { DbHandle } from '../database.ts';
import { isStaleStatement } from '../pg-statement-names.ts';
import type { Database } from '../schema.ts';
import { OutboxRepository } from './outbox.repository.ts';
import {
  ANALYTICS_SQL,
  SqliteAnalyticsBatch,
  postgresAnalyticsLookup,
  postgresAnalyticsParams,
  postgresBeats,
  postgresLookupParams,
} from './analytics-batch.ts';
import type { GuestBeat, PostgresLookupRow } from './analytics-batch.ts';
import type { NewOutboxEvent } from './outbox.repository.ts';

export type { GuestBeat } from './analytics-batch.ts';

/**
 * The group-commit writes of the heartbeat and the progress report (DESIGN.md §5): one transaction per
 * batch, raw SQL because this is the hottest path of the service. SQLite runs prepared statements in one
 * synchronous transaction; PostgreSQL runs the whole batch as one statement of `INSERT … SELECT FROM
 * unnest(…) ON CONFLICT` CTEs, one per table, and with the watch analytics on, that statement and the
 * analytics' one in a single transaction (`writeWithAnalytics`).
 */

export interface HistoryUpsert {
  mid: number;
  business: string;
  kid: number;
  oid: number;
  epid: number;
  cid: number;
  page: number;
  progress: number;
  dt: number;
  view_at: number;
}

export interface SessionUpsert {
  mid: number;
  session_key: string;
  aid: number;
  cid: number;
  start_ts: number;
  played_time: number;
  realtime: number;
  real_played_time: number;
  video_duration: number;
  play_type: number;
  at: number;
}

export interface PlayCount {
  viewer: string;
  aid: number;
  at: number;
  /** The address of an anonymous play, which the per-address cap counts; '' (or absent) when signed in. */
  address?: string;
}

/** What one request contributes to a batch. History and session rows are skipped for paused users. */
export interface WatchWrite {
  history?: HistoryUpsert;
  session?: SessionUpsert;
  /** An anonymous viewer's heartbeat, for the watch analytics only (docs/api/analytics.md). */
  guest?: GuestBeat;
  play?: PlayCount;
  /** A history event for the outbox, present only while some webhook endpoint wants it (docs/webhooks.md). */
  event?: NewOutboxEvent;
}

export interface WatchBatchWriter {
  write(items: readonly WatchWrite[]): Promise<void> | void;
}

/**
 * `playWindowSeconds`: a viewer's play of an archive counts again only this long after the last one.
 * `anonymousCap`: within that window, at most this many anonymous viewers from one address count for one
 * archive (0 = no cap), so fresh cookies from one address do not each add a view.
 */
export function createWatchBatchWriter(
  handle: DbHandle,
  playWindowSeconds: number,
  anonymousCap = 0,
  /** Whether the batch also keeps the watch analytics (the `watchAnalytics` setting). */
  analytics = true,
): WatchBatchWriter {
  return handle.dialect === 'sqlite'
    ? new SqliteWatchBatchWriter(handle.sqlite, handle.db, playWindowSeconds, anonymousCap, analytics)
    : new PostgresWatchBatchWriter(handle.pool, playWindowSeconds, anonymousCap, analytics);
}

interface MergedSession extends SessionUpsert {
  heartbeats: number;
  first_at: number;
}

interface Merged {
  history: HistoryUpsert[];
  sessions: MergedSession[];
  plays: PlayCount[];
  /** Anonymous analytics heartbeats, one per viewer and session (the largest watch time, the last position). */
  guests: GuestBeat[];
  /** Every event of the batch, unmerged: each report is its own event. */
  events: NewOutboxEvent[];
}

/**
 * One row per key, because PostgreSQL refuses to update a row twice in one statement: the last report of
 * an entry wins, a session keeps its largest cumulative times, and a play counts once. Rows come out
 * sorted by key so that concurrent batches lock rows in the same order and cannot deadlock.
 */
export function mergeBatch(items: readonly WatchWrite[]): Merged {
  const history = new Map<string, HistoryUpsert>();
  const sessions = new Map<string, MergedSession>();
  const plays = new Map<string, PlayCount>();
  const guests = new Map<string, GuestBeat>();
  const events: NewOutboxEvent[] = [];
  for (const item of items) {
    if (item.guest) {
      const g = item.guest;
      const key = `${g.viewer}\u0000${g.session_key}`;
      const before = guests.get(key);
      guests.set(
        key,
        before ? { ...g, real_played_time: Math.max(before.real_played_time, g.real_played_time) } : g,
      );
    }
    if (item.event) events.push(item.event);
    if (item.history) {
      const h = item.history;
      history.set(`${h.mid}\u0000${h.business}\u0000${h.kid}`, h);
    }
    if (item.session) {
      const s = item.session;
      const key = `${s.mid}\u0000${s.session_key}`;
      const before = sessions.get(key);
      sessions.set(
        key,
        before
          ? {
              ...s,
              start_ts: before.start_ts,
              realtime: Math.max(before.realtime, s.realtime),
              real_played_time: Math.max(before.real_played_time, s.real_played_time),
              heartbeats: before.heartbeats + 1,
              first_at: before.first_at,
            }
          : { ...s, heartbeats: 1, first_at: s.at },
      );
    }
    if (item.play) {
      const p = item.play;
      const key = `${p.viewer}\u0000${p.aid}`;
      if (!plays.has(key)) plays.set(key, p);
    }
  }
  const byMid = <T extends { mid: number }>(a: [string, T], b: [string, T]) =>
    a[1].mid - b[1].mid || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return {
    history: [...history].sort(byMid).map(([, v]) => v),
    sessions: [...sessions].sort(byMid).map(([, v]) => v),
    plays: [...plays].sort(byKey).map(([, v]) => v),
    guests: [...guests].sort(byKey).map(([, v]) => v),
    events,
  };
}

const HISTORY_UPDATE = `oid = excluded.oid, epid = excluded.epid, cid = excluded.cid, page = excluded.page,
  progress = excluded.progress, dt = excluded.dt, view_at = excluded.view_at`;

/**
 * SQLite runs one upsert per report, in arrival order, without merging: its statements apply one after
 * another, so a key reported twice in a batch simply ends as a merged batch would leave it (the last
 * report wins, a session keeps its first start and largest times and counts every heartbeat, a repeated
 * play is refused by the window), and merging would only cost the hot path its allocations.
 */
class SqliteWatchBatchWriter implements WatchBatchWriter {
  private transaction: ((items: readonly WatchWrite[]) => void) | null = null;

  constructor(
    private readonly db: SQLite.Database,
    /** The Kysely instance over the same connection: its lock is held while the batch runs. */
    private readonly kysely: Kysely<Database>,
    private readonly playWindowSeconds: number,
    private readonly anonymousCap: number,
    private readonly analyticsOn: boolean,
  ) {}

  write(items: readonly WatchWrite[]): Promise<void> {
    const transaction = (this.transaction ??= this.prepare());
    // Holding Kysely's connection: a synchronous transaction started while a Kysely transaction awaits
    // between its statements would become a savepoint of that one, so an acknowledged heartbeat would
    // commit (or roll back) with somebody else's transaction.
    return this.kysely.connection().execute(() => {
      transaction(items);
      return Promise.resolve();
    });
  }

  // Prepared on first use, not in the constructor: services may be built before migrations have run.
  private prepare(): (items: readonly WatchWrite[]) => void {
    const notPaused = 'WHERE NOT EXISTS (SELECT 1 FROM history_prefs WHERE mid = @mid AND paused = 1)';
    const s = {
      history: this.db.prepare(
        `INSERT INTO history (mid, business, kid, oid, epid, cid, page, progress, dt, view_at)
         SELECT @mid, @business, @kid, @oid, @epid, @cid, @page, @progress, @dt, @view_at ${notPaused}
         ON CONFLICT (mid, business, kid) DO UPDATE SET ${HISTORY_UPDATE}`,
      ),
      session: this.db.prepare(
        `INSERT INTO watch_sessions (mid, session_key, aid, cid, start_ts, played_time, realtime,
           real_played_time, video_duration, play_type, heartbeats, first_at, last_at)
         SELECT @mid, @session_key, @aid, @cid, @start_ts, @played_time, @realtime, @real_played_time,
           @video_duration, @play_type, 1, @at, @at ${notPaused}
         ON CONFLICT (mid, session_key) DO UPDATE SET aid = excluded.aid, cid = excluded.cid,
           played_time = excluded.played_time,
           realtime = MAX(watch_sessions.realtime, excluded.realtime),
           real_played_time = MAX(watch_sessions.real_played_time, excluded.real_played_time),
           video_duration = excluded.video_duration, play_type = excluded.play_type,
           heartbeats = watch_sessions.heartbeats + excluded.heartbeats, last_at = excluded.last_at`,
      ),
      play: this.db.prepare(
        `INSERT INTO play_counts (viewer, aid, counted_at, address) VALUES (@viewer, @aid, @at, @address)
         ON CONFLICT (viewer, aid) DO UPDATE SET counted_at = excluded.counted_at, address = excluded.address
         WHERE play_counts.counted_at <= excluded.counted_at - @window`,
      ),
      // Other anonymous viewers counted for the archive from the address within the window.
      capped: this.db.prepare(
        `SELECT count(*) >= @cap AS full FROM play_counts
         WHERE address = @address AND aid = @aid AND counted_at > @at - @window AND viewer <> @viewer`,
      ),
      event: this.db.prepare(OutboxRepository.SQLITE_INSERT),
      view: this.db.prepare(
        `INSERT INTO archive_stats (aid, view) VALUES (?, 1)
         ON CONFLICT (aid) DO UPDATE SET view = archive_stats.view + 1`,
      ),
    };
    const window = this.playWindowSeconds;
    const cap = this.anonymousCap;
    const analytics = this.analyticsOn ? new SqliteAnalyticsBatch(this.db, window) : null;
    return this.db.transaction((items: readonly WatchWrite[]) => {
      analytics?.begin();
      for (const item of items) {
        // changes = 0: the user paused history, and the event is not recorded either.
        const stored = item.history ? s.history.run(item.history).changes > 0 : false;
        // changes = 0: paused, and the watch analytics do not count the session either.
        if (item.session && s.session.run(item.session).changes > 0) analytics?.beat(item.session);
        if (item.event && stored) s.event.run(item.event);
        const p = item.play;
        if (p) {
          const play = { viewer: p.viewer, aid: p.aid, at: p.at, address: p.address ?? '', window };
          const capped =
            cap > 0 && play.address !== '' && (s.capped.get({ ...play, cap }) as { full: number }).full;
          // changes = 0 when the conflict's WHERE kept the earlier count: a repeat within the window.
          if (!capped && s.play.run(play).changes > 0) s.view.run(p.aid);
        }
        // After the play: an anonymous session is analysed once its play was counted (not capped).
        if (item.guest) analytics?.guest(item.guest);
      }
      analytics?.flush();
    });
  }
}

/** Serialization failures and deadlocks are transient; the batch is retried as a whole. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

async function retrying(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const retryable = (typeof code === 'string' && RETRYABLE.has(code)) || isStaleStatement(error);
      if (attempt >= ATTEMPTS || !retryable) throw error;
    }
  }
}

class PostgresWatchBatchWriter implements WatchBatchWriter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly playWindowSeconds: number,
    private readonly anonymousCap: number,
    private readonly analyticsOn: boolean,
  ) {}

  async write(items: readonly WatchWrite[]): Promise<void> {
    const merged = mergeBatch(items);
    if (this.analyticsOn && (merged.sessions.length > 0 || merged.guests.length > 0)) {
      await retrying(() => this.writeWithAnalytics(merged));
    } else {
      await retrying(() => this.writeOnce(merged));
    }
  }

  /** The batch's parameters: history, sessions, plays, window, addresses, cap, then the events if any. */
  private batchParams(m: Merged, events: readonly NewOutboxEvent[] | null): unknown[] {
    return [
      ...historyColumns(m.history),
      ...sessionColumns(m.sessions),
      m.plays.map((p) => p.viewer),
      m.plays.map((p) => p.aid),
      m.plays.map((p) => p.at),
      this.playWindowSeconds,
      m.plays.map((p) => p.address ?? ''),
      this.anonymousCap,
      ...(events
        ? [
            events.map((e) => e.event_id),
            events.map((e) => e.type),
            events.map((e) => e.time),
            events.map((e) => e.payload),
          ]
        : []),
    ];
  }

  /**
   * One statement, atomic on its own: no BEGIN/COMMIT round trips per batch — unless it counts anonymous
   * plays under the cap, which take their addresses' locks first (`capLocksSql`).
   */
  private async writeOnce(m: Merged): Promise<void> {
    // The statement with the outbox CTE only for a batch that has events: the usual heartbeat's is unchanged.
    const events = m.events.length > 0 ? m.events : null;
    const locks = this.capLockKeys(m);
    if (locks.length === 0) {
      await this.pool.query(events ? BATCH_WITH_EVENTS_SQL : BATCH_SQL, this.batchParams(m, events));
      return;
    }
    await inTransaction(this.pool, capLocksSql(locks), async (client) => {
      await client.query(events ? BATCH_WITH_EVENTS_SQL : BATCH_SQL, this.batchParams(m, events));
    });
  }

  /** Lock keys of the archive and address pairs of the batch's anonymous plays under the cap; none without one. */
  private capLockKeys(m: Merged): number[] {
    if (this.anonymousCap <= 0) return [];
    const keys = new Set<number>();
    for (const p of m.plays) if (p.address) keys.add(hash32(`${p.aid}:${p.address}`));
    return [...keys];
  }

  /**
   * With the watch analytics (docs/api/analytics.md): one transaction of two statements, so the
   * analytics commit with the heartbeats that caused them. The batch statement also locks and returns
   * the batch's analytics sessions (with whether each user paused history and each new anonymous play
   * was counted); JS advances them; one statement writes every increment. Both are prepared once per
   * connection by the pool's client (pg-statement-names.ts, which also prepares them again when a
   * migration made them stale), so PostgreSQL does not parse and plan them again for every batch.
   */
  private async writeWithAnalytics(m: Merged): Promise<void> {
    const events = m.events.length > 0 ? m.events : null;
    const beats = postgresBeats(m.sessions, m.guests);
    const locks = this.capLockKeys(m);
    await inTransaction(this.pool, locks.length > 0 ? capLocksSql(locks) : 'BEGIN', async (client) => {
      const { rows } = await client.query<PostgresLookupRow>(
        events ? BATCH_ANALYTICS_WITH_EVENTS_SQL : BATCH_ANALYTICS_SQL,
        [...this.batchParams(m, events), ...postgresLookupParams(beats)],
      );
      const params = postgresAnalyticsParams(beats, rows);
      if (params) await client.query(ANALYTICS_SQL, params);
    });
  }
}

/**
 * Runs `work` in a transaction opened by `begin` (BEGIN, or BEGIN with the statements that must come
 * first, in one round trip) and commits it. A connection whose ROLLBACK failed is not given back to the
 * pool but closed.
 */
async function inTransaction(
  pool: pg.Pool,
  begin: string,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: unknown) => {
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** FNV-1a over the string's UTF-16 code units, as a signed 32-bit integer (an advisory lock's key). */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

const PG_NOT_PAUSED = 'WHERE NOT EXISTS (SELECT 1 FROM history_prefs p WHERE p.mid = t.mid AND p.paused = 1)';

/**
 * Transaction-scoped advisory locks, one per archive and address of the batch's capped plays: the first
 * statement of the batch's transaction, sent with its BEGIN. The keys are 32-bit hashes computed here
 * (`capLockKeys`), so only integers go into the text; taken in ascending order, so batches cannot
 * deadlock, even where two pairs hash alike (a lock taken twice in one transaction is held once). The
 * two-key form, with a first key of its own, keeps them apart from any other advisory lock.
 */
function capLocksSql(keys: readonly number[]): string {
  return `BEGIN; SELECT pg_advisory_xact_lock(${CAP_LOCK_CLASS}, k) FROM unnest('{${keys.join(',')}}'::int[]) AS k ORDER BY k`;
}

const CAP_LOCK_CLASS = 0x7ca9;

/**
 * A whole batch in ONE statement (data-modifying CTEs run as a unit, all or nothing): the history and
 * watch-session upserts, then the play counts, where the plays that were not repeats within the window (the
 * conflict's WHERE held) come back from RETURNING and are added to the archive counters. Every array may be
 * empty. Parameters: history $1–$10, sessions $11–$23, plays $24–$26, the window $27, the plays' addresses
 * $28 and the anonymous cap $29 (0 = none).
 *
 * The cap: an anonymous play that is not a repeat within the window is ranked among this batch's new plays
 * of the archive from its address; it counts while the rank plus the plays already counted from there in
 * the window stays within the cap. Batches written at the same time (a node's next batch starts when the
 * previous one is slow; other nodes) would each count without seeing the other's plays, so a batch with
 * such plays first takes a lock per address and archive (`capLocksSql`, with its BEGIN): this
 * statement's snapshot, taken after, sees every batch that held them before.
 */
const BATCH_SQL = `
WITH history_upserts AS (
  INSERT INTO history (mid, business, kid, oid, epid, cid, page, progress, dt, view_at)
  SELECT t.mid, t.business, t.kid, t.oid, t.epid, t.cid, t.page, t.progress, t.dt, t.view_at
  FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[],
              $8::int[], $9::int[], $10::bigint[])
    AS t(mid, business, kid, oid, epid, cid, page, progress, dt, view_at)
  ${PG_NOT_PAUSED}
  ON CONFLICT (mid, business, kid) DO UPDATE SET ${HISTORY_UPDATE}
  RETURNING 1
), session_upserts AS (
  INSERT INTO watch_sessions AS w (mid, session_key, aid, cid, start_ts, played_time, realtime,
    real_played_time, video_duration, play_type, heartbeats, first_at, last_at)
  SELECT t.mid, t.session_key, t.aid, t.cid, t.start_ts, t.played_time, t.realtime, t.real_played_time,
    t.video_duration, t.play_type, t.heartbeats, t.first_at, t.last_at
  FROM unnest($11::bigint[], $12::text[], $13::bigint[], $14::bigint[], $15::bigint[], $16::int[], $17::int[],
              $18::int[], $19::int[], $20::int[], $21::int[], $22::bigint[], $23::bigint[])
    AS t(mid, session_key, aid, cid, start_ts, played_time, realtime, real_played_time, video_duration,
         play_type, heartbeats, first_at, last_at)
  ${PG_NOT_PAUSED}
  ON CONFLICT (mid, session_key) DO UPDATE SET aid = excluded.aid, cid = excluded.cid,
    played_time = excluded.played_time,
    realtime = GREATEST(w.realtime, excluded.realtime),
    real_played_time = GREATEST(w.real_played_time, excluded.real_played_time),
    video_duration = excluded.video_duration, play_type = excluded.play_type,
    heartbeats = w.heartbeats + excluded.heartbeats, last_at = excluded.last_at
  RETURNING 1
), counted AS (
  INSERT INTO play_counts AS c (viewer, aid, counted_at, address)
  SELECT n.viewer, n.aid, n.at, n.address FROM (
    SELECT t.viewer, t.aid, t.at, t.address,
      row_number() OVER (PARTITION BY t.address, t.aid ORDER BY t.viewer) AS rank
    FROM unnest($24::text[], $25::bigint[], $26::bigint[], $28::text[]) AS t(viewer, aid, at, address)
    WHERE $29::int = 0 OR t.address = '' OR NOT EXISTS (
      SELECT 1 FROM play_counts r WHERE r.viewer = t.viewer AND r.aid = t.aid AND r.counted_at > t.at - $27::bigint)
  ) n
  WHERE $29::int = 0 OR n.address = '' OR n.rank + (
    SELECT count(*) FROM play_counts o
    WHERE o.address = n.address AND o.aid = n.aid AND o.counted_at > n.at - $27::bigint) <= $29::int
  ORDER BY n.viewer, n.aid
  ON CONFLICT (viewer, aid) DO UPDATE SET counted_at = excluded.counted_at, address = excluded.address
  WHERE c.counted_at <= excluded.counted_at - $27::bigint
  RETURNING aid
)
INSERT INTO archive_stats AS s (aid, view)
SELECT aid, count(*) FROM counted GROUP BY aid ORDER BY aid
ON CONFLICT (aid) DO UPDATE SET view = s.view + excluded.view`;

/** BATCH_SQL plus the batch's outbox events ($30–$33), written by the same statement. */
const BATCH_WITH_EVENTS_SQL = BATCH_SQL.replace(
  'WITH history_upserts AS (',
  `WITH outbox_inserts AS (
  INSERT INTO outbox_events (event_id, type, time, payload)
  SELECT e.event_id, e.type, e.time, e.payload
  FROM unnest($30::text[], $31::text[], $32::bigint[], $33::text[]) AS e(event_id, type, time, payload)
  WHERE NOT EXISTS (SELECT 1 FROM history_prefs p WHERE p.mid = (e.payload::jsonb->>'mid')::bigint AND p.paused = 1)
  RETURNING 1
), history_upserts AS (`,
);

/**
 * The batch statement when analytics are on: the same writes, the archive counters as one more CTE, and
 * the analytics lookup as the statement's result (`postgresAnalyticsLookup`); its parameters follow the
 * batch's ($30 on, or $34 on after the events).
 */
function withAnalyticsLookup(batchSql: string, first: number): string {
  const split = batchSql.indexOf('\nINSERT INTO archive_stats AS s');
  const head = batchSql.slice(0, split).replace('  RETURNING aid\n)', '  RETURNING viewer, aid\n)');
  if (head === batchSql.slice(0, split)) throw new Error('watch batch SQL: counted CTE not found');
  return `${head}, stats AS (${batchSql.slice(split)}\n), ${postgresAnalyticsLookup(first, '$27::bigint')}`;
}

const BATCH_ANALYTICS_SQL = withAnalyticsLookup(BATCH_SQL, 30);
const BATCH_ANALYTICS_WITH_EVENTS_SQL = withAnalyticsLookup(BATCH_WITH_EVENTS_SQL, 34);

function historyColumns(rows: readonly HistoryUpsert[]): unknown[] {
  return [
    rows.map((r) => r.mid),
    rows.map((r) => r.business),
    rows.map((r) => r.kid),
    rows.map((r) => r.oid),
    rows.map((r) => r.epid),
    rows.map((r) => r.cid),
    rows.map((r) => r.page),
    rows.map((r) => r.progress),
    rows.map((r) => r.dt),
    rows.map((r) => r.view_at),
  ];
}

function sessionColumns(rows: readonly MergedSession[]): unknown[] {
  return [
    rows.map((r) => r.mid),
    rows.map((r) => r.session_key),
    rows.map((r) => r.aid),
    rows.map((r) => r.cid),
    rows.map((r) => r.start_ts),
    rows.map((r) => r.played_time),
    rows.map((r) => r.realtime),
    rows.map((r) => r.real_played_time),
    rows.map((r) => r.video_duration),
    rows.map((r) => r.play_type),
    rows.map((r) => r.heartbeats),
    rows.map((r) => r.first_at),
    rows.map((r) => r.at),
  ];
}
