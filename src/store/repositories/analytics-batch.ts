import type SQLite from 'better-sqlite3';
import type pg from 'pg';
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
        'SELECT day, watched, covered, flags, position FROM analytics_sessions WHERE mid = ? AND session_key = ?',
      ),
      put: db.prepare(
        `INSERT INTO analytics_sessions (mid, session_key, aid, cid, day, watched, covered, flags, position)
         VALUES (@mid, @session_key, @aid, @cid, @day, @watched, @covered, @flags, @position)
         ON CONFLICT (mid, session_key) DO UPDATE SET aid = excluded.aid, cid = excluded.cid,
           watched = excluded.watched, covered = excluded.covered, flags = excluded.flags,
           position = excluded.position`,
      ),
      viewer: db.prepare(
        'INSERT INTO analytics_viewers (aid, cid, day, mid) VALUES (@aid, @cid, @day, @mid) ON CONFLICT DO NOTHING',
      ),
      daily: db.prepare(
        `INSERT INTO analytics_daily (aid, cid, day, plays, viewers, watch_time, completed, kept)
         VALUES (@aid, @cid, @day, @plays, @viewers, @watch_time, @completed, @kept)
         ON CONFLICT (aid, cid, day) DO UPDATE SET plays = plays + excluded.plays,
           viewers = viewers + excluded.viewers, watch_time = watch_time + excluded.watch_time,
           completed = completed + excluded.completed, kept = kept + excluded.kept`,
      ),
      retention: db.prepare(
        `INSERT INTO analytics_retention (aid, cid, day, bucket, delta) VALUES (@aid, @cid, @day, @bucket, @delta)
         ON CONFLICT (aid, cid, day, bucket) DO UPDATE SET delta = delta + excluded.delta`,
      ),
      user: db.prepare(
        `INSERT INTO analytics_users (mid, day, plays, watch_time) VALUES (@mid, @day, @plays, @watch_time)
         ON CONFLICT (mid, day) DO UPDATE SET plays = plays + excluded.plays,
           watch_time = watch_time + excluded.watch_time`,
      ),
    };
  }

  beat(b: AnalyticsBeat): void {
    const prev = this.s.get.get(b.mid, b.session_key) as SessionState | undefined;
    const a = advance(prev, beatOf(b));
    // A repeated heartbeat (paused, or a retry) costs one primary-key read and nothing else.
    if (!a.changed) return;
    this.s.put.run({ mid: b.mid, session_key: b.session_key, aid: b.aid, cid: b.cid, ...a.state });
    this.deltas.add(b, a.state.day, a);
  }

  /** An anonymous heartbeat: run after the batch item's play, so a play counted just now is seen. */
  guest(g: GuestBeat): void {
    const b = guestAnalyticsBeat(g);
    const prev = this.s.get.get(0, b.session_key) as SessionState | undefined;
    if (!prev && !this.s.counted.get(g.viewer, g.aid, g.at - this.playWindowSeconds)) return;
    const a = advance(prev, beatOf(b));
    if (!a.changed) return;
    this.s.put.run({ mid: 0, session_key: b.session_key, aid: b.aid, cid: b.cid, ...a.state });
    this.deltas.add(b, a.state.day, a);
  }

  flush(): void {
    const d = this.deltas;
    this.deltas = new Deltas();
    for (const v of d.viewers) {
      if (this.s.viewer.run(v).changes > 0) d.daily.get(`${v.aid}:${v.cid}:${v.day}`)!.viewers++;
    }
    for (const row of d.daily.values()) this.s.daily.run(row);
    for (const row of d.retention.values()) this.s.retention.run(row);
    for (const row of d.users.values()) this.s.user.run(row);
  }
}

/**
 * PostgreSQL: after the batch's statement, one transaction locks the batch's sessions' analytics rows,
 * advances them in JS and writes every increment in one statement. Two nodes starting the same session
 * at the same moment could both count it as a new play (no row to lock yet); a session's heartbeats come
 * from one player 15 s apart, so this is documented rather than prevented.
 */
export async function writePostgresAnalytics(
  pool: pg.Pool,
  signedIn: readonly AnalyticsBeat[],
  guests: readonly GuestBeat[] = [],
  playWindowSeconds = 0,
): Promise<void> {
  if (signedIn.length === 0 && guests.length === 0) return;
  const guestBeats = guests.map(guestAnalyticsBeat);
  // One order for every batch (mid, then key), so concurrent batches lock session rows alike.
  const beats = [...signedIn, ...guestBeats].sort(
    (a, b) => a.mid - b.mid || (a.session_key < b.session_key ? -1 : a.session_key > b.session_key ? 1 : 0),
  );
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const mids = beats.map((b) => b.mid);
    const { rows } = await client.query<SessionState & { mid: string; session_key: string }>(
      `SELECT a.mid::text AS mid, a.session_key, a.day, a.watched, a.covered, a.flags, a.position
       FROM analytics_sessions a
       WHERE (a.mid, a.session_key) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))
       ORDER BY a.mid, a.session_key
       FOR UPDATE`,
      [mids, beats.map((b) => b.session_key)],
    );
    const paused = await client.query<{ mid: string }>(
      'SELECT mid::text AS mid FROM history_prefs WHERE mid = ANY($1::bigint[]) AND paused = 1',
      [mids],
    );
    const pausedMids = new Set(paused.rows.map((r) => Number(r.mid)));
    const prev = new Map<string, SessionState>();
    for (const r of rows) {
      prev.set(`${r.mid}\u0000${r.session_key}`, {
        day: r.day,
        watched: r.watched,
        covered: r.covered,
        position: r.position,
        flags: r.flags,
      });
    }
    // An anonymous session without analytics yet counts once its play was counted in the window.
    const newGuests = guests.filter((_, i) => !prev.has(`0\u0000${guestBeats[i]!.session_key}`));
    const counted = new Set<string>();
    if (newGuests.length > 0) {
      const found = await client.query<{ viewer: string; aid: string }>(
        `SELECT t.viewer, t.aid::text AS aid FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(viewer, aid, at)
         WHERE EXISTS (SELECT 1 FROM play_counts c WHERE c.viewer = t.viewer AND c.aid = t.aid
           AND c.counted_at > t.at - $4::bigint)`,
        [
          newGuests.map((g) => g.viewer),
          newGuests.map((g) => g.aid),
          newGuests.map((g) => g.at),
          playWindowSeconds,
        ],
      );
      for (const r of found.rows) counted.add(`${r.viewer}\u0000${r.aid}`);
    }
    const guestOf = new Map(guestBeats.map((b, i) => [b.session_key, guests[i]!]));
    const deltas = new Deltas();
    const states: (SessionState & { mid: number; session_key: string; aid: number; cid: number })[] = [];
    for (const b of beats) {
      // A user who paused history is not counted, as the session itself is not stored.
      if (pausedMids.has(b.mid)) continue;
      const before = prev.get(`${b.mid}\u0000${b.session_key}`);
      if (b.mid === 0 && !before) {
        const g = guestOf.get(b.session_key)!;
        if (!counted.has(`${g.viewer}\u0000${g.aid}`)) continue;
      }
      const a = advance(before, beatOf(b));
      if (!a.changed) continue;
      states.push({ mid: b.mid, session_key: b.session_key, aid: b.aid, cid: b.cid, ...a.state });
      deltas.add(b, a.state.day, a);
    }
    if (states.length > 0) await client.query(ANALYTICS_SQL, analyticsParams(states, deltas));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Every increment of a batch in one statement; the daily viewers come from the viewer rows it inserted. */
const ANALYTICS_SQL = `
WITH states AS (
  INSERT INTO analytics_sessions AS a (mid, session_key, aid, cid, day, watched, covered, flags, position)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::int[], $7::text[], $8::int[],
    $29::int[])
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

function analyticsParams(
  states: readonly (SessionState & { mid: number; session_key: string; aid: number; cid: number })[],
  d: Deltas,
): unknown[] {
  const daily = sortedValues(d.daily);
  const retention = sortedValues(d.retention);
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
  ];
}
