import type { Clock } from '../clock.ts';

export interface ClockState {
  /** The clock's current time, Unix ms. */
  now_ms: number;
  /** now_ms minus the wrapped (real) clock's time. */
  offset_ms: number;
  frozen: boolean;
}

/**
 * The toolkit's virtual clock: the wrapped clock (the system clock in production) moved by an offset, or
 * stopped at a point. Every service reads this one instance, so setting it moves ctime, view_at, duplicate
 * windows, QR and session expiry, Wbi keys and online windows together. Real time while untouched.
 */
export class ControllableClock implements Clock {
  private offset = 0;
  private frozenAt: number | null = null;

  constructor(private readonly base: Clock) {}

  nowMs(): number {
    return this.frozenAt ?? this.base.nowMs() + this.offset;
  }

  state(): ClockState {
    const now = this.nowMs();
    return { now_ms: now, offset_ms: now - this.base.nowMs(), frozen: this.frozenAt !== null };
  }

  /** Jumps to `ms` (stays frozen there when frozen). */
  set(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt = ms;
    else this.offset = ms - this.base.nowMs();
  }

  advance(ms: number): void {
    this.set(this.nowMs() + ms);
  }

  /** Freezing stops at the current time; unfreezing runs on from the frozen point. */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.nowMs();
    else if (!frozen && this.frozenAt !== null) {
      this.offset = this.frozenAt - this.base.nowMs();
      this.frozenAt = null;
    }
  }

  /** Back to the wrapped clock's time, running. */
  reset(): void {
    this.offset = 0;
    this.frozenAt = null;
  }

  /** What another node needs to read the same time (cluster mode: stored, and loaded by every node). */
  snapshot(): { offset_ms: number; frozen_at: number | null } {
    return { offset_ms: this.offset, frozen_at: this.frozenAt };
  }

  load(state: { offset_ms: number; frozen_at: number | null }): void {
    this.offset = state.offset_ms;
    this.frozenAt = state.frozen_at;
  }
}
