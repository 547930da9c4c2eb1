import { describe, expect, it } from 'vitest';
import { messageLength, tokenizeMessage } from '../../web/src/comments/message-tokens.ts';
import { DEFAULT_HEARTBEAT_MS, HeartbeatReporter } from '../../web/src/player/heartbeat-reporter.ts';
import type { Heartbeat } from '../../web/src/player/heartbeat-reporter.ts';

/** A fake <video> and clock: the reporter's rules without a browser. */
function harness(intervalMs?: number) {
  const media = { currentTime: 0, duration: 24.007, ended: false };
  let now = 1_700_000_000_000;
  const timers = new Map<number, { fn: () => void; ms: number; next: number }>();
  let ids = 0;
  const sent: Heartbeat[] = [];
  const reporter = new HeartbeatReporter(media, {
    send: (beat) => sent.push(beat),
    ...(intervalMs === undefined ? {} : { intervalMs }),
    nowMs: () => now,
    setInterval: (fn, ms) => {
      timers.set(++ids, { fn, ms, next: now + ms });
      return ids;
    },
    clearInterval: (id) => timers.delete(id as number),
  });
  /** Plays for `seconds` of wall time, the media position moving along. */
  const play = (seconds: number) => {
    const end = now + seconds * 1000;
    while (now < end) {
      now += 100;
      media.currentTime = Math.min(media.duration, media.currentTime + 0.1);
      for (const t of timers.values()) {
        if (now >= t.next) {
          t.next += t.ms;
          t.fn();
        }
      }
    }
  };
  return { media, reporter, sent, play, timers, types: () => sent.map((b) => b.play_type).join('') };
}

describe('HeartbeatReporter (what the web player reports)', () => {
  it('defaults to Bilibili’s 15 s interval', () => {
    const h = harness();
    expect(DEFAULT_HEARTBEAT_MS).toBe(15_000);
    h.reporter.onPlay();
    h.play(14.9);
    expect(h.types()).toBe('1');
    h.play(0.2);
    expect(h.types()).toBe('10');
    h.play(15);
    expect(h.types()).toBe('100');
  });

  it('1 on start, 0 while playing, 2 on pause, 3 on resume, 4 with played_time -1 at the end', () => {
    const h = harness(1000);
    h.reporter.onPlay();
    expect(h.sent[0]).toMatchObject({ play_type: 1, played_time: 0, realtime: 0, start_ts: 1_700_000_000 });
    h.play(2.05);
    h.reporter.onPause();
    expect(h.types()).toBe('1002');
    expect(h.sent.at(-1)).toMatchObject({
      play_type: 2,
      played_time: 2,
      real_played_time: 2,
      video_duration: 24,
    });
    h.play(5); // paused: the clock is stopped, nothing is sent
    expect(h.timers.size).toBe(0);
    expect(h.types()).toBe('1002');
    h.reporter.onPlay();
    expect(h.sent.at(-1)).toMatchObject({ play_type: 3, real_played_time: 2 });
    h.media.currentTime = 23.5;
    h.play(0.6);
    // The browser fires `pause` (with `ended` already true) and then `ended`.
    h.media.ended = true;
    h.reporter.onPause();
    h.reporter.onEnded();
    expect(h.types()).toBe('100234');
    expect(h.sent.at(-1)).toMatchObject({
      play_type: 4,
      played_time: -1,
      last_play_progress_time: 24,
      max_play_progress_time: 24,
    });
    expect(h.timers.size).toBe(0);
  });

  it('playing again after the end is a new start; repeated events are ignored', () => {
    const h = harness(1000);
    h.reporter.onPause(); // before any play: nothing
    h.reporter.onEnded();
    expect(h.sent).toEqual([]);
    h.reporter.onPlay();
    h.reporter.onPlay();
    h.media.ended = true;
    h.reporter.onEnded();
    h.reporter.onEnded();
    h.media.ended = false;
    h.media.currentTime = 0;
    h.reporter.onPlay();
    expect(h.types()).toBe('141');
  });

  it('leave() gives the position to report (the duration once ended), or null if nothing played', () => {
    const h = harness(1000);
    expect(h.reporter.leave()).toBeNull();
    h.reporter.onPlay();
    h.play(3.3);
    expect(h.reporter.leave()).toBe(3);
    expect(h.timers.size).toBe(0);
    h.reporter.onPlay();
    expect(h.sent.at(-1)!.play_type).toBe(3);
    h.media.ended = true;
    h.reporter.onEnded();
    expect(h.reporter.leave()).toBe(24);
  });
});

describe('tokenizeMessage (comment text → text, emotes, mentions)', () => {
  it('splits resolved emote escapes and listed mentions; everything else stays text', () => {
    expect(tokenizeMessage('hi [doge][unknown] @bob and @bobby!', ['[doge]'], ['bob', 'bobby'])).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'emote', text: '[doge]' },
      { kind: 'text', text: '[unknown] ' },
      { kind: 'mention', text: '@bob', uname: 'bob' },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@bobby', uname: 'bobby' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('keeps markup as text and handles unclosed brackets and unknown names', () => {
    expect(tokenizeMessage('<img src=x onerror=alert(1)> [oops @nobody', ['[doge]'], ['bob'])).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)> [oops @nobody' },
    ]);
    expect(tokenizeMessage('回复 @小明 :好[微笑]', ['[微笑]'], ['小明'])).toEqual([
      { kind: 'text', text: '回复 ' },
      { kind: 'mention', text: '@小明', uname: '小明' },
      { kind: 'text', text: ' :好' },
      { kind: 'emote', text: '[微笑]' },
    ]);
    expect(tokenizeMessage('', [], [])).toEqual([]);
  });

  it('measures length in code points after trimming, as the server does', () => {
    expect(messageLength('  😀a  ')).toBe(2);
    expect(messageLength('中文')).toBe(2);
  });
});
