/**
 * What Bilibili's web player reports while a video plays (CONTRACT.md §6.2): `play_type` 1 when playback
 * starts, 0 every 15 s while it plays, 2 on pause, 3 on resume, 4 with `played_time=-1` at the end. The
 * page adds `/x/v2/history/report` when it is left. No DOM here, so the rules are unit-tested in Node.
 */

export const PLAY_TYPE = { playing: 0, start: 1, pause: 2, resume: 3, end: 4 } as const;
export type PlayType = (typeof PLAY_TYPE)[keyof typeof PLAY_TYPE];

export const DEFAULT_HEARTBEAT_MS = 15_000;

/** The part of an HTMLVideoElement the reporter reads. */
export interface PlaybackSource {
  readonly currentTime: number;
  readonly duration: number;
  readonly ended: boolean;
}

export interface Heartbeat {
  play_type: PlayType;
  /** Position in whole seconds; -1 once playback reached the end. */
  played_time: number;
  /** Seconds of actual playback in this page session (the docs suggest reporting it for both fields). */
  realtime: number;
  real_played_time: number;
  video_duration: number;
  last_play_progress_time: number;
  max_play_progress_time: number;
  /** Unix seconds at which playback first started on this page. */
  start_ts: number;
}

export interface ReporterOptions {
  send(beat: Heartbeat): void;
  intervalMs?: number;
  nowMs?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

type State = 'idle' | 'playing' | 'paused' | 'ended';

export class HeartbeatReporter {
  private state: State = 'idle';
  private timer: unknown = null;
  private playedMs = 0;
  private playingSince = 0;
  private startTs = 0;
  private maxProgress = 0;
  private readonly intervalMs: number;
  private readonly nowMs: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly source: PlaybackSource,
    private readonly options: ReporterOptions,
  ) {
    this.intervalMs = Math.max(100, options.intervalMs ?? DEFAULT_HEARTBEAT_MS);
    this.nowMs = options.nowMs ?? (() => Date.now());
    this.setTimer = options.setInterval ?? ((fn, ms) => setInterval(fn, ms));
    this.clearTimer =
      options.clearInterval ?? ((handle) => clearInterval(handle as ReturnType<typeof setInterval>));
  }

  /** The media element's `play` event. */
  onPlay(): void {
    if (this.state === 'playing') return;
    // After the end, playing again is a new start, as on Bilibili.
    const type = this.state === 'paused' ? PLAY_TYPE.resume : PLAY_TYPE.start;
    if (type === PLAY_TYPE.start) {
      this.startTs = Math.floor(this.nowMs() / 1000);
      this.playedMs = 0;
      this.maxProgress = 0;
    }
    this.state = 'playing';
    this.playingSince = this.nowMs();
    this.emit(type);
    this.timer = this.setTimer(() => this.tick(), this.intervalMs);
  }

  /** The media element's `pause` event. The pause that precedes `ended` is not a user pause. */
  onPause(): void {
    if (this.state !== 'playing' || this.source.ended) return;
    this.stopClock();
    this.state = 'paused';
    this.emit(PLAY_TYPE.pause);
  }

  /** The media element's `ended` event. */
  onEnded(): void {
    if (this.state === 'ended' || this.state === 'idle') return;
    this.stopClock();
    this.state = 'ended';
    this.emit(PLAY_TYPE.end);
  }

  /** Stops the clock when the page goes away; returns the progress to report (seconds), or null if never played. */
  leave(): number | null {
    if (this.state === 'playing') this.stopClock();
    if (this.state === 'idle') return null;
    const progress = this.position();
    if (this.state === 'playing') this.state = 'paused';
    return this.state === 'ended' ? Math.floor(this.duration()) : progress;
  }

  get playing(): boolean {
    return this.state === 'playing';
  }

  private tick(): void {
    if (this.state === 'playing') this.emit(PLAY_TYPE.playing);
  }

  private stopClock(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.playedMs += Math.max(0, this.nowMs() - this.playingSince);
    this.playingSince = this.nowMs();
  }

  private position(): number {
    return Math.max(0, Math.floor(this.source.currentTime || 0));
  }

  private duration(): number {
    const d = this.source.duration;
    return Number.isFinite(d) && d > 0 ? d : 0;
  }

  private emit(type: PlayType): void {
    const position = this.position();
    this.maxProgress = Math.max(this.maxProgress, position);
    const runningMs = this.state === 'playing' ? this.nowMs() - this.playingSince : 0;
    const played = Math.floor((this.playedMs + runningMs) / 1000);
    this.options.send({
      play_type: type,
      played_time: type === PLAY_TYPE.end ? -1 : position,
      realtime: played,
      real_played_time: played,
      video_duration: Math.floor(this.duration()),
      last_play_progress_time: position,
      max_play_progress_time: this.maxProgress,
      start_ts: this.startTs,
    });
  }
}
