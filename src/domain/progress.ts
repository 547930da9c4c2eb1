/**
 * Watch-progress rules (DESIGN.md §4). Progress is kept in seconds per history entry; "finished" is stored
 * and listed as -1, the value the heartbeat uses for "playback completed" (CONTRACT.md §6.2, §7.6).
 */

export const FINISHED = -1;

/** A position this close to the end of a part counts as finished: players stop a little short of it. */
export const FINISH_MARGIN_SECONDS = 5;

/**
 * The progress to store for a reported position in a part of `duration` seconds. A position past the end
 * is clamped to it (and so is finished); position 0 is "just started", never finished, even on a part
 * shorter than the margin.
 */
export function storedProgress(reported: number, duration: number): number {
  if (reported === FINISHED) return FINISHED;
  const clamped = Math.min(reported, duration);
  if (clamped > 0 && clamped >= duration - FINISH_MARGIN_SECONDS) return FINISHED;
  return clamped;
}

/** Whether a reported position is acceptable at all: -1 or a whole number of seconds ≥ 0. */
export function isValidReportedProgress(value: number): boolean {
  return Number.isSafeInteger(value) && value >= FINISHED;
}

/**
 * Where the player resumes (CONTRACT.md §8: `last_play_time` is in milliseconds). A finished part starts
 * over from 0, as Bilibili's player does after "已看完".
 */
export function resumeAtMs(progress: number): number {
  return progress === FINISHED ? 0 : progress * 1000;
}

/**
 * History `dt` (viewing platform, CONTRACT.md §7.1: 1/3/5/7 phone, 2 web, 4/6 pad, 33 TV, 0 other) for a
 * `/x/v2/history/report` call, which names the platform as text. Without one, an APP token means a phone
 * and a cookie means the web.
 */
export function dtForPlatform(platform: string | undefined, mode: 'cookie' | 'app'): number {
  const p = (platform ?? '').trim().toLowerCase();
  if (p === '') return mode === 'app' ? 1 : 2;
  if (p === 'android' || p === 'android_i' || p === 'android_b') return 1;
  if (p === 'ios' || p === 'iphone' || p === 'iphone_i' || p === 'iphone_b') return 3;
  if (p === 'ipad' || p === 'android_hd' || p === 'pad') return 4;
  if (p === 'web' || p === 'pc' || p === 'html5' || p === 'h5') return 2;
  if (p === 'tv' || p === 'android_tv' || p === 'android_tv_yst') return 33;
  return 0;
}
