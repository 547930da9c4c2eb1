import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStore } from '../../src/cli/context.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { Store } from '../../src/store/store.ts';
import { WriteBatcherClosedError } from '../../src/store/write-batcher.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

/**
 * What the store owns (src/store/README.md): its batched writes are committed by `close()` before the
 * database closes — on the server's path and the CLI's alike — and expected refusals come back as
 * outcomes, not driver errors.
 */
describe.each(dialects())('Store ownership (%s)', (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const database = async () => {
    const db = await createTestDatabase(dialect);
    cleanup.push(() => db.drop());
    return db.target;
  };
  const open = async (target: string): Promise<Store> => {
    const handle = createDb(target);
    await migrateToLatest(handle.db);
    const store = new Store(handle);
    cleanup.push(() => store.close());
    return store;
  };
  const views = async (target: string, aid: number): Promise<number> => {
    const store = await open(target);
    const row = await store.db
      .selectFrom('archive_stats')
      .select('view')
      .where('aid', '=', aid)
      .executeTakeFirst();
    return Number(row?.view ?? 0);
  };
  const batching = {
    batching: { maxBatchSize: 1000, maxWaitMs: 50 },
    playWindowSeconds: 300,
    anonymousCap: 0,
  };

  it('close() commits the watch writes gathered this turn, then refuses new ones', async () => {
    const target = await database();
    const store = await open(target);
    const writes = store.createWatchWrites(batching);
    // Enqueued and closed in the same turn: no batch has started yet when close() is called.
    const acknowledged = Promise.all(
      [1, 2, 3].map((i) => writes.enqueue({ play: { viewer: `m:${i}`, aid: 77, at: 1000 } })),
    );
    const closed = store.close();
    await acknowledged;
    await closed;
    await expect(writes.enqueue({ play: { viewer: 'm:9', aid: 77, at: 1000 } })).rejects.toBeInstanceOf(
      WriteBatcherClosedError,
    );
    // A second close waits for the first and does nothing more.
    await store.close();
    expect(await views(target, 77)).toBe(3);
  });

  it("the CLI's store is closed the same way: a write left in flight by a command is committed", async () => {
    const target = await database();
    const config = loadConfig({ db: target, adminToken: 'store-lifecycle-token-0123456789' }, {});
    let acknowledged: Promise<void> | undefined;
    await withStore(config, (store) => {
      acknowledged = store
        .createWatchWrites(batching)
        .enqueue({ play: { viewer: 'm:1', aid: 88, at: 1000 } });
      return Promise.resolve();
    });
    await acknowledged;
    expect(await views(target, 88)).toBe(1);
  });

  it('a unique key that refuses a whole transaction is the outcome "duplicate", not a thrown error', async () => {
    const store = await open(await database());
    const insert = () =>
      store.transactionUnlessDuplicate((tx) =>
        tx.settings
          .getOrInit('k', 'v')
          .then(() => tx.db.insertInto('settings').values({ key: 'k', value: 'again' }).execute()),
      );
    expect(await insert()).toBe('duplicate');
  });

  it('memory rate limits forget their counters on forgetLocal(); shared ones are rows', async () => {
    const store = await open(await database());
    const limiter = store.rateLimits.limiter({ keyPrefix: 'lifecycle', points: 1, durationSeconds: 60 });
    await limiter.consume('a');
    await expect(limiter.consume('a')).rejects.toBeDefined();
    store.rateLimits.forgetLocal();
    if (store.sharedAcrossNodes) {
      // PostgreSQL: the counter lives in `rate_limits` (a toolkit reset empties the table), so it stays.
      await expect(limiter.consume('a')).rejects.toBeDefined();
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM rate_limits`.execute(store.db);
      expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    } else {
      await expect(limiter.consume('a')).resolves.toBeDefined();
    }
  });
});
