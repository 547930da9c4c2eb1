import { LRUCache } from 'lru-cache';
import type * as Pg from 'pg';

/**
 * PostgreSQL parses, analyses and plans an unnamed statement every time it runs. For reply/add's one
 * statement (claim, counters, comment, notices, outbox events as CTEs) planning alone took 0.32 ms of
 * the backend's 0.52 ms, and `npm run bench` measured 2.24 ms of CPU per comment with unnamed statements
 * against 1.29 ms with named ones (bench/findings.md). So a SQL text with parameters that runs a second
 * time gets a name: each pooled connection then parses it once, and PostgreSQL may keep a generic plan
 * (plan_cache_mode `auto`: after five runs, when it is estimated to cost no more than planning anew).
 * This is what the SQLite side's statement cache (sqlite-statement-cache.ts) does for better-sqlite3.
 *
 * Bounded: at most `max` texts get names (every backend keeps what it prepared until its connection
 * closes); the rest run unnamed as before. Texts without parameters are never named: they include the
 * multi-statement texts (`BEGIN; SELECT …`), which a prepared statement cannot hold.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  /** Texts seen once: named at their second run, so one-off texts (a variable `IN` list) take no name. */
  private readonly seen = new LRUCache<string, true>({ max: 1024 });
  /** Renames per text (a changed row type each time); beyond RENAMES_KEPT it runs unnamed. */
  private readonly renames = new Map<string, number>();
  private counter = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.names.size;
  }

  /** The text's statement name; undefined while it runs unnamed. */
  nameOf(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.max) return name;
    if (!this.seen.has(text)) {
      this.seen.set(text, true);
      return undefined;
    }
    this.seen.delete(text);
    return this.assign(text);
  }

  /**
   * The text's prepared statement no longer fits its tables (`SELECT *` after a column was added, by a
   * newer node's migration): a fresh name, so every connection prepares it again; undefined when the text
   * now runs unnamed. The old statements stay in their connections, unused.
   */
  renamed(text: string, stale: string): string | undefined {
    const current = this.names.get(text);
    if (current !== stale) return current;
    const renames = (this.renames.get(text) ?? 0) + 1;
    this.renames.set(text, renames);
    if (renames > RENAMES_KEPT) {
      this.names.delete(text);
      return undefined;
    }
    return this.assign(text);
  }

  private assign(text: string): string {
    const name = `replay_${++this.counter}`;
    this.names.set(text, name);
    return name;
  }
}

const RENAMES_KEPT = 3;

type QueryCallback = (error: Error | null, result?: Pg.QueryResult) => void;
type PlainQuery = (this: Pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * A `pg.Client` class for the pool (`Client` option) whose `query(text, values[, callback])` — how Kysely
 * and `pool.query` call it — runs named statements for the texts `names` names. Every other form of call
 * (a config object, no values) is pg's own.
 */
export function namingClient(pg: typeof Pg, names: StatementNames): typeof Pg.Client {
  // pg's own method, called with the client as `this` below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const plain = pg.Client.prototype.query as unknown as PlainQuery;

  class NamingClient extends pg.Client {}

  const query = function (this: Pg.Client, config: unknown, values?: unknown, callback?: unknown): unknown {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0) {
      return plain.call(this, config, values, callback);
    }
    const name = names.nameOf(config);
    if (name === undefined) return plain.call(this, config, values, callback);
    const run = (statement: string) =>
      plain.call(this, { name: statement, text: config, values }) as Promise<Pg.QueryResult>;
    const result = run(name).catch((error: unknown) => {
      if (!isRowTypeChange(error)) throw error;
      const next = names.renamed(config, name);
      // Inside a transaction the error has aborted it: the caller's transaction fails as it would on any
      // error. Alone, the statement simply runs again, prepared afresh.
      if (this.getTransactionStatus() !== 'I') throw error;
      return next === undefined ? (plain.call(this, config, values) as Promise<Pg.QueryResult>) : run(next);
    });
    if (typeof callback !== 'function') return result;
    const done = callback as QueryCallback;
    result.then(
      (answer) => done(null, answer),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  };
  NamingClient.prototype.query = query as typeof NamingClient.prototype.query;
  return NamingClient;
}

/** PostgreSQL's answer to a prepared statement whose result columns changed since it was prepared. */
function isRowTypeChange(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}
