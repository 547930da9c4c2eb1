import type { Kysely, RawBuilder, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DbHandle } from '../database.ts';
import { dumpedTables } from './tables.ts';
import type { DumpedTable } from './tables.ts';

/**
 * The whole database as JSON Lines (docs/data.md): a header line, then one `{"table","row"}` line per row,
 * tables in the order of `tables.ts`, rows in primary-key order within a table. Reads are keyset pages, so
 * memory stays O(page) whatever the table size; values are normalised so that both databases write the
 * same line for the same row (integers as numbers, booleans as 0/1, bytes as `{"base64": …}`).
 */

export const DUMP_FORMAT = 'replay-export';
export const DUMP_VERSION = 1;
const PAGE = 500;
const BATCH = 200;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables are named at run time
type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

export interface DumpHeader {
  format: typeof DUMP_FORMAT;
  version: number;
  /** The newest migration applied to the exporting database. */
  schema: string;
  dialect: 'sqlite' | 'postgres';
  exported_at: string;
  /** Row count of every table in the file, in file order: an import checks it to detect a cut-off file. */
  tables: Record<string, number>;
}

/** Bad input: the message names the line; nothing has been written. */
export class DumpError extends Error {}

export interface DumpProgress {
  start(total: number): void;
  advance(rows: number): void;
  stop(): void;
}

const silent: DumpProgress = { start: () => undefined, advance: () => undefined, stop: () => undefined };

/** The applied migration names, oldest first (Kysely's own bookkeeping table). */
export async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.map((r) => r.name);
}

/** Every table of the connected database, Kysely's and the engine's bookkeeping excluded. */
export async function databaseTables(handle: DbHandle): Promise<string[]> {
  const db = handle.db as AnyDb;
  const { rows } =
    handle.dialect === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)
      : await sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(
          db,
        );
  return rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_') && !n.startsWith('kysely_migration'))
    .sort();
}

/** Column name → declared type (lower case), in table order. */
export async function columnTypes(
  db: AnyDb,
  dialect: DbHandle['dialect'],
  table: string,
): Promise<Map<string, string>> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{
      name: string;
      type: string;
    }>`SELECT name, type FROM pragma_table_info(${table})`.execute(db);
    return new Map(rows.map((r) => [r.name, r.type.toLowerCase()]));
  }
  const { rows } = await sql<{ name: string; type: string }>`
    SELECT column_name AS name, data_type AS type FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`.execute(db);
  return new Map(rows.map((r) => [r.name, r.type.toLowerCase()]));
}

function encodeValue(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

export function encodeRow(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = encodeValue(v);
  return out;
}

/** Reads one table in primary-key order, a page at a time. */
async function* tableRows(db: AnyDb, table: string, spec: DumpedTable): AsyncGenerator<Row[]> {
  const key = sql.join(spec.key.map((k) => sql.ref(k)));
  let after: unknown[] | null = null;
  for (;;) {
    const where: RawBuilder<unknown> =
      after === null ? sql`` : sql`WHERE (${key}) > (${sql.join(after.map((v) => sql`${v}`))})`;
    const { rows } =
      await sql<Row>`SELECT * FROM ${sql.table(table)} ${where} ORDER BY ${key} LIMIT ${PAGE}`.execute(db);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = spec.key.map((k) => last[k]);
  }
}

/**
 * Writes the dump through `write` (one call per line, newline included; awaited, so a slow consumer
 * slows the reads). Everything is read in one read-only snapshot: a server writing meanwhile does not
 * make the file inconsistent.
 */
export async function exportDump(
  handle: DbHandle,
  write: (line: string) => Promise<void>,
  progress: DumpProgress = silent,
  now: () => Date = () => new Date(),
): Promise<DumpHeader> {
  const run = async (db: AnyDb): Promise<DumpHeader> => {
    const migrations = await appliedMigrations(db);
    const counts: Record<string, number> = {};
    for (const { name } of dumpedTables()) {
      const { rows } = await sql<{
        n: number | string;
      }>`SELECT COUNT(*) AS n FROM ${sql.table(name)}`.execute(db);
      counts[name] = Number(rows[0]!.n);
    }
    const header: DumpHeader = {
      format: DUMP_FORMAT,
      version: DUMP_VERSION,
      schema: migrations[migrations.length - 1] ?? '',
      dialect: handle.dialect,
      exported_at: now().toISOString(),
      tables: counts,
    };
    await write(`${JSON.stringify(header)}\n`);
    progress.start(Object.values(counts).reduce((a, b) => a + b, 0));
    for (const { name, spec } of dumpedTables()) {
      for await (const rows of tableRows(db, name, spec)) {
        let chunk = '';
        for (const row of rows) chunk += `${JSON.stringify({ table: name, row: encodeRow(row) })}\n`;
        await write(chunk);
        progress.advance(rows.length);
      }
    }
    progress.stop();
    return header;
  };
  const db = handle.db as AnyDb;
  if (handle.dialect === 'postgres') {
    return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(run);
  }
  return db.transaction().execute(run);
}

export interface ImportOptions {
  /** Delete every dumped table's rows first (same transaction) instead of refusing a non-empty database. */
  replace?: boolean;
}

export interface ImportResult {
  header: DumpHeader;
  rows: number;
}

/** Parses the header line, or says why it is not one Replay can read. */
function parseHeader(line: string | undefined, applied: Set<string>): DumpHeader {
  if (line === undefined) throw new DumpError('line 1: the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new DumpError('line 1: not a Replay export (the first line is not JSON)');
  }
  const h = value as Partial<DumpHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== DUMP_FORMAT) {
    throw new DumpError(`line 1: not a Replay export (expected "format":"${DUMP_FORMAT}")`);
  }
  if (typeof h.version !== 'number' || h.version > DUMP_VERSION || h.version < 1) {
    throw new DumpError(
      `line 1: export format version ${String(h.version)} is not supported (this Replay reads version ${DUMP_VERSION}); upgrade Replay`,
    );
  }
  if (typeof h.schema !== 'string' || !applied.has(h.schema)) {
    throw new DumpError(
      `line 1: the export was made at schema ${JSON.stringify(h.schema)}, which this Replay does not know; import it with the Replay version that wrote it or a newer one`,
    );
  }
  if (typeof h.tables !== 'object' || h.tables === null)
    throw new DumpError('line 1: header has no "tables" counts');
  for (const [table, n] of Object.entries(h.tables)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new DumpError(`line 1: header count of table ${table} is not a row count`);
    }
  }
  return h as DumpHeader;
}

interface Target {
  order: number;
  columns: Map<string, string>;
}

/**
 * Imports a dump into a migrated database, in one transaction: any bad line (not JSON, unknown table or
 * column, a value of the wrong kind, a row the database refuses, a table out of order, fewer rows than the
 * header announced) throws a DumpError naming the line, and nothing stays written.
 */
export async function importDump(
  handle: DbHandle,
  lines: AsyncIterable<string>,
  options: ImportOptions = {},
  progress: DumpProgress = silent,
): Promise<ImportResult> {
  const iterator = lines[Symbol.asyncIterator]();
  const root = handle.db as AnyDb;
  const applied = new Set(await appliedMigrations(root));
  const first = await iterator.next();
  const header = parseHeader(first.done ? undefined : first.value, applied);

  const tables = dumpedTables();
  const targets = new Map<string, Target>();
  for (const [order, { name }] of tables.entries()) {
    targets.set(name, { order, columns: await columnTypes(root, handle.dialect, name) });
  }
  for (const name of Object.keys(header.tables)) {
    if (!targets.has(name))
      throw new DumpError(`line 1: the export has table ${name}, which this Replay does not store`);
  }

  const nonEmpty: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql`SELECT 1 AS one FROM ${sql.table(name)} LIMIT 1`.execute(root);
    if (rows.length) nonEmpty.push(name);
  }
  if (nonEmpty.length && !options.replace) {
    throw new DumpError(
      `the database is not empty (rows in ${nonEmpty.join(', ')}); import into a new database, or pass --replace to delete everything in it first`,
    );
  }

  progress.start(Object.values(header.tables).reduce((a, b) => a + b, 0));
  let total = 0;
  const result = await root.transaction().execute(async (trx) => {
    if (options.replace) {
      for (const { name } of [...tables].reverse()) await trx.deleteFrom(name).execute();
    }
    const seen = new Map<string, number>();
    let current: { table: string; columns: string; lines: number[]; rows: Row[] } | null = null;
    let lastOrder = -1;

    const flush = async () => {
      if (!current || current.rows.length === 0) return;
      const batch = current;
      current = { ...batch, lines: [], rows: [] };
      await insertBatch(trx, batch.table, batch.rows, batch.lines);
      progress.advance(batch.rows.length);
    };

    let lineNo = 1;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      lineNo++;
      const text = next.value;
      if (text.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new DumpError(`line ${lineNo}: not JSON`);
      }
      const entry = parsed as { table?: unknown; row?: unknown } | null;
      if (typeof entry !== 'object' || entry === null || typeof entry.table !== 'string') {
        throw new DumpError(`line ${lineNo}: expected {"table": …, "row": {…}}`);
      }
      const table = entry.table;
      const target = targets.get(table);
      if (!target || !(table in header.tables)) {
        throw new DumpError(`line ${lineNo}: unknown table ${JSON.stringify(table)}`);
      }
      if (target.order < lastOrder) {
        throw new DumpError(`line ${lineNo}: table ${table} comes after a table that depends on it`);
      }
      lastOrder = target.order;
      if (typeof entry.row !== 'object' || entry.row === null || Array.isArray(entry.row)) {
        throw new DumpError(`line ${lineNo}: "row" is not an object`);
      }
      const row = decodeRow(entry.row as Row, target.columns, handle.dialect, table, lineNo);
      const count = (seen.get(table) ?? 0) + 1;
      seen.set(table, count);
      if (count > header.tables[table]!) {
        throw new DumpError(
          `line ${lineNo}: more ${table} rows than the header announces (${header.tables[table]})`,
        );
      }
      const columns = Object.keys(row).join(',');
      if (
        !current ||
        current.table !== table ||
        current.columns !== columns ||
        current.rows.length >= BATCH
      ) {
        await flush();
        current = { table, columns, lines: [], rows: [] };
      }
      current.rows.push(row);
      current.lines.push(lineNo);
      total++;
    }
    await flush();
    for (const [table, expected] of Object.entries(header.tables)) {
      const got = seen.get(table) ?? 0;
      if (got !== expected) {
        throw new DumpError(
          `line ${lineNo}: the file ends with ${got} of the ${expected} ${table} rows the header announces (cut off?)`,
        );
      }
    }
    if (handle.dialect === 'postgres') await resyncSequences(trx);
    return { header, rows: total };
  });
  progress.stop();
  return result;
}

export function decodeRow(
  row: Row,
  columns: Map<string, string>,
  dialect: DbHandle['dialect'],
  table: string,
  lineNo: number,
): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) {
    const type = columns.get(name);
    if (type === undefined)
      throw new DumpError(`line ${lineNo}: table ${table} has no column ${JSON.stringify(name)}`);
    if (value === null || typeof value === 'string' || typeof value === 'number') {
      out[name] =
        dialect === 'postgres' && type === 'boolean' && value !== null ? Boolean(Number(value)) : value;
      continue;
    }
    const bytes = (value as { base64?: unknown }).base64;
    if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof bytes === 'string' &&
      Object.keys(value).length === 1
    ) {
      out[name] = Buffer.from(bytes, 'base64');
      continue;
    }
    throw new DumpError(
      `line ${lineNo}: ${table}.${name} is neither a number, a string, null nor {"base64": …}`,
    );
  }
  return out;
}

/**
 * Inserts one batch under a savepoint; when the database refuses it, retries row by row to name the
 * line at fault, then throws (the caller's transaction rolls back).
 */
async function insertBatch(
  trx: Transaction<unknown>,
  table: string,
  rows: Row[],
  lines: number[],
): Promise<void> {
  const db = trx as unknown as AnyDb;
  await sql`SAVEPOINT replay_import`.execute(db);
  try {
    await db.insertInto(table).values(rows).execute();
    await sql`RELEASE SAVEPOINT replay_import`.execute(db);
    return;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT replay_import`.execute(db);
    for (const [i, row] of rows.entries()) {
      try {
        await db.insertInto(table).values(row).execute();
        await sql`RELEASE SAVEPOINT replay_import`.execute(db);
        await sql`SAVEPOINT replay_import`.execute(db);
      } catch (rowError) {
        throw new DumpError(`line ${lines[i]}: ${table} row refused: ${(rowError as Error).message}`, {
          cause: rowError,
        });
      }
    }
    throw new DumpError(
      `lines ${lines[0]}–${lines[lines.length - 1]}: ${table} rows refused: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Moves every PostgreSQL sequence past the ids the import wrote, or the next insert would collide. */
export async function resyncSequences(trx: Transaction<unknown>): Promise<void> {
  const db = trx as unknown as AnyDb;
  const { rows } = await sql<{ table: string; column: string; seq: string | null }>`
    SELECT table_name AS table, column_name AS column, pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`.execute(db);
  const sequences = rows
    .filter((r): r is { table: string; column: string; seq: string } => r.seq !== null)
    .map((r) => ({ table: r.table, column: r.column, seq: r.seq, floor: 1 }));
  for (const { name, spec } of dumpedTables()) {
    if (spec.sequence)
      sequences.push({
        table: name,
        column: spec.sequence.column,
        seq: spec.sequence.name,
        floor: spec.sequence.floor,
      });
  }
  for (const s of sequences) {
    // The next id is the largest stored + 1, or the floor when every stored id is below it (a fixture's
    // rpid 5001, say): what SQLite's max + 1 from the floor gives. is_called = false at the floor, so the
    // floor itself comes next, as on a fresh database.
    await sql`SELECT setval(${s.seq}::regclass, GREATEST(COALESCE(m, ${s.floor}), ${s.floor}),
      COALESCE(m >= ${s.floor}, false))
      FROM (SELECT MAX(${sql.ref(s.column)}) AS m FROM ${sql.table(s.table)}) stored`.execute(db);
  }
}
