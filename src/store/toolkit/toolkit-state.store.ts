import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { columnTypes, decodeRow, exportDump, resyncSequences } from '../dump/dump.ts';
import { TABLES, UNTYPED_SKIPPED } from '../dump/tables.ts';
import { Repositories } from '../store.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables are named at run time
type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

/** The `change_versions` row a reset or restore moves; every node drops its caches when it sees it move. */
export const TOOLKIT_EPOCH_KEY = 'toolkit_epoch';

/**
 * Tables a reset or restore leaves alone: the site's secrets (`settings`: the Wbi secret, the device
 * secret — clients' cached keys and tickets stay valid), the cache versions (they only ever move forward,
 * or a node would keep a cache it believes newer), the snapshots themselves, and the toolkit's runtime.
 */
export const KEPT_TABLES: ReadonlySet<string> = new Set([
  'settings',
  'change_versions',
  'toolkit_snapshots',
  // The toolkit's own runtime (fault rules, clock, journal, nodes): a reset is of the site, not of the test.
  'toolkit_faults',
  'toolkit_clock',
  'toolkit_journal',
  'toolkit_nodes',
]);

/** Every table a reset empties, parents first (the dump order); the short-lived ones included. */
export function stateTables(): string[] {
  return [...Object.keys(TABLES), ...Object.keys(UNTYPED_SKIPPED)].filter((t) => !KEPT_TABLES.has(t));
}

/** The tables a snapshot holds rows of, in insert order. */
function snapshotTables(): string[] {
  return Object.entries(TABLES)
    .filter(([name, spec]) => spec.dump && !KEPT_TABLES.has(name))
    .map(([name]) => name);
}

export interface SnapshotInfo {
  name: string;
  created_at: number;
  tables: Record<string, number>;
  bytes: number;
}

/** Work run inside the reset/restore transaction (re-seeding what startup seeds, a fixture). */
export type SeedWork = (tx: Repositories) => Promise<void>;

const BATCH = 200;

/**
 * Reset and snapshots of the whole state, each one transaction: readers and writers see the state before
 * or after, never between, and a failure (a refused fixture row) leaves the state as it was.
 */
export class ToolkitStateStore {
  constructor(private readonly handle: DbHandle) {}

  /** Empties every state table, runs `seed`, and moves every cache version, in one transaction. */
  async reset(seed: SeedWork): Promise<void> {
    await this.handle.db.transaction().execute(async (trx) => {
      await this.wipe(trx as AnyDb);
      await seed(new Repositories(trx, this.handle.dialect));
      await this.bumpVersions(trx as AnyDb);
    });
  }

  /** Saves (or replaces) the snapshot `name`: every snapshotted row, read in one consistent view. */
  async save(name: string, nowSeconds: number): Promise<SnapshotInfo> {
    const keep = new Set(snapshotTables());
    const counts: Record<string, number> = Object.fromEntries([...keep].map((t) => [t, 0]));
    const chunks: string[] = [];
    let first = true;
    await exportDump(this.handle, (chunk) => {
      // The export's first line is its header; each later call is one or more `{"table","row"}` lines.
      if (first) {
        first = false;
        return Promise.resolve();
      }
      for (const line of chunk.split('\n')) {
        if (!line) continue;
        const table = (JSON.parse(line) as { table: string }).table;
        if (!keep.has(table)) continue;
        counts[table] = (counts[table] ?? 0) + 1;
        chunks.push(line);
      }
      return Promise.resolve();
    });
    const data = gzipSync(chunks.join('\n'));
    const row = { name, created_at: nowSeconds, tables: JSON.stringify(counts), data };
    await this.handle.db
      .insertInto('toolkit_snapshots')
      .values(row)
      .onConflict((oc) => oc.column('name').doUpdateSet({ created_at: nowSeconds, tables: row.tables, data }))
      .execute();
    return { name, created_at: nowSeconds, tables: counts, bytes: data.length };
  }

  async list(): Promise<SnapshotInfo[]> {
    const rows = await this.handle.db
      .selectFrom('toolkit_snapshots')
      .select(['name', 'created_at', 'tables', sql<number>`length(data)`.as('bytes')])
      .orderBy('name')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      created_at: Number(r.created_at),
      tables: JSON.parse(r.tables) as Record<string, number>,
      bytes: Number(r.bytes),
    }));
  }

  async remove(name: string): Promise<boolean> {
    const result = await this.handle.db
      .deleteFrom('toolkit_snapshots')
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Replaces the state with the snapshot's rows in one transaction; false when there is no such snapshot. */
  async restore(name: string): Promise<boolean> {
    return this.handle.db.transaction().execute(async (trx) => {
      const db = trx as AnyDb;
      const found = await trx
        .selectFrom('toolkit_snapshots')
        .select('data')
        .where('name', '=', name)
        .executeTakeFirst();
      if (!found) return false;
      await this.wipe(db);
      const text = gunzipSync(found.data).toString('utf8');
      const columns = new Map<string, Map<string, string>>();
      let batch: { table: string; rows: Row[] } | null = null;
      const flush = async () => {
        if (batch && batch.rows.length) await db.insertInto(batch.table).values(batch.rows).execute();
        batch = null;
      };
      let lineNo = 0;
      for (const line of text.split('\n')) {
        lineNo++;
        if (!line) continue;
        const entry = JSON.parse(line) as { table: string; row: Row };
        let types = columns.get(entry.table);
        if (!types) {
          types = await columnTypes(db, this.handle.dialect, entry.table);
          columns.set(entry.table, types);
        }
        const row = decodeRow(entry.row, types, this.handle.dialect, entry.table, lineNo);
        const current = batch;
        if (!current || current.table !== entry.table || current.rows.length >= BATCH) {
          await flush();
          batch = { table: entry.table, rows: [row] };
        } else current.rows.push(row);
      }
      await flush();
      if (this.handle.dialect === 'postgres') await resyncSequences(trx as unknown as Transaction<unknown>);
      await this.bumpVersions(db);
      return true;
    });
  }

  /** The current epoch: moves with every reset and restore, on whichever node made it. */
  epoch(): Promise<number> {
    return new Repositories(this.handle.db, this.handle.dialect).changeVersions.get(TOOLKIT_EPOCH_KEY);
  }

  private async wipe(db: AnyDb): Promise<void> {
    const tables = stateTables();
    if (this.handle.dialect === 'postgres') {
      // One statement: no per-row work and no foreign-key ordering, whatever the table sizes.
      await sql`TRUNCATE ${sql.join(tables.map((t) => sql.table(t)))} RESTART IDENTITY`.execute(db);
      for (const spec of Object.values(TABLES)) {
        // Sequences that are not a column's own (rpids) start again at their floor, as on a new database.
        if (spec.dump && spec.sequence) {
          await sql`SELECT setval(${spec.sequence.name}::regclass, ${spec.sequence.floor}, false)`.execute(
            db,
          );
        }
      }
      return;
    }
    for (const table of [...tables].reverse()) await sql`DELETE FROM ${sql.table(table)}`.execute(db);
    const { rows } = await sql<{
      n: number;
    }>`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_sequence'`.execute(db);
    if (Number(rows[0]?.n ?? 0) > 0) {
      await sql`DELETE FROM sqlite_sequence WHERE name IN (${sql.join(tables)})`.execute(db);
    }
  }

  /**
   * Moves every cache version (emotes, sensitive words, member rows…) and the toolkit epoch, in the
   * transaction of the change: each node's version-polling caches rebuild, and the epoch tells each node
   * to drop the rest.
   */
  private async bumpVersions(db: AnyDb): Promise<void> {
    await db
      .insertInto('change_versions')
      .values({ name: TOOLKIT_EPOCH_KEY, version: 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await sql`UPDATE change_versions SET version = version + 1`.execute(db);
  }
}
