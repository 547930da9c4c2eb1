import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { LRUCache } from 'lru-cache';

/**
 * The database Kysely's SQLite dialect is given: the same better-sqlite3 handle, but `prepare` reuses the
 * compiled statement of a SQL text it has seen. Kysely prepares every query it runs; compiling the
 * statement again each time was 11–13 % of the server's CPU on the comment endpoints (bench/findings.md).
 * Kysely's SQL text is stable per query shape (values are parameters), so a small LRU covers the hot
 * paths; variable-length `IN (…)` lists only take a few more entries.
 */
export function withStatementCache(db: SQLite.Database, max = 512): SqliteDatabase {
  const cache = new LRUCache<string, SQLite.Statement>({ max });
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      // A statement still iterating (Kysely's streamQuery) cannot run again until it is done.
      if (cached && !cached.busy) return cached;
      const statement = db.prepare(sql);
      if (!cached) cache.set(sql, statement);
      return statement;
    },
  };
}
