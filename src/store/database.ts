import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type * as Pg from 'pg';
import type { Database } from './schema.ts';
import { lazyModule } from '../lazy-module.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';
import { StatementNames, namingClient } from './pg-statement-names.ts';

export type Dialect = 'sqlite' | 'postgres';

/** The PostgreSQL driver, loaded only by a node that opens a PostgreSQL database. */
const pg = lazyModule<typeof Pg>('pg');

interface HandleBase {
  readonly db: Kysely<Database>;
  /** Closes the connection(s); a second call waits for the first and does nothing more. */
  close(): Promise<void>;
}

export interface SqliteHandle extends HandleBase {
  readonly dialect: 'sqlite';
  /** The raw better-sqlite3 handle, for hot paths that use prepared statements directly. */
  readonly sqlite: SQLite.Database;
  readonly pool?: never;
}

export interface PostgresHandle extends HandleBase {
  readonly dialect: 'postgres';
  readonly pool: Pg.Pool;
  readonly sqlite?: never;
}

/**
 * An open database, discriminated by `dialect`: narrowing on it gives the driver's own handle. Only the
 * store sees one; what differs between the databases is a class per database behind one interface there.
 */
export type DbHandle = SqliteHandle | PostgresHandle;

export interface DbOptions {
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  poolSize?: number;
  /** PostgreSQL: how many SQL texts may run as named prepared statements (pg-statement-names.ts); 0: none. */
  pgPreparedStatements?: number;
}

/** Default of `pgPreparedStatements` (the `REPLAY_PG_PREPARED_STATEMENTS` setting's). */
export const PG_PREPARED_STATEMENTS = 256;

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

export function createDb(target: string, options: DbOptions = {}): DbHandle {
  return isPostgresUrl(target) ? createPostgres(target, options) : createSqlite(target, options);
}

// pg hands int8 and numeric back as strings to protect precision; every id and count here is below 2^53,
// so the store normalises them to numbers once, for all repositories.
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
function textParser(oid: number): (value: string) => unknown {
  if (oid === PG_INT8 || oid === PG_NUMERIC) return Number;
  return pg().types.getTypeParser(oid, 'text') as (value: string) => unknown;
}
const pgTypes = { getTypeParser: textParser };

function createPostgres(url: string, options: DbOptions): DbHandle {
  const named = options.pgPreparedStatements ?? PG_PREPARED_STATEMENTS;
  const pool = new (pg().Pool)({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: pgTypes,
    ...(named > 0 ? { Client: namingClient(pg(), new StatementNames(named)) } : {}),
  });
  // An idle client losing its connection must not take the process down; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', pool, close: once(() => db.destroy()) };
}

function createSqlite(file: string, options: DbOptions): DbHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -16384');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', sqlite, close: once(() => db.destroy()) };
}

/** `close` may be called by the app's onClose hook and again by its starter: the database closes once. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= close());
}

/** Unique / primary-key violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
