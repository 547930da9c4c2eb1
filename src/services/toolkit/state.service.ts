import { BiliError } from '../../errors.ts';
import type { SeedWork, SnapshotInfo } from '../../store/toolkit/toolkit-state.store.ts';
import type { ToolkitStateStore } from '../../store/toolkit/toolkit-state.store.ts';
import type { Store } from '../../store/store.ts';
import type { Clock } from '../clock.ts';
import { nowSeconds } from '../clock.ts';

export type { SnapshotInfo } from '../../store/toolkit/toolkit-state.store.ts';

/** What the rest of the process must do around a reset or restore (wired in services.ts). */
export interface StateHooks {
  /** Commits what the batchers gathered, so no acknowledged write lands after the reset. */
  flush(): Promise<void>;
  /** Rows startup seeds (the shipped emote packages), written in the reset's own transaction. */
  seed: SeedWork;
  /** Drops every cache and in-memory counter of this node and reloads what startup loads. */
  dropCaches(): Promise<void>;
}

/** A fixture loader: writes the fixture's rows in the transaction it is given (see fixture.service.ts). */
export type FixtureWork = SeedWork;

const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** How long a reset waits for this node's requests in flight to finish before it goes ahead anyway. */
const DRAIN_MS = 5000;

/**
 * Reset to empty (or to the loaded fixture) and named snapshots (docs/toolkit.md "Reset and snapshots").
 *
 * Each is one transaction, so any node sees the state before or after it. On the node that runs it, new
 * requests wait at a gate while requests in flight finish first (up to DRAIN_MS): a request either
 * completes before the reset or starts after it. Other nodes follow through the epoch: a `change_versions`
 * row moved in the same transaction, read at most once a second per node (`follow`), and a moved epoch
 * drops all of that node's caches before the request that noticed it goes on.
 */
export class ToolkitStateService {
  private readonly state: ToolkitStateStore;
  private epoch: number | null = null;
  /**
   * The epoch was read less than `checkEveryMs` ago. Cleared by a timer rather than compared with a clock
   * read, so the common request (`tryEnter`) reads no clock at all. Real time, not the injected clock: a
   * frozen virtual clock must not stop nodes from following.
   */
  private fresh = false;
  private staleTimer: NodeJS.Timeout | null = null;
  private pendingCheck: Promise<void> | null = null;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private gate: Promise<void> | null = null;
  private fixture: FixtureWork | null = null;

  constructor(
    store: Store,
    private readonly clock: Clock,
    private readonly hooks: StateHooks,
    private readonly checkEveryMs = 1000,
  ) {
    this.state = store.createToolkitState();
  }

  /** The fixture `reset {to: "fixture"}` reloads: the one loaded at start, or the last loaded since. */
  setFixture(work: FixtureWork): void {
    this.fixture = work;
  }

  get hasFixture(): boolean {
    return this.fixture !== null;
  }

  async reset(to: 'empty' | 'fixture'): Promise<void> {
    const fixture = this.fixture;
    if (to === 'fixture' && !fixture) {
      throw new BiliError(-404, 'no fixture loaded: start with --fixture FILE or POST /toolkit/fixture');
    }
    await this.exclusive(() =>
      this.state.reset(async (tx) => {
        await this.hooks.seed(tx);
        if (to === 'fixture' && fixture) await fixture(tx);
      }),
    );
  }

  /** Replaces the state with a fixture (empty state + seeds + the fixture's rows) and remembers it. */
  async loadFixture(work: FixtureWork): Promise<void> {
    await this.exclusive(() =>
      this.state.reset(async (tx) => {
        await this.hooks.seed(tx);
        await work(tx);
      }),
    );
    this.fixture = work;
  }

  saveSnapshot(name: string): Promise<SnapshotInfo> {
    checkName(name);
    return this.state.save(name, nowSeconds(this.clock));
  }

  listSnapshots(): Promise<SnapshotInfo[]> {
    return this.state.list();
  }

  async restoreSnapshot(name: string): Promise<void> {
    checkName(name);
    const found = await this.exclusive(() => this.state.restore(name));
    if (!found) throw new BiliError(-404, `no snapshot named ${name}`);
  }

  async deleteSnapshot(name: string): Promise<void> {
    checkName(name);
    if (!(await this.state.remove(name))) throw new BiliError(-404, `no snapshot named ${name}`);
  }

  /**
   * Called at the start of every request while the toolkit is on: waits behind a reset running on this
   * node, counts the request in flight (call `leave` when it ends), and drops this node's caches when
   * another node moved the epoch (checked at most once per `checkEveryMs`).
   */
  async enter(): Promise<void> {
    while (this.gate) await this.gate;
    this.inFlight++;
    try {
      await this.follow();
    } catch (error) {
      this.leave();
      throw error;
    }
  }

  /**
   * `enter` without a promise when nothing needs waiting for (no reset running here, the epoch checked
   * less than `checkEveryMs` ago): true when the request is now counted in flight; false when the caller
   * must `await enter()` instead.
   */
  tryEnter(): boolean {
    if (this.gate !== null || !this.fresh) return false;
    this.inFlight++;
    return true;
  }

  /** Requests counted in flight on this node (what a reset waits for). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  leave(): void {
    this.inFlight--;
    if (this.inFlight <= 0) this.drained?.();
  }

  /** Drops this node's caches if the epoch moved since it last looked. */
  follow(): Promise<void> {
    if (this.fresh) return Promise.resolve();
    this.pendingCheck ??= this.state
      .epoch()
      .then(async (epoch) => {
        const moved = this.epoch !== null && epoch !== this.epoch;
        this.epoch = epoch;
        this.checked();
        if (moved) await this.hooks.dropCaches();
      })
      .finally(() => {
        this.pendingCheck = null;
      });
    return this.pendingCheck;
  }

  /** The epoch was just read: fresh for the next `checkEveryMs`. One timer, re-armed (no allocation). */
  private checked(): void {
    this.fresh = true;
    if (this.staleTimer === null) {
      this.staleTimer = setTimeout(() => {
        this.fresh = false;
      }, this.checkEveryMs);
      // A timer that outlives the server must not hold the process open.
      this.staleTimer.unref();
    } else this.staleTimer.refresh();
  }

  /**
   * Runs `change` with new requests held at the gate and this node's requests in flight finished, after
   * the batchers committed; then drops this node's caches at once (other nodes follow the epoch).
   */
  private async exclusive<T>(change: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await this.drain();
      await this.hooks.flush();
      const result = await change();
      this.epoch = await this.state.epoch();
      this.checked();
      await this.hooks.dropCaches();
      return result;
    } finally {
      this.gate = null;
      open();
    }
  }

  private async drain(): Promise<void> {
    if (this.inFlight <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_MS);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.drained = null;
  }
}

function checkName(name: string): void {
  if (!SNAPSHOT_NAME.test(name)) {
    throw new BiliError(-400, 'snapshot name: 1–64 characters among A–Z a–z 0–9 . _ -');
  }
}
