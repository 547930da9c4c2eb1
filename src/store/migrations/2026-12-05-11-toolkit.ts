import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

// Frozen. The toolkit's named snapshots (docs/toolkit.md "Reset and snapshots"): one row per snapshot,
// kept in the database itself so every node of a cluster can list and restore them. `data` is the gzipped
// JSON Lines of every snapshotted row; `tables` the JSON row count per table.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytes = postgres ? sql`bytea` : sql`blob`;
  await sql`CREATE TABLE toolkit_snapshots (
    name text PRIMARY KEY,
    created_at bigint NOT NULL,
    tables text NOT NULL,
    data ${bytes} NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE toolkit_snapshots`.execute(db);
}
