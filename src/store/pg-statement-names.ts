import { LRUCache } from 'lru-cache';
import type * as Pg from 'pg';

/**
 * PostgreSQL parses, analyses and plans an unnamed statement every time it runs. For reply/add's one
 * statement (claim, counters, comment, notices, outbox events as CTEs) planning alone took 0.32 ms of the
 * backend's 0.52 ms, and `npm run bench` measured 2.33 / 2.73 ms of CPU per comment with unnamed
 * statements against 1.72 / 1.59 ms with named ones (bench/findings.md). So a SQL text with parameters
 * that runs a second time gets a name: each pooled connection then parses it once, and PostgreSQL may keep
 * a generic plan (plan_cache_mode `auto`: after five runs, when it is estimated to cost no more than
 * planning anew). This is what the SQLite side's statement cache (sqlite-statement-cache.ts) does for
 * better-sqlite3.
 *
 * Bounded: at most `max` texts get names (every backend keeps what it prepared until its connection
 * closes); the rest run unnamed as before. Never named: texts without parameters (they include the
 * multi-statement texts, `BEGIN; SELECT …`, which a prepared statement cannot hold) and texts of more
 * than MAX_PARAMETERS (multi-row inserts, a text per row count: they would take the slots of the hot
 * texts).
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  /** Texts seen once: named at their second run, so one-off texts (a variable `IN` list) take no name. */
  private readonly seen = new LRUCache<string, true>({ max: 1024 });
  /**
   * Renames and forgets per text; a text past RENAMES_KEPT runs unnamed from then on (each leaves a
   * statement behind on the connections that had it, so a cause that keeps coming must not go on).
   */
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
    if (this.renames.has(text) && this.renames.get(text)! > RENAMES_KEPT) return undefined;
    if (!this.seen.has(text)) {
      this.seen.set(text, true);
      return undefined;
    }
    this.seen.delete(text);
    return this.assign(text);
  }

  /**
   * The text's statement `stale` cannot serve any more (its row type changed under it, or the client
   * lost track of it): a fresh name, so every connection prepares it again; undefined when the text runs
   * unnamed from now on. Another caller that failed on `stale` meanwhile gets the current name. The old
   * statements stay in their connections, unused.
   */
  renamed(text: string, stale: string): string | undefined {
    const current = this.names.get(text);
    if (current !== stale) return current;
    const renames = (this.renames.get(text) ?? 0) + 1;
    this.renames.set(text, renames);
    this.names.delete(text);
    return renames > RENAMES_KEPT ? undefined : this.assign(text);
  }

  /**
   * The client lost track of `stale` on one connection (a value pg could not encode): the text takes a
   * new name when it next comes round, counted as a rename.
   */
  forget(text: string, stale: string): void {
    if (this.names.get(text) !== stale) return;
    this.names.delete(text);
    this.renames.set(text, (this.renames.get(text) ?? 0) + 1);
  }

  private assign(text: string): string {
    const name = `replay_${++this.counter}`;
    this.names.set(text, name);
    return name;
  }
}

const RENAMES_KEPT = 3;
/** pg's messages (its own, never translated) for a connection that broke, closed or timed out. */
const CONNECTION_ERROR =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|Query read timeout)/;
/** Texts with more parameters run unnamed (see StatementNames). */
const MAX_PARAMETERS = 100;

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
    if (
      typeof config !== 'string' ||
      !Array.isArray(values) ||
      values.length === 0 ||
      values.length > MAX_PARAMETERS
    ) {
      return plain.call(this, config, values, callback);
    }
    const name = names.nameOf(config);
    if (name === undefined) return plain.call(this, config, values, callback);
    const run = (statement: string) =>
      plain.call(this, { name: statement, text: config, values }) as Promise<Pg.QueryResult>;
    const result = run(name).catch((error: unknown) => {
      const stale = staleness(error);
      if (stale === null) throw error;
      if (stale === 'client') {
        // The caller's own error (a value pg could not send), reported as it is.
        names.forget(config, name);
        throw error;
      }
      const next = names.renamed(config, name);
      // Inside a transaction the error has aborted it: the caller's transaction fails, as on any error
      // (Store.transaction runs its work again). Alone, the statement runs again, prepared afresh: both
      // errors come before anything was executed.
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

/**
 * Whether a named statement's error means the statement cannot be used again under its name:
 * - 'server': PostgreSQL's answer to a prepared statement whose result columns changed since it was
 *   prepared (0A000 from RevalidateCachedQuery; its routine, not its message, which PostgreSQL translates
 *   by `lc_messages`), or to a statement name the connection does not have (26000);
 * - 'client': an error raised in pg, with no SQLSTATE: when a value cannot be encoded, pg closes the
 *   statement on the server but still counts it as prepared, so the name must not be used on that
 *   connection again;
 * - null: any other error, which leaves the statement as it was.
 */
export function staleness(error: unknown): 'server' | 'client' | null {
  if (!(error instanceof Error)) return null;
  const { code, routine } = error as { code?: unknown; routine?: unknown };
  // pg's own errors of a connection that broke or timed out have no SQLSTATE either; the statements of a
  // dead connection go with it and a live one's are intact, so the name is kept.
  if (code === undefined) return CONNECTION_ERROR.test(error.message) ? null : 'client';
  if (code === '26000') return 'server';
  return code === '0A000' && routine === 'RevalidateCachedQuery' ? 'server' : null;
}

/** A transaction that failed on a stale prepared statement (see `staleness`): worth running again. */
export function isStaleStatement(error: unknown): boolean {
  return staleness(error) === 'server';
}
