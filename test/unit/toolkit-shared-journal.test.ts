import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { ToolkitSharedStore } from '../../src/store/toolkit/toolkit-shared.store.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

/**
 * The shared journal of cluster mode keeps the newest entries by arrival: a node writes its whole
 * backlog when a read gathers it, so a later write may hold older requests than an earlier one.
 */
describe.each(dialects())('toolkit shared journal (%s)', (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('keeps the newest `keep` entries by time, whichever node wrote them last', async () => {
    const db = await createTestDatabase(dialect);
    cleanup.push(() => db.drop());
    const handle = createDb(db.target);
    cleanup.push(() => handle.db.destroy());
    await migrateToLatest(handle.db);
    const shared = new ToolkitSharedStore(handle.db);
    const entries = (node: string, times: number[]) =>
      times.map((time) => ({ time, entry: JSON.stringify({ node, time }) }));
    // Node B answered the newest requests but is gathered first; node A's older backlog comes after.
    await shared.appendJournal(entries('B', [105, 106, 107]), 4);
    await shared.appendJournal(entries('A', [101, 102, 103, 104]), 4);
    const rows = await shared.journal(0, 100);
    const kept = rows.map((r) => ({ id: r.id, ...(JSON.parse(r.entry) as { node: string; time: number }) }));
    expect(kept.map((e) => e.time).sort()).toEqual([104, 105, 106, 107]);
    // Ids follow the writes (A's after B's), so `since` = the largest id seen misses nothing.
    const idsOf = (node: string) => kept.filter((e) => e.node === node).map((e) => e.id);
    expect(Math.min(...idsOf('A'))).toBeGreaterThan(Math.max(...idsOf('B')));
  });
});
