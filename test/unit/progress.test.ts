import { describe, expect, it } from 'vitest';
import {
  FINISHED,
  dtForPlatform,
  isValidReportedProgress,
  resumeAtMs,
  storedProgress,
} from '../../src/domain/progress.ts';
import { mergeBatch } from '../../src/store/repositories/watch-batch.repository.ts';

describe('watch progress rules (DESIGN.md §4)', () => {
  it.each([
    [0, 245, 0],
    [60, 245, 60],
    [239, 245, 239],
    [240, 245, FINISHED],
    [245, 245, FINISHED],
    [9999, 245, FINISHED],
    [FINISHED, 245, FINISHED],
    [0, 3, 0],
    [1, 3, FINISHED],
  ])('reported %i on a %i-s part is stored as %i', (reported, duration, stored) => {
    expect(storedProgress(reported, duration)).toBe(stored);
  });

  it('accepts -1 and whole seconds ≥ 0 only', () => {
    expect([-1, 0, 1, 86400].map(isValidReportedProgress)).toEqual([true, true, true, true]);
    expect([-2, -100, 1.5, Number.NaN].map(isValidReportedProgress)).toEqual([false, false, false, false]);
  });

  it('resumes in milliseconds, from the start when finished', () => {
    expect(resumeAtMs(60)).toBe(60_000);
    expect(resumeAtMs(0)).toBe(0);
    expect(resumeAtMs(FINISHED)).toBe(0);
  });

  it('maps report platforms to dt codes', () => {
    expect(dtForPlatform('android', 'app')).toBe(1);
    expect(dtForPlatform('iPhone', 'app')).toBe(3);
    expect(dtForPlatform('ipad', 'app')).toBe(4);
    expect(dtForPlatform('web', 'cookie')).toBe(2);
    expect(dtForPlatform('android_tv', 'app')).toBe(33);
    expect(dtForPlatform('car', 'app')).toBe(0);
    expect(dtForPlatform(undefined, 'app')).toBe(1);
    expect(dtForPlatform('', 'cookie')).toBe(2);
  });
});

describe('mergeBatch (one row per key per statement)', () => {
  const h = (mid: number, kid: number, progress: number) => ({
    history: {
      mid,
      business: 'archive',
      kid,
      oid: kid,
      epid: 0,
      cid: 1,
      page: 1,
      progress,
      dt: 2,
      view_at: 1,
    },
  });
  const s = (session_key: string, realtime: number, real: number, played: number, at: number) => ({
    session: {
      mid: 7,
      session_key,
      aid: 1,
      cid: 1,
      start_ts: at,
      played_time: played,
      realtime,
      real_played_time: real,
      video_duration: 100,
      play_type: 0,
      at,
    },
  });

  it('keeps the last report of each history entry, sorted by user', () => {
    const m = mergeBatch([h(9, 1, 10), h(3, 1, 5), h(9, 1, 20), h(3, 2, 7)]);
    expect(m.history.map((r) => [r.mid, r.kid, r.progress])).toEqual([
      [3, 1, 5],
      [3, 2, 7],
      [9, 1, 20],
    ]);
  });

  it('folds heartbeats of one session: largest times, last position, counted heartbeats', () => {
    const m = mergeBatch([s('a', 15, 15, 15, 100), s('a', 30, 28, 31, 115), s('a', 20, 40, 20, 130)]);
    expect(m.sessions).toHaveLength(1);
    expect(m.sessions[0]).toMatchObject({
      start_ts: 100,
      realtime: 30,
      real_played_time: 40,
      played_time: 20,
      heartbeats: 3,
      first_at: 100,
      at: 130,
    });
  });

  it('counts a play once per viewer and archive', () => {
    const m = mergeBatch([
      { play: { viewer: 'm:1', aid: 5, at: 1 } },
      { play: { viewer: 'm:1', aid: 5, at: 2 } },
      { play: { viewer: 'm:2', aid: 5, at: 2 } },
    ]);
    expect(m.plays).toEqual([
      { viewer: 'm:1', aid: 5, at: 1 },
      { viewer: 'm:2', aid: 5, at: 2 },
    ]);
  });
});
