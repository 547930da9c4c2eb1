import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WATCH_ALLOWANCE, advance } from '../../src/domain/watch-analytics.ts';
import type { Beat, SessionState } from '../../src/domain/watch-analytics.ts';

const beat = (played_time: number, real_played_time: number) => ({
  played_time,
  real_played_time,
  duration: 100,
  at: 86_400 * 3 + 10,
});

describe('watch analytics: one heartbeat at a time', () => {
  it('continuous playback with whole-second drift leaves no hole; a seek covers nothing it skipped', () => {
    const a = advance(undefined, beat(0, 0));
    expect(a).toMatchObject({ play: true, newBuckets: [0], watchTime: 0 });
    // The position moved 3 s while the watch time says 2: still continuous, 0–3 covered.
    const b = advance(a.state, beat(3, 2));
    expect(b.newBuckets).toEqual([1, 2]);
    // One more second of position before the watch time moves (rounding): still covered.
    expect(advance(b.state, beat(4, 2)).newBuckets).toEqual([3]);
    // A jump of 40 s with 2 s of watch time: a seek, only the last 2 s count.
    const c = advance(b.state, beat(45, 4));
    expect(c.newBuckets).toEqual([43, 44]);
    expect(c.state.day).toBe(3);
  });

  it('a repeated heartbeat changes nothing; the 3 s and completion counters fire once', () => {
    const a = advance(advance(undefined, beat(0, 0)).state, beat(5, 5));
    expect(a).toMatchObject({ kept: true, completed: false });
    expect(advance(a.state, beat(5, 5))).toMatchObject({ changed: false, newBuckets: [], watchTime: 0 });
    const end = advance(a.state, beat(-1, 6));
    expect(end).toMatchObject({ completed: true, kept: false });
    expect(advance(end.state, beat(-1, 6)).completed).toBe(false);
  });
});

/**
 * `advance` as it was first written (every digit of the bitmap parsed and written again): the reference
 * the faster bitmap step is held to.
 */
function referenceAdvance(prev: SessionState | undefined, beat: Beat) {
  const duration = beat.duration > 0 ? beat.duration : 0;
  const watchedNow = Math.max(0, beat.real_played_time);
  const delta = prev ? Math.max(0, watchedNow - prev.watched) : watchedNow;
  const position = beat.played_time < 0 ? duration : Math.min(beat.played_time, duration);
  const newBuckets: number[] = [];
  let bits = prev ? prev.covered : '0'.repeat(25);
  const continuous = prev !== undefined && position > prev.position && position - prev.position <= delta + 2;
  if (duration > 0 && (!prev || delta > 0 || continuous)) {
    const from = continuous ? prev.position : Math.max(0, position - delta);
    const first = Math.min(99, Math.floor((from * 100) / duration));
    const last =
      position > from ? Math.min(99, Math.max(first, Math.ceil((position * 100) / duration) - 1)) : first;
    const digits = bits.split('').map((d) => parseInt(d, 16));
    for (let b = first; b <= last; b++) {
      const mask = 1 << (b % 4);
      if ((digits[b >> 2]! & mask) === 0) {
        digits[b >> 2]! |= mask;
        newBuckets.push(b);
      }
    }
    if (newBuckets.length > 0) bits = digits.map((d) => d.toString(16)).join('');
  }
  const reachedEnd = beat.played_time === -1 || (parseInt(bits[24]!, 16) & 8) !== 0;
  return { covered: bits, newBuckets, reachedEnd };
}

describe('watch analytics: the bitmap', () => {
  it('covers exactly what parsing every digit covered, over random sessions', () => {
    const beats = fc.array(
      fc.record({ played: fc.integer({ min: -1, max: 1000 }), watched: fc.integer({ min: -5, max: 1200 }) }),
      { minLength: 1, maxLength: 40 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), beats, (duration, list) => {
        let state: SessionState | undefined;
        for (const { played, watched } of list) {
          const beat = { played_time: played, real_played_time: watched, duration, at: 0 };
          const a = advance(state, beat);
          const ref = referenceAdvance(state, beat);
          expect(a.state.covered).toBe(ref.covered);
          expect(a.newBuckets).toEqual(ref.newBuckets);
          expect(a.completed).toBe(ref.reachedEnd && ((state?.flags ?? 0) & 1) === 0);
          state = a.state;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('watch analytics: watch time never outpaces the clock', () => {
  const T = 1_765_000_000;
  const at = (seconds: number, real: number, played = 10) => ({
    played_time: played,
    real_played_time: real,
    duration: 600,
    at: T + seconds,
  });

  it('a forged watch time counts at most the allowance, and then what the clock allows', () => {
    const first = advance(undefined, at(0, 2_147_483_647));
    expect(first.watchTime).toBe(WATCH_ALLOWANCE);
    expect(first.state).toMatchObject({ watched: WATCH_ALLOWANCE, started: T });
    // A hundred more at the same second add nothing.
    let state = first.state;
    for (let i = 0; i < 100; i++) {
      const a = advance(state, at(0, 2_147_483_647));
      expect(a.watchTime).toBe(0);
      state = a.state;
    }
    // 30 s later, 30 s more.
    const later = advance(state, at(30, 2_147_483_647));
    expect(later.watchTime).toBe(30);
    expect(later.state.watched).toBe(WATCH_ALLOWANCE + 30);
  });

  it('an honest player whose heartbeats arrive late still gets all of its watch time', () => {
    // Heartbeats every 15 s of playback, but the first three held back and sent at once at 45 s.
    let a = advance(undefined, at(0, 0, 0));
    for (const real of [15, 30, 45]) a = advance(a.state, at(45, real, real));
    expect(a.state.watched).toBe(45);
    // A session that reports 200 s after 100 s of wall time: 160 now, the rest as time passes.
    let b = advance(undefined, at(0, 0, 0));
    b = advance(b.state, at(100, 200, 200));
    expect(b.state.watched).toBe(160);
    b = advance(b.state, at(140, 200, 200));
    expect(b.watchTime).toBe(40);
    expect(b.state.watched).toBe(200);
  });
});
