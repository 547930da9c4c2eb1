import type SQLite from 'better-sqlite3';
import { BUCKETS, advance } from '../../domain/watch-analytics.ts';
import type { SessionState } from '../../domain/watch-analytics.ts';
import { viewerHash } from '../../domain/viewer-hash.ts';

/**
 * The analytics half of the watch batch (DESIGN.md §11, docs/api/analytics.md): each play session's
 * heartbeat advances the session's analytics state, and the increments of a whole batch are summed per
 * aggregate row before they are written, so a batch writes each counter row once.
 *
 * Anonymous viewers (a device id, a foreign buvid3, else the address) are analysed like signed-in ones,
 * under `mid` 0 with the viewer key folded into the session key; as the unique viewer of a day they are
 * the negated 52-bit hash of their key (never a real mid). An anonymous session counts only once the
 * viewer's play of the archive was counted within the play window, so the anonymous cap per address that
 * keeps minted cookies out of the play count keeps them out of the analytics too.
 */

export interface AnalyticsBeat {
  /** The signed-in user; 0 for an anonymous viewer. */
  mid: number;
  session_key: string;
  aid: number;
  cid: number;
  played_time: number;
  real_played_time: number;
  video_duration: number;
  at: number;
  /** Who counts as the unique viewer (`analytics_viewers.mid`): the mid, or an anonymous viewer's id. */
  viewer?: number;
}

/** An anonymous viewer's heartbeat: `viewer` is its key (`d:…`, `b:…`, `ip:…`), as the play count uses. */
export interface GuestBeat {
  viewer: string;
  /** The heartbeat's `session`, else `aid:cid:start_ts`. */
  session_key: string;
  aid: number;
  cid: number;
  played_time: number;
  real_played_time: number;
  video_duration: number;
  at: number;
}

/** The analytics beat of an anonymous heartbeat (the length prefix keeps viewer and session apart). */
export function guestAnalyticsBeat(g: GuestBeat): AnalyticsBeat {
  return {
    mid: 0,
    session_key: `${g.viewer.length}:${g.viewer}${g.session_key}`,
    aid: g.aid,
    cid: g.cid,
    played_time: g.played_time,
    real_played_time: g.real_played_time,
    video_duration: g.video_duration,
    at: g.at,
    viewer: -viewerHash(g.viewer),
  };
}

interface DailyDelta {
  aid: number;
  cid: number;
  day: number;
  plays: number;
  viewers: number;
  watch_time: number;
  completed: number;
  kept: number;
}

/** A batch's increments, keyed by aggregate row. */
class Deltas {
  readonly daily = new Map<string, DailyDelta>();
  /**
   * Steps that cancel out within the batch (one session's run ending where the next heartbeat's begins,
   * or two sessions' runs meeting) sum to 0 and are not written.
   */
  readonly retention = new Map<
    string,
    { aid: number; cid: number; day: number; bucket: number; delta: number }
  >();
  readonly users = new Map<string, { mid: number; day: number; plays: number; watch_time: number }>();
  readonly viewers: { aid: number; cid: number; day: number; mid: number }[] = [];

  private step(beat: AnalyticsBeat, day: number, bucket: number, delta: number): void {
    const k = `${beat.aid}:${beat.cid}:${day}:${bucket}`;
    const r = this.retention.get(k);
    if (r) r.delta += delta;
    else this.retention.set(k, { aid: beat.aid, cid: beat.cid, day, bucket, delta });
  }

  add(beat: AnalyticsBeat, day: number, a: ReturnType<typeof advance>): void {
    const key = `${beat.aid}:${beat.cid}:${day}`;
    let d = this.daily.get(key);
    if (!d) {
      d = { aid: beat.aid, cid: beat.cid, day, plays: 0, viewers: 0, watch_time: 0, completed: 0, kept: 0 };
      this.daily.set(key, d);
    }
    d.plays += a.play ? 1 : 0;
    d.watch_time += a.watchTime;
    d.completed += a.completed ? 1 : 0;
    d.kept += a.kept ? 1 : 0;
    // Newly covered buckets come in ascending runs; each run adds +1 at its start and −1 after its end.
    const nb = a.newBuckets;
    for (let i = 0; i < nb.length;) {
      let j = i;
      while (j + 1 < nb.length && nb[j + 1] === nb[j]! + 1) j++;
      this.step(beat, day, nb[i]!, 1);
      if (nb[j]! + 1 < BUCKETS) this.step(beat, day, nb[j]! + 1, -1);
      i = j + 1;
    }
    // Per-user totals are the signed-in user's own history page: anonymous plays have none.
    if (beat.mid > 0 && (a.play || a.watchTime > 0)) {
      const uk = `${beat.mid}:${day}`;
      const u = this.users.get(uk);
      if (u) {
        u.plays += a.play ? 1 : 0;
        u.watch_time += a.watchTime;
      } else this.users.set(uk, { mid: beat.mid, day, plays: a.play ? 1 : 0, watch_time: a.watchTime });
    }
    if (a.play) this.viewers.push({ aid: beat.aid, cid: beat.cid, day, mid: beat.viewer ?? beat.mid });
  }
}

const sortedValues = <T>(m: Map<string, T>): T[] =>
  [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);

function beatOf(b: AnalyticsBeat) {
  return {
    played_time: b.played_time,
    real_played_time: b.real_played_time,
    duration: b.video_duration,
    at: b.at,
  };
}

/** SQLite: called inside the batch's transaction, one heartbeat at a time, then `flush` once. */
export class SqliteAnalyticsBatch {
  private readonly s;
  private deltas = new Deltas();

  constructor(
    db: SQLite.Database,
    /** The play window: an anonymous session is analysed once its play was counted within it. */
    private readonly playWindowSeconds: number,
  ) {
    this.s = {
      counted: db.prepare('SELECT 1 FROM play_counts WHERE viewer = ? AND aid = ? AND counted_at > ?'),
      get: db.prepare(
        'SELECT day, watched, started, covered, flags, position FROM analytics_sessions WHERE mid = ? AND session_key = ?',
      ),
      // Positional parameters throughout: binding from arrays skips better-sqlite3's per-name lookups,
      // and a known session is a plain update by key rather than an insert that falls into its conflict.
      insert: db.prepare(
        `INSERT INTO analytics_sessions (mid, session_key, aid, cid, day, watched, started, covered, flags,
           position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: db.prepare(
        `UPDATE analytics_sessions SET aid = ?, cid = ?, watched = ?, covered = ?, flags = ?, position = ?
         WHERE mid = ? AND session_key = ?`,
      ),
      viewer: db.prepare(
        'INSERT INTO analytics_viewers (aid, cid, day, mid) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      daily: db.prepare(
        `INSERT INTO analytics_daily (aid, cid, day, plays, viewers, watch_time, completed, kept)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (aid, cid, day) DO UPDATE SET plays = plays + excluded.plays,
           viewers = viewers + excluded.viewers, watch_time = watch_time + excluded.watch_time,
           completed = completed + excluded.completed, kept = kept + excluded.kept`,
      ),
      retention: db.prepare(
        `INSERT INTO analytics_retention (aid, cid, day, bucket, delta) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (aid, cid, day, bucket) DO UPDATE SET delta = delta + excluded.delta`,
      ),
      user: db.prepare(
        `INSERT INTO analytics_users (mid, day, plays, watch_time) VALUES (?, ?, ?, ?)
         ON CONFLICT (mid, day) DO UPDATE SET plays = plays + excluded.plays,
           watch_time = watch_time + excluded.watch_time`,
      ),
    };
  }

  /** Starts a batch: what a batch whose transaction failed had gathered goes with its rollback. */
  begin(): void {
    this.deltas = new Deltas();
  }

  beat(b: AnalyticsBeat): void {
    this.advance(b, this.s.get.get(b.mid, b.session_key) as SessionState | undefined);
  }

  private advance(b: AnalyticsBeat, prev: SessionState | undefined): void {
    const a = advance(prev, beatOf(b));
    // A repeated heartbeat (paused, or a retry) costs one primary-key read and nothing else.
    if (!a.changed) return;
    const t = a.state;
    if (prev)
      this.s.update.run(b.aid, b.cid, t.watched, t.covered, t.flags, t.position, b.mid, b.session_key);
    else
      this.s.insert.run(
        b.mid,
        b.session_key,
        b.aid,
        b.cid,
        t.day,
        t.watched,
        t.started,
        t.covered,
        t.flags,
        t.position,
      );
    this.deltas.add(b, t.day, a);
  }

  /** An anonymous heartbeat: run after the batch item's play, so a play counted just now is seen. */
  guest(g: GuestBeat): void {
    const b = guestAnalyticsBeat(g);
    const prev = this.s.get.get(0, b.session_key) as SessionState | undefined;
    if (!prev && !this.s.counted.get(g.viewer, g.aid, g.at - this.playWindowSeconds)) return;
    this.advance(b, prev);
  }

  flush(): void {
    const d = this.deltas;
    this.deltas = new Deltas();
    for (const v of d.viewers) {
      if (this.s.viewer.run(v.aid, v.cid, v.day, v.mid).changes > 0) {
        d.daily.get(`${v.aid}:${v.cid}:${v.day}`)!.viewers++;
      }
    }
    for (const r of d.daily.values()) {
      this.s.daily.run(r.aid, r.cid, r.day, r.plays, r.viewers, r.watch_time, r.completed, r.kept);
    }
    for (const r of d.retention.values()) {
      if (r.delta !== 0) this.s.retention.run(r.aid, r.cid, r.day, r.bucket, r.delta);
    }
    for (const r of d.users.values()) this.s.user.run(r.mid, r.day, r.plays, r.watch_time);
  }
}

/** A PostgreSQL batch's analytics beats, in locking order, with what the batch statement must look up. */
export interface PostgresBeats {
  beats: AnalyticsBeat[];
  /** Per beat: the anonymous viewer's key (its play must be counted first), '' when signed in. */
  viewers: string[];
}

/** One order for every batch (mid, then key), so concurrent batches lock session rows alike. */
export function postgresBeats(
  signedIn: readonly AnalyticsBeat[],
  guests: readonly GuestBeat[],
): PostgresBeats {
  const all: { beat: AnalyticsBeat; viewer: string }[] = [];
  for (const beat of signedIn) all.push({ beat, viewer: '' });
  for (const g of guests) all.push({ beat: guestAnalyticsBeat(g), viewer: g.viewer });
  all.sort(
    (a, b) =>
      a.beat.mid - b.beat.mid ||
      (a.beat.session_key < b.beat.session_key ? -1 : a.beat.session_key > b.beat.session_key ? 1 : 0),
  );
  return { beats: all.map((x) => x.beat), viewers: all.map((x) => x.viewer) };
}

/** The lookup's parameters, in the order `postgresAnalyticsLookup` numbers them. */
export function postgresLookupParams(b: PostgresBeats): unknown[] {
  return [
    b.beats.map((x) => x.mid),
    b.beats.map((x) => x.session_key),
    b.viewers,
    b.beats.map((x) => x.aid),
    b.beats.map((x) => x.at),
  ];
}

/**
 * The tail of the batch statement when analytics are on: after its writes, one row per beat (by its
 * 1-based position) with the session's analytics state, locked (`FOR UPDATE`, in key order), whether
 * the user paused history, and for an anonymous session without state whether its play was counted in
 * the window — before this statement, or by its own `counted` CTE (which must return `viewer, aid`).
 * `first` is the number of the lookup's first parameter; `window` the play window's parameter.
 */
export function postgresAnalyticsLookup(first: number, window: string): string {
  const p = (k: number) => `$${first + k}`;
  return `beats AS (
  SELECT * FROM unnest(${p(0)}::bigint[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::bigint[], ${p(4)}::bigint[])
    WITH ORDINALITY AS b(mid, session_key, viewer, aid, at, i)
), locked AS MATERIALIZED (
  SELECT a.mid, a.session_key, a.day, a.watched, a.started, a.covered, a.flags, a.position
  FROM analytics_sessions a
  WHERE (a.mid, a.session_key) IN (SELECT mid, session_key FROM beats)
  ORDER BY a.mid, a.session_key
  FOR UPDATE
)
SELECT b.i::int AS i, l.day, l.watched, l.started, l.covered, l.flags, l.position,
  EXISTS (SELECT 1 FROM history_prefs h WHERE h.mid = b.mid AND h.paused = 1) AS paused,
  (b.viewer <> '' AND l.mid IS NULL AND (
    EXISTS (SELECT 1 FROM play_counts c WHERE c.viewer = b.viewer AND c.aid = b.aid AND c.counted_at > b.at - ${window})
    OR EXISTS (SELECT 1 FROM counted n WHERE n.viewer = b.viewer AND n.aid = b.aid))) AS counted
FROM beats b LEFT JOIN locked l ON l.mid = b.mid AND l.session_key = b.session_key`;
}

export interface PostgresLookupRow {
  i: number;
  day: number | null;
  watched: number | null;
  started: number | null;
  covered: string | null;
  flags: number | null;
  position: number | null;
  paused: boolean;
  counted: boolean;
}

/**
 * Advances the looked-up sessions in JS and returns the parameters of `ANALYTICS_SQL`, or null when the
 * batch changed no analytics (repeated heartbeats, paused users, anonymous plays not counted).
 */
export function postgresAnalyticsParams(
  b: PostgresBeats,
  rows: readonly PostgresLookupRow[],
): unknown[] | null {
  const deltas = new Deltas();
  const states: SessionRow[] = [];
  for (const r of rows) {
    // A user who paused history is not counted, as the session itself is not stored.
    if (r.paused) continue;
    const i = r.i - 1;
    const beat = b.beats[i]!;
    const before: SessionState | undefined =
      r.day === null
        ? undefined
        : {
            day: r.day,
            watched: r.watched!,
            started: r.started!,
            covered: r.covered!,
            position: r.position!,
            flags: r.flags!,
          };
    // An anonymous session without analytics yet counts once its play was counted in the window.
    if (!before && b.viewers[i] !== '' && !r.counted) continue;
    const a = advance(before, beatOf(beat));
    if (!a.changed) continue;
    states.push({ mid: beat.mid, session_key: beat.session_key, aid: beat.aid, cid: beat.cid, ...a.state });
    deltas.add(beat, a.state.day, a);
  }
  // Locking order again (rows come back in any order): the upserts take row locks as they go.
  states.sort((x, y) =>
    x.mid !== y.mid
      ? x.mid - y.mid
      : x.session_key < y.session_key
        ? -1
        : x.session_key > y.session_key
          ? 1
          : 0,
  );
  return states.length > 0 ? analyticsParams(states, deltas) : null;
}

type SessionRow = SessionState & { mid: number; session_key: string; aid: number; cid: number };

/** Every increment of a batch in one statement (in the batch's transaction); the daily viewers come from the viewer rows it inserted. */
export const ANALYTICS_SQL = `
WITH states AS (
  INSERT INTO analytics_sessions AS a (mid, session_key, aid, cid, day, watched, covered, flags, position, started)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::int[], $7::text[], $8::int[],
    $29::int[], $30::bigint[])
  ON CONFLICT (mid, session_key) DO UPDATE SET aid = excluded.aid, cid = excluded.cid,
    watched = excluded.watched, covered = excluded.covered, flags = excluded.flags, position = excluded.position
  RETURNING 1
), new_viewers AS (
  INSERT INTO analytics_viewers (aid, cid, day, mid)
  SELECT * FROM unnest($9::bigint[], $10::bigint[], $11::int[], $12::bigint[])
  ORDER BY 1, 2, 3, 4
  ON CONFLICT DO NOTHING
  RETURNING aid, cid, day
), retention AS (
  INSERT INTO analytics_retention AS r (aid, cid, day, bucket, delta)
  SELECT * FROM unnest($13::bigint[], $14::bigint[], $15::int[], $16::int[], $17::bigint[])
  ON CONFLICT (aid, cid, day, bucket) DO UPDATE SET delta = r.delta + excluded.delta
  RETURNING 1
), users AS (
  INSERT INTO analytics_users AS u (mid, day, plays, watch_time)
  SELECT * FROM unnest($18::bigint[], $19::int[], $20::bigint[], $21::bigint[])
  ON CONFLICT (mid, day) DO UPDATE SET plays = u.plays + excluded.plays,
    watch_time = u.watch_time + excluded.watch_time
  RETURNING 1
)
INSERT INTO analytics_daily AS d (aid, cid, day, plays, viewers, watch_time, completed, kept)
SELECT t.aid, t.cid, t.day, t.plays,
  (SELECT count(*) FROM new_viewers v WHERE v.aid = t.aid AND v.cid = t.cid AND v.day = t.day),
  t.watch_time, t.completed, t.kept
FROM unnest($22::bigint[], $23::bigint[], $24::int[], $25::bigint[], $26::bigint[], $27::bigint[], $28::bigint[])
  AS t(aid, cid, day, plays, watch_time, completed, kept)
ON CONFLICT (aid, cid, day) DO UPDATE SET plays = d.plays + excluded.plays,
  viewers = d.viewers + excluded.viewers, watch_time = d.watch_time + excluded.watch_time,
  completed = d.completed + excluded.completed, kept = d.kept + excluded.kept`;

function analyticsParams(states: readonly SessionRow[], d: Deltas): unknown[] {
  const daily = sortedValues(d.daily);
  const retention = sortedValues(d.retention).filter((r) => r.delta !== 0);
  const users = sortedValues(d.users);
  return [
    states.map((s) => s.mid),
    states.map((s) => s.session_key),
    states.map((s) => s.aid),
    states.map((s) => s.cid),
    states.map((s) => s.day),
    states.map((s) => s.watched),
    states.map((s) => s.covered),
    states.map((s) => s.flags),
    d.viewers.map((v) => v.aid),
    d.viewers.map((v) => v.cid),
    d.viewers.map((v) => v.day),
    d.viewers.map((v) => v.mid),
    retention.map((r) => r.aid),
    retention.map((r) => r.cid),
    retention.map((r) => r.day),
    retention.map((r) => r.bucket),
    retention.map((r) => r.delta),
    users.map((u) => u.mid),
    users.map((u) => u.day),
    users.map((u) => u.plays),
    users.map((u) => u.watch_time),
    daily.map((r) => r.aid),
    daily.map((r) => r.cid),
    daily.map((r) => r.day),
    daily.map((r) => r.plays),
    daily.map((r) => r.watch_time),
    daily.map((r) => r.completed),
    daily.map((r) => r.kept),
    states.map((s) => s.position),
    states.map((s) => s.started),
  ];
}
