import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Generated } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/sqlite-statement-cache.ts';

describe('SQLite statement cache', () => {
  const open: SQLite.Database[] = [];
  const memory = () => {
    const db = new SQLite(':memory:');
    open.push(db);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    db.exec("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
    return db;
  };
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });

  it('hands back the compiled statement of a SQL text it has seen', () => {
    const cached = withStatementCache(memory());
    const first = cached.prepare('SELECT v FROM t WHERE id = ?');
    expect(cached.prepare('SELECT v FROM t WHERE id = ?')).toBe(first);
    expect(cached.prepare('SELECT id FROM t WHERE v = ?')).not.toBe(first);
    expect(first.all([2])).toEqual([{ v: 'b' }]);
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const cached = withStatementCache(memory(), 2);
    const a = cached.prepare('SELECT 1');
    cached.prepare('SELECT 2');
    expect(cached.prepare('SELECT 1')).toBe(a);
    cached.prepare('SELECT 3');
    const b = cached.prepare('SELECT 2');
    expect(cached.prepare('SELECT 2')).toBe(b);
    expect(cached.prepare('SELECT 1')).not.toBe(a);
  });

  it('never hands out a statement that is still iterating', () => {
    const cached = withStatementCache(memory());
    const text = 'SELECT v FROM t ORDER BY id';
    const iterating = cached.prepare(text);
    const rows = iterating.iterate([]);
    expect(rows.next().value).toEqual({ v: 'a' });
    const meanwhile = cached.prepare(text);
    expect(meanwhile).not.toBe(iterating);
    expect(meanwhile.all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ v: 'b' }, { v: 'c' }]);
    expect(cached.prepare(text)).toBe(iterating);
  });

  it('serves Kysely: writes, reads, and a stream followed by the same query', async () => {
    const db = new Kysely<{ t: { id: Generated<number>; v: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(memory()) }),
    });
    await db.insertInto('t').values({ v: 'd' }).execute();
    await db.insertInto('t').values({ v: 'e' }).execute();
    const query = db.selectFrom('t').select(['id', 'v']).orderBy('id');
    const streamed: string[] = [];
    for await (const row of query.stream()) streamed.push(row.v);
    expect(streamed).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await query.execute()).map((r) => r.v)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const count = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(db);
    expect(count.rows).toEqual([{ n: 5 }]);
    await db.destroy();
  });
});
