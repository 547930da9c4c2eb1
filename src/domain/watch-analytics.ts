/**
 * How one heartbeat advances a play session's analytics (docs/api/analytics.md). Pure: the watch batch
 * reads the session's state, calls `advance`, and adds the returned increments to the aggregates.
 */

/** Position buckets per part: the retention curve has this many points. */
export const BUCKETS = 100;
/** A play that lasted at least this long (watch time, s) did not "exit within 3 s". */
export const KEPT_SECONDS = 3;

/** Rounding slack between reported position and watch time in continuous playback, seconds. */
const SLACK = 2;
/**
 * Watch time a session may count beyond the wall time since its first heartbeat, seconds: a player's
 * first heartbeat may come a little after playback began, and clocks round. Without a bound, one forged
 * `real_played_time` would set an archive's watch time to anything.
 */
export const WATCH_ALLOWANCE = 60;
const COMPLETED = 1;
const KEPT = 2;
const HEX_LENGTH = BUCKETS / 4;
const EMPTY = '0'.repeat(HEX_LENGTH);
const HEX_DIGITS = '0123456789abcdef';

export interface SessionState {
  /** UTC day number of the play's first heartbeat: every figure of the play is filed under it. */
  day: number;
  /** The session's watch time already counted, seconds. */
  watched: number;
  /**
   * Unix seconds of the session's first analysed heartbeat: the session counts at most the wall time since
   * then (plus `WATCH_ALLOWANCE`). 0 for a session recorded before this was kept: no bound.
   */
  started: number;
  /** Covered buckets: a hex bitmap, bucket i is bit (i % 4) of hex digit floor(i / 4). */
  covered: string;
  flags: number;
  /** The position of the previous heartbeat, seconds (the part's duration once finished). */
  position: number;
}

export interface Beat {
  /** Position, seconds; -1 = finished. */
  played_time: number;
  /** The session's cumulative watch time, seconds. */
  real_played_time: number;
  duration: number;
  /** The heartbeat's time, Unix seconds. */
  at: number;
}

export interface Advance {
  state: SessionState;
  /** Whether the session is new (a play). */
  play: boolean;
  watchTime: number;
  newBuckets: number[];
  completed: boolean;
  kept: boolean;
  /** False when nothing changed, so the batch can skip every write. */
  changed: boolean;
}

export const dayOf = (unixSeconds: number): number => Math.floor(unixSeconds / 86_400);

/**
 * The heartbeat's watched interval is the watch time added since the previous one, ending at the
 * reported position: `[position − Δwatch, position]`. So a seek (the position jumps, the watch time does
 * not) covers nothing it skipped, and re-watching an already covered part adds watch time but no bucket.
 * Players report whole seconds, so position and watch time drift apart by a second or two in ordinary
 * playback: when the position moved forward by no more than the watch time plus that slack, the play
 * was continuous and the interval starts at the previous position, leaving no holes in the curve.
 */
export function advance(prev: SessionState | undefined, beat: Beat): Advance {
  const duration = beat.duration > 0 ? beat.duration : 0;
  const watchedNow = Math.max(0, beat.real_played_time);
  const counted = prev ? prev.watched : 0;
  const started = prev ? prev.started : beat.at;
  // Watch time grows no faster than the wall clock: what the client reports beyond that waits until
  // enough time has passed (an honest player's late heartbeats), and a forged value never counts.
  const allowed = started > 0 ? Math.max(0, beat.at - started) + WATCH_ALLOWANCE - counted : Infinity;
  const delta = Math.max(0, Math.min(watchedNow - counted, allowed));
  const position = beat.played_time < 0 ? duration : Math.min(beat.played_time, duration);
  const newBuckets: number[] = [];
  let bits = prev ? prev.covered : EMPTY;
  // A forward step within the slack is playback even when the whole-second watch time has not moved yet.
  const continuous =
    prev !== undefined && position > prev.position && position - prev.position <= delta + SLACK;
  if (duration > 0 && (!prev || delta > 0 || continuous)) {
    const from = continuous ? prev.position : Math.max(0, position - delta);
    const first = Math.min(BUCKETS - 1, Math.floor((from * BUCKETS) / duration));
    const last =
      position > from
        ? Math.min(BUCKETS - 1, Math.max(first, Math.ceil((position * BUCKETS) / duration) - 1))
        : first;
    bits = cover(bits, first, last, newBuckets);
  }
  const flags = prev ? prev.flags : 0;
  const lastDigit = hexValue(bits, HEX_LENGTH - 1);
  const reachedEnd = beat.played_time === -1 || (lastDigit & (1 << ((BUCKETS - 1) % 4))) !== 0;
  const completed = reachedEnd && (flags & COMPLETED) === 0;
  const watched = counted + delta;
  const kept = watched >= KEPT_SECONDS && (flags & KEPT) === 0;
  const state: SessionState = {
    day: prev ? prev.day : dayOf(beat.at),
    watched,
    started,
    covered: bits,
    flags: flags | (completed ? COMPLETED : 0) | (kept ? KEPT : 0),
    position,
  };
  return {
    state,
    play: !prev,
    watchTime: delta,
    newBuckets,
    completed,
    kept,
    changed: !prev || delta > 0 || newBuckets.length > 0 || completed || kept || position !== prev.position,
  };
}

/**
 * Sets buckets `first`–`last` in the hex bitmap, appending the ones not set before to `added` (ascending),
 * and returns the new bitmap. Only the digits of that range are read and rewritten: this runs for every
 * heartbeat, inside the watch batch.
 */
function cover(bits: string, first: number, last: number, added: number[]): string {
  const lo = first >> 2;
  const hi = last >> 2;
  let digits = '';
  let changed = false;
  for (let i = lo; i <= hi; i++) {
    const before = hexValue(bits, i);
    let digit = before;
    for (let b = Math.max(first, i * 4), end = Math.min(last, i * 4 + 3); b <= end; b++) {
      const mask = 1 << (b & 3);
      if ((digit & mask) === 0) {
        digit |= mask;
        added.push(b);
      }
    }
    changed ||= digit !== before;
    digits += HEX_DIGITS[digit];
  }
  return changed ? bits.slice(0, lo) + digits + bits.slice(hi + 1) : bits;
}

/** The value of the bitmap's hex digit at `i` (either case, as `parseInt` reads it). */
function hexValue(bits: string, i: number): number {
  const c = bits.charCodeAt(i);
  // '0'–'9', then 'a'–'f' or 'A'–'F' (bit 5 set lowers the case).
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}
