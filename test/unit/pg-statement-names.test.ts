import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { PG_PREPARED_STATEMENTS, createDb } from '../../src/store/database.ts';
import type { DbHandle } from '../../src/store/database.ts';
import { StatementNames } from '../../src/store/pg-statement-names.ts';
import { createTestDatabase } from '../support/harness.ts';

describe('StatementNames', () => {
  it('names a text at its second run, up to its bound', () => {
    const names = new StatementNames(2);
    expect(names.nameOf('a')).toBeUndefined();
    const a = names.nameOf('a');
    expect(a).toBeDefined();
    expect(names.nameOf('a')).toBe(a);
    names.nameOf('b');
    const b = names.nameOf('b');
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    // The bound is reached: a third text runs unnamed however often it comes.
    for (let i = 0; i < 5; i++) expect(names.nameOf('c')).toBeUndefined();
    expect(names.size).toBe(2);
  });

  it('renames a text whose statement went stale, a few times, then lets it run unnamed', () => {
    const names = new StatementNames(8);
    names.nameOf('t');
    let name = names.nameOf('t')!;
    for (let i = 0; i < 3; i++) {
      const next = names.renamed('t', name);
      expect(next).toBeDefined();
      expect(next).not.toBe(name);
      // Other connections that failed on the old name meanwhile get the current one, not another rename.
      expect(names.renamed('t', name)).toBe(next);
      name = next!;
    }
    expect(names.renamed('t', name)).toBeUndefined();
    expect(names.nameOf('t')).toBeUndefined();
  });

  it('is on by default, as many texts as the setting says', () => {
    expect(loadConfig({}, {}).pgPreparedStatements).toBe(PG_PREPARED_STATEMENTS);
    expect(loadConfig({}, { REPLAY_PG_PREPARED_STATEMENTS: '0' }).pgPreparedStatements).toBe(0);
    expect(() => loadConfig({}, { REPLAY_PG_PREPARED_STATEMENTS: '-1' })).toThrow(
      /REPLAY_PG_PREPARED_STATEMENTS/,
    );
  });
});

describe.skipIf(!inject('pgUrl'))('named statements on PostgreSQL', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  // A type alias, not an interface: Kysely's table map needs the index signature aliases get.
  type T = { t: { id: number; a: string } };

  /** A database with table `t`, opened over one connection (so the prepared statements are all on it). */
  async function open(pgPreparedStatements?: number): Promise<DbHandle & { target: string }> {
    const database = await createTestDatabase('postgres');
    cleanup.push(() => database.drop());
    const handle = createDb(database.target, {
      poolSize: 1,
      ...(pgPreparedStatements === undefined ? {} : { pgPreparedStatements }),
    });
    cleanup.push(() => handle.close());
    await sql`CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL)`.execute(handle.db);
    await sql`INSERT INTO t VALUES (1, 'one'), (2, 'two')`.execute(handle.db);
    return Object.assign(handle, { target: database.target });
  }

  const prepared = async (handle: DbHandle): Promise<string[]> =>
    (
      await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(handle.db)
    ).rows.map((r) => r.statement);

  const byId = (db: Kysely<T>, id: number) => db.selectFrom('t').selectAll().where('id', '=', id).execute();
  const tables = (handle: DbHandle): Kysely<T> => handle.db.withTables<T>();
  const alter = async (target: string, statement: string) => {
    const other = new pg.Client({ connectionString: target });
    await other.connect();
    await other.query(statement);
    await other.end();
  };

  it('prepares a text with parameters from its second run; others run unnamed', async () => {
    const handle = await open();
    expect(await byId(tables(handle), 1)).toEqual([{ id: 1, a: 'one' }]);
    expect(await prepared(handle)).toEqual([]);
    expect(await byId(tables(handle), 2)).toEqual([{ id: 2, a: 'two' }]);
    expect(await byId(tables(handle), 1)).toEqual([{ id: 1, a: 'one' }]);
    expect(await prepared(handle)).toEqual(['select * from "t" where "id" = $1']);
    // No parameters: never a prepared statement (a multi-statement text could not be one).
    for (let i = 0; i < 3; i++) await handle.pool!.query('SELECT 1; SELECT 2');
    // pg's own callback form, as pg-pool's query uses it, answers from the named statement too.
    const rows = await new Promise<unknown[]>((resolve, reject) =>
      handle.pool!.query('SELECT a FROM t WHERE id = $1', [2], (error, result) =>
        error ? reject(error) : resolve(result.rows),
      ),
    );
    expect(rows).toEqual([{ a: 'two' }]);
    await handle.pool!.query('SELECT a FROM t WHERE id = $1', [1]);
    expect((await prepared(handle)).sort()).toEqual([
      'SELECT a FROM t WHERE id = $1',
      'select * from "t" where "id" = $1',
    ]);
    // An error of a named statement reaches the caller as it is.
    await expect(handle.pool!.query('SELECT a FROM t WHERE id = $1', ['x'])).rejects.toThrow(/integer/);
  });

  it('prepares nothing when the setting is 0', async () => {
    const handle = await open(0);
    for (let id = 1; id <= 3; id++) await byId(tables(handle), id);
    expect(await prepared(handle)).toEqual([]);
  });

  it('survives a column added by another connection (a newer node migrating)', async () => {
    const handle = await open();
    await byId(tables(handle), 1);
    await byId(tables(handle), 1);
    await alter(handle.target, `ALTER TABLE t ADD COLUMN b text NOT NULL DEFAULT 'new'`);
    // On its own the statement is prepared again under a new name and answers with the new column.
    expect(await byId(tables(handle), 1)).toEqual([{ id: 1, a: 'one', b: 'new' }]);
    expect(await byId(tables(handle), 2)).toEqual([{ id: 2, a: 'two', b: 'new' }]);

    // Inside a transaction the stale statement's error ends the transaction, as any error does.
    await byId(tables(handle), 2);
    await alter(handle.target, `ALTER TABLE t ADD COLUMN c integer NOT NULL DEFAULT 3`);
    await expect(
      tables(handle)
        .transaction()
        .execute((tx) => byId(tx, 1)),
    ).rejects.toThrow(/cached plan must not change result type/);
    expect(await byId(tables(handle), 1)).toEqual([{ id: 1, a: 'one', b: 'new', c: 3 }]);
  });
});
