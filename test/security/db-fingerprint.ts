import { createHash } from 'node:crypto';
import type { DbHandle } from '../../src/store/database.ts';

/**
 * Counters of the rate limiters are meant to change on a rejected request (a failed sign-in counts toward
 * -625); the migration bookkeeping never changes; each node republishes its online-viewer counts on a
 * timer (PostgreSQL), whatever requests arrive. Everything else is the data a rejected request must leave
 * alone.
 */
const IGNORED = new Set(['rate_limits', 'kysely_migration', 'kysely_migration_lock', 'online_viewers']);

/** One hash per table of its rows, order-independent: equal fingerprints mean equal contents. */
export type Fingerprint = Record<string, string>;

/**
 * Every table's rows hashed, in one round trip on PostgreSQL (each table aggregated server-side) and
 * synchronously on SQLite. Comparing two fingerprints with `toEqual` names the tables that changed.
 */
export async function fingerprint(handle: DbHandle): Promise<Fingerprint> {
  if (handle.sqlite) {
    const db = handle.sqlite;
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    const out: Fingerprint = {};
    for (const table of tables.filter((t) => !IGNORED.has(t))) {
      const rows = db.prepare(`SELECT * FROM "${table}"`).all().map(rowText).sort();
      out[table] = createHash('sha256').update(rows.join('\n')).digest('hex');
    }
    return out;
  }
  const pool = handle.pool;
  const { rows: tables } = await pool.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const parts = tables
    .map((t) => t.name)
    .filter((t) => !IGNORED.has(t))
    .map(
      (t) =>
        `SELECT '${t}' AS name, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS hash FROM "${t}" r`,
    );
  const { rows } = await pool.query<{ name: string; hash: string }>(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
}

function rowText(row: unknown): string {
  return JSON.stringify(row, (_key, value: unknown) =>
    Buffer.isBuffer(value) ? value.toString('base64') : value,
  );
}
