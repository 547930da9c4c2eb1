import { LRUCache } from 'lru-cache';
import { shownUser } from '../domain/account-rules.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';

/** The `change_versions` row UserService bumps with every change of a user row. */
export const USERS_VERSION_KEY = 'users';

/**
 * The user rows behind the `member` objects of comment listings. A list page names 30–60 authors, and
 * reading them was one query per page (a quarter of the SQL time of a SQLite page, a round trip on
 * PostgreSQL), while user rows change rarely.
 *
 * Rows are kept per node in an LRU. A change made on this node drops its row at once (`forget`); a change
 * made elsewhere (another node, the `replay user` command) bumps `change_versions['users']`, which is read
 * at most once per `checkEveryMs`, and a moved version empties the cache. So a rename or a new avatar
 * shows in listings at once on the node that made it and within about a second on the others, the same
 * kind of bound as the session cache's (DESIGN.md §4).
 */
export class MemberCache {
  private readonly rows: LRUCache<number, UserRow>;
  /** Moves whenever a row is dropped or the cache emptied: pages built from older rows are stale. */
  generation = 0;
  private version = -1;
  private checkedAt = -Infinity;
  private pendingCheck: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    max = 20_000,
    private readonly checkEveryMs = 1000,
  ) {
    this.rows = new LRUCache<number, UserRow>({ max });
  }

  async findByMids(mids: readonly number[]): Promise<Map<number, UserRow>> {
    await this.checkVersion();
    const found = new Map<number, UserRow>();
    const missing: number[] = [];
    for (const mid of mids) {
      const row = this.rows.get(mid);
      if (row) found.set(mid, row);
      else missing.push(mid);
    }
    if (missing.length > 0) {
      const version = this.version;
      const fetched = await this.store.users.findByMids(missing);
      for (const [mid, stored] of fetched) {
        const row = shownUser(stored);
        found.set(mid, row);
        // A row read while the version moved may predate the change: used for this answer, not kept.
        if (this.version === version) this.rows.set(mid, row);
      }
    }
    return found;
  }

  /** Every user row was replaced (a toolkit reset or restore): the next listings read them again. */
  forgetAll(): void {
    this.rows.clear();
    this.version = -1;
    this.generation++;
  }

  /** This node changed the user: its next listing reads the row again. */
  forget(mid: number): void {
    this.rows.delete(mid);
    this.generation++;
  }

  private checkVersion(): Promise<void> {
    const now = this.clock.nowMs();
    // A clock that went backwards counts as due.
    // Also due in each new second of the clock: a comment page cached for the second it was built in
    // (ReplyPageCache) is then built from rows checked in that second, so the two bounds do not add up.
    if (
      now >= this.checkedAt &&
      now - this.checkedAt < this.checkEveryMs &&
      sameSecond(now, this.checkedAt)
    ) {
      return Promise.resolve();
    }
    this.pendingCheck ??= this.store.changeVersions
      .get(USERS_VERSION_KEY)
      .then((version) => {
        if (version !== this.version) {
          this.rows.clear();
          this.generation++;
          this.version = version;
        }
        this.checkedAt = now;
      })
      .finally(() => {
        this.pendingCheck = null;
      });
    return this.pendingCheck;
  }
}

function sameSecond(a: number, b: number): boolean {
  return Math.floor(a / 1000) === Math.floor(b / 1000);
}
