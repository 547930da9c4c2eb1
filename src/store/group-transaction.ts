import { sql } from 'kysely';
import type { Repositories, Store } from './store.ts';
import { WriteBatcher } from './write-batcher.ts';
import type { WriteBatcherOptions } from './write-batcher.ts';

/**
 * Group commit for transactions that are each small and must each be durable before they are
 * acknowledged: comment writes (DESIGN.md §5, the heartbeat's batching applied to whole transactions).
 *
 * On SQLite every COMMIT in `synchronous=FULL` waits for an fsync of the WAL, and commits are serialised,
 * so one transaction per comment caps a node at a few hundred comments a second whatever the CPU does.
 * Here the transactions that arrive in one event-loop turn (or while the previous group is committing)
 * run one after another inside ONE database transaction, each in its own SAVEPOINT, and share one COMMIT:
 * - a unit that throws is rolled back to its savepoint alone and its caller gets its error; the others
 *   still commit;
 * - every caller's promise settles only after the shared COMMIT, so an acknowledged write is on disk with
 *   exactly the durability of its own transaction;
 * - a failed COMMIT fails every unit of the group (none of them is acknowledged).
 * Units of one group run sequentially, so each sees the writes of those before it (rpid = max + 1 and
 * the area counters stay exact).
 *
 * PostgreSQL runs transactions concurrently and groups commits itself (`commit_delay`), so there `run`
 * is a plain transaction.
 */
export class GroupTransactions {
  private readonly batcher: WriteBatcher<Unit> | null;

  constructor(
    private readonly store: Store,
    options: WriteBatcherOptions,
  ) {
    this.batcher =
      store.dialect === 'sqlite' ? new WriteBatcher<Unit>((units) => this.runGroup(units), options) : null;
  }

  async run<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    if (!this.batcher) return this.store.transaction(work);
    const unit: Unit = { work, done: false, value: undefined, error: undefined };
    await this.batcher.enqueue(unit);
    if (!unit.done) throw unit.error;
    return unit.value as T;
  }

  /** Runs what is gathered now and waits for it; new units are still accepted. */
  async flush(): Promise<void> {
    await this.batcher?.flush();
  }

  /** Runs what is gathered and refuses new units (server shutdown, before the database closes). */
  async close(): Promise<void> {
    await this.batcher?.close();
  }

  private async runGroup(units: Unit[]): Promise<void> {
    // A lone unit needs no savepoint: its error rolls the whole (one-unit) transaction back.
    if (units.length === 1) {
      const unit = units[0]!;
      try {
        unit.value = await this.store.transaction(unit.work);
        unit.done = true;
      } catch (error) {
        unit.error = error;
      }
      return;
    }
    await this.store.transaction(async (tx) => {
      const db = tx.db;
      for (const unit of units) {
        await sql`SAVEPOINT unit`.execute(db);
        try {
          unit.value = await unit.work(tx);
          unit.done = true;
        } catch (error) {
          unit.error = error;
          await sql`ROLLBACK TO SAVEPOINT unit`.execute(db);
        }
        await sql`RELEASE SAVEPOINT unit`.execute(db);
      }
    });
  }
}

interface Unit {
  work: (tx: Repositories) => Promise<unknown>;
  /** Set once `work` resolved; the value counts only after the group's COMMIT. */
  done: boolean;
  value: unknown;
  error: unknown;
}
