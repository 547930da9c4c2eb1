import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDb } from '../../src/store/database.ts';
import type { DbHandle } from '../../src/store/database.ts';
import { GroupTransactions } from '../../src/store/group-transaction.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { Store } from '../../src/store/store.ts';
import { WriteBatcherClosedError } from '../../src/store/write-batcher.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

/** Group commit of whole transactions (comment adds) against a real database of each dialect. */
describe.each(dialects())('GroupTransactions (%s)', (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const open = async (): Promise<{ store: Store; handle: DbHandle; group: GroupTransactions }> => {
    const db = await createTestDatabase(dialect);
    const handle = createDb(db.target);
    cleanup.push(() => db.drop());
    cleanup.push(() => handle.close());
    await migrateToLatest(handle.db);
    const store = new Store(handle);
    const group = new GroupTransactions(store, { maxBatchSize: 64, maxWaitMs: 2 });
    cleanup.push(() => group.close());
    return { store, handle, group };
  };

  it('units of one moment commit together (one transaction on SQLite) and each gets its own value', async () => {
    const { store, group } = await open();
    const transaction = vi.spyOn(store, 'transaction');
    const values = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        group.run(async (tx) => {
          await tx.settings.getOrInit(`k${i}`, `v${i}`);
          return i * 10;
        }),
      ),
    );
    expect(values).toEqual([0, 10, 20, 30, 40]);
    expect(transaction).toHaveBeenCalledTimes(dialect === 'sqlite' ? 1 : 5);
    for (let i = 0; i < 5; i++) expect(await store.settings.get(`k${i}`)).toBe(`v${i}`);
  });

  it('a unit that throws is rolled back alone; its caller gets its error, the others commit', async () => {
    const { store, group } = await open();
    const boom = new Error('root deleted meanwhile');
    const results = await Promise.allSettled([
      group.run(async (tx) => tx.settings.getOrInit('a', '1')),
      group.run(async (tx) => {
        await tx.settings.getOrInit('b', '2');
        throw boom;
      }),
      group.run(async (tx) => tx.settings.getOrInit('c', '3')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(boom);
    expect(await store.settings.get('a')).toBe('1');
    expect(await store.settings.get('b')).toBeUndefined();
    expect(await store.settings.get('c')).toBe('3');
  });

  // PostgreSQL runs them as concurrent transactions; only SQLite's shared transaction promises an order.
  if (dialect === 'sqlite') {
    it('units run in order and see the writes of the units before them', async () => {
      const { group } = await open();
      const [, seen] = await Promise.all([
        group.run(async (tx) => tx.settings.getOrInit('first', 'x')),
        group.run(async (tx) => tx.settings.get('first')),
      ]);
      expect(seen).toBe('x');
    });
  }

  it('close() writes what is gathered, then refuses new units', async () => {
    const { store, group } = await open();
    const pending = group.run(async (tx) => tx.settings.getOrInit('late', 'y'));
    await group.close();
    expect(await pending).toBe('y');
    expect(await store.settings.get('late')).toBe('y');
    if (dialect === 'sqlite') {
      await expect(group.run(() => Promise.resolve(1))).rejects.toBeInstanceOf(WriteBatcherClosedError);
    }
  });
});
