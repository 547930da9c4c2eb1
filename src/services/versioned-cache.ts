import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';

/**
 * A value built from the database and kept in memory, rebuilt when its row in `change_versions` moves.
 * The version is read at most once per `checkEveryMs` (one primary-key lookup), so a change made on
 * another node of a cluster is seen within about that long, without rebuilding per request. A change made
 * on this node calls `reload()` and is seen at once.
 */
export class VersionedCache<T> {
  private value: T | null = null;
  /** Moves each time a new value is built: what was derived from an older one is stale. */
  generation = 0;
  private version = -1;
  private checkedAt = 0;
  private pending: Promise<T> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly name: string,
    private readonly build: (store: Store) => Promise<T>,
    private readonly checkEveryMs = 1000,
  ) {}

  get(): Promise<T> {
    const now = this.clock.nowMs();
    // A clock that went backwards (a wall-clock adjustment) counts as due, never as fresh for ever.
    // Also due in each new second of the clock, as MemberCache: cached comment pages live for the second
    // they were built in and must not add their bound to this one.
    if (
      this.value !== null &&
      now >= this.checkedAt &&
      now - this.checkedAt < this.checkEveryMs &&
      Math.floor(now / 1000) === Math.floor(this.checkedAt / 1000)
    ) {
      return Promise.resolve(this.value);
    }
    // Concurrent callers share one check instead of each querying the version.
    this.pending ??= this.check(now).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Rebuilds now: after a change this node committed. */
  async reload(): Promise<T> {
    const version = await this.store.changeVersions.get(this.name);
    return this.rebuild(version, this.clock.nowMs());
  }

  private async check(now: number): Promise<T> {
    const version = await this.store.changeVersions.get(this.name);
    if (this.value !== null && version === this.version) {
      this.checkedAt = now;
      return this.value;
    }
    return this.rebuild(version, now);
  }

  // The version is read before the data: a change committed in between leaves the old version recorded
  // with the new data, and only costs one extra rebuild at the next check.
  private async rebuild(version: number, now: number): Promise<T> {
    const value = await this.build(this.store);
    // A slower rebuild that started from an older version must not replace a fresher one.
    if (this.value !== null && version < this.version) return this.value;
    this.value = value;
    this.generation++;
    this.version = version;
    this.checkedAt = now;
    return value;
  }
}
