import { describe, expect, it } from 'vitest';
import { advance } from '../../src/domain/watch-analytics.ts';

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
