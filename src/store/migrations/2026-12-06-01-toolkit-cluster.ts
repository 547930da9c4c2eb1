import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

// Frozen. The toolkit's runtime shared by every node of a cluster (docs/toolkit.md "Cluster mode"): fault
// rules with their hit counters, the virtual clock, the request journal, and the nodes that follow them
// (each acknowledges the `toolkit_runtime` version it applied, so an admin call can wait for every node).
// Written only with the toolkit on over PostgreSQL; the tables exist on SQLite too (one schema), unused.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? sql`id bigserial PRIMARY KEY` : sql`id integer PRIMARY KEY AUTOINCREMENT`;
  await sql`CREATE TABLE toolkit_faults (
    ${id},
    rule text NOT NULL,
    hits bigint NOT NULL DEFAULT 0,
    max_hits bigint
  )`.execute(db);
  await sql`CREATE TABLE toolkit_clock (
    id integer PRIMARY KEY,
    offset_ms bigint NOT NULL,
    frozen_at bigint
  )`.execute(db);
  await sql`CREATE TABLE toolkit_journal (
    ${id},
    entry text NOT NULL
  )`.execute(db);
  await sql`CREATE TABLE toolkit_nodes (
    node text PRIMARY KEY,
    applied bigint NOT NULL,
    seen_at bigint NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['toolkit_nodes', 'toolkit_journal', 'toolkit_clock', 'toolkit_faults']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
