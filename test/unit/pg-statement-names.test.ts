import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { PG_PREPARED_STATEMENTS, createDb } from '../../src/store/database.ts';
import type { DbHandle } from '../../src/store/database.ts';
import { StatementNames, staleness } from '../../src/store/pg-statement-names.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { Store } from '../../src/store/store.ts';
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
    // From then on the text runs unnamed, however often it comes.
    for (let i = 0; i < 5; i++) expect(names.nameOf('t')).toBeUndefined();
    expect(names.size).toBe(0);
  });

  it('forgets a name the client lost track of, a few times, then lets the text run unnamed', () => {
    const names = new StatementNames(8);
    names.nameOf('t');
    let name = names.nameOf('t')!;
    for (let i = 0; i < 3; i++) {
      names.forget('t', name);
      // Unnamed at its next run, named anew at the one after.
      expect(names.nameOf('t')).toBeUndefined();
      const next = names.nameOf('t')!;
      expect(next).toBeDefined();
      expect(next).not.toBe(name);
      name = next;
    }
    names.forget('t', name);
    for (let i = 0; i < 5; i++) expect(names.nameOf('t')).toBeUndefined();
  });

  it('tells a stale statement by SQLSTATE and routine, whatever language the message is in', () => {
    const server = (code: string, routine: string, message: string) =>
      Object.assign(new Error(message), { code, routine });
    expect(staleness(server('0A000', 'RevalidateCachedQuery', '缓存的计划不能更改结果类型'))).toBe('server');
    expect(
      staleness(server('26000', 'FetchPreparedStatement', 'prepared statement "replay_1" does not exist')),
    ).toBe('server');
    // Another feature-not-supported error is the caller's.
    expect(staleness(server('0A000', 'transformLockingClause', 'FOR UPDATE is not allowed'))).toBeNull();
    expect(staleness(server('23505', '_bt_check_unique', 'duplicate key'))).toBeNull();
    expect(staleness(new TypeError('Converting circular structure to JSON'))).toBe('client');
    // pg's errors of a broken or timed-out connection leave the statement alone.
    for (const message of [
      'Connection terminated unexpectedly',
      'Client has encountered a connection error and is not queryable',
      'Query read timeout',
    ]) {
      expect(staleness(new Error(message))).toBeNull();
    }
    expect(staleness('not an error')).toBeNull();
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
  async function open(pgPreparedStatements?: number, poolSize = 1): Promise<DbHandle & { target: string }> {
    const database = await createTestDatabase('postgres');
    cleanup.push(() => database.drop());
    const handle = createDb(database.target, {
      poolSize,
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
    // Nor a text of more than 100 parameters (a multi-row insert: a text per row count).
    const many = Array.from({ length: 101 }, (_, i) => i);
    const sum = `SELECT ${many.map((i) => `$${i + 1}::int`).join(' + ')} AS n`;
    for (let i = 0; i < 3; i++) expect((await handle.pool!.query(sum, many)).rows).toEqual([{ n: 5050 }]);
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
    ).rejects.toMatchObject({ code: '0A000', routine: 'RevalidateCachedQuery' });
    expect(await byId(tables(handle), 1)).toEqual([{ id: 1, a: 'one', b: 'new', c: 3 }]);
  });

  it('a write that returns its row runs exactly once when its statement went stale', async () => {
    const handle = await open();
    const insert = (id: number) =>
      handle.pool!.query('INSERT INTO t (id, a) VALUES ($1, $2) RETURNING *', [id, `n${id}`]);
    await insert(10);
    await insert(11);
    await alter(handle.target, `ALTER TABLE t ADD COLUMN b text NOT NULL DEFAULT 'new'`);
    // pg-pool's callback form, through the retry.
    expect((await insert(12)).rows).toEqual([{ id: 12, a: 'n12', b: 'new' }]);
    const { rows } = await handle.pool!.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM t WHERE id = 12',
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('Store.transaction runs its work again after a stale statement aborted it', async () => {
    const database = await createTestDatabase('postgres');
    cleanup.push(() => database.drop());
    const handle = createDb(database.target, { poolSize: 3 });
    cleanup.push(() => handle.close());
    await migrateToLatest(handle.db);
    await sql`INSERT INTO areas (type, oid, owner_mid, created_at) VALUES (1, 7, 1, 0)`.execute(handle.db);
    const store = new Store(handle);
    let runs = 0;
    const find = () =>
      store.transaction(async (tx) => {
        runs++;
        return tx.areas.find(1, 7);
      });
    // The repository's `select *` prepared on several connections.
    for (let i = 0; i < 2; i++) await Promise.all([find(), find(), find()]);
    await alter(database.target, 'ALTER TABLE areas ADD COLUMN extra integer NOT NULL DEFAULT 5');
    runs = 0;
    const found = await Promise.all([find(), find(), find()]);
    for (const row of found) expect(row).toMatchObject({ type: 1, oid: 7, extra: 5 });
    // Each transaction that met the old statement ran once more; none failed.
    expect(runs).toBeGreaterThan(3);
    expect(runs).toBeLessThanOrEqual(6);
  });

  it('a statement the connection lost (26000) is prepared again: alone at once, a transaction fails', async () => {
    const handle = await open();
    const client = await handle.pool!.connect();
    try {
      const get = (id: number) => client.query('SELECT a FROM t WHERE id = $1', [id]);
      await get(1);
      await get(1);
      // What a pooler that resets server connections does: pg still counts the statement as prepared.
      await client.query('DEALLOCATE ALL');
      expect((await get(2)).rows).toEqual([{ a: 'two' }]);
      await client.query('DEALLOCATE ALL');
      await client.query('BEGIN');
      await expect(get(1)).rejects.toMatchObject({ code: '26000' });
      await client.query('ROLLBACK');
      expect((await get(1)).rows).toEqual([{ a: 'one' }]);
    } finally {
      client.release();
    }
  });

  it('a value pg cannot send leaves the statement usable on that connection', async () => {
    const handle = await open();
    const client = await handle.pool!.connect();
    try {
      const get = (value: unknown) => client.query('SELECT a FROM t WHERE a = $1::text', [value]);
      await get('one');
      await get('one');
      const circular: Record<string, unknown> = {};
      circular['self'] = circular;
      await expect(get(circular)).rejects.toThrow(/circular/i);
      // pg closed the statement but still counts it as prepared: run under its old name, PostgreSQL would
      // answer 26000, which inside a transaction nothing can retry.
      await client.query('BEGIN');
      for (let i = 0; i < 3; i++) expect((await get('two')).rows).toEqual([{ a: 'two' }]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
});
