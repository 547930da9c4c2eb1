import type { DomainEvent } from './events.ts';

/**
 * Where an entry's parameters wait until someone reads them: the query and body objects the route already
 * parsed, referenced rather than copied and redacted on every request (`materialize` does that once, when
 * the entry is read).
 */
const RAW = Symbol('raw parameters');

/** What tells the journal the caller of a request once it is known (the request itself). */
export interface JournalCaller {
  readonly identity?: { readonly mid: number } | null | undefined;
}

/** One answered request as the journal keeps it. */
export interface JournalEntry {
  id: number;
  /** Arrival, Unix ms (real time). */
  time: number;
  method: string;
  path: string;
  /** Authenticated caller; null when anonymous. */
  mid: number | null;
  mode: 'cookie' | 'app' | null;
  /** Query and form parameters merged, secrets replaced by "[redacted]". */
  params: Record<string, unknown>;
  /** HTTP status of the answer; 0 when the connection was dropped. */
  status: number;
  /** The envelope's `code`; null when the answer was not an envelope. */
  code: number | null;
  latency_ms: number;
  events: { type: string; data: Readonly<Record<string, unknown>> }[];
  /** The fault rule applied to it, if any. */
  fault: { id: number; kind: 'code' | 'status' | 'delay' | 'drop' | 'malformed' } | null;
  /** Query and body not yet turned into `params` (see RAW). */
  [RAW]?: { query: unknown; body: unknown } | undefined;
}

export interface JournalFilter {
  path?: string;
  mid?: number;
  code?: number;
  /** Only entries with an id greater than this. */
  since?: number;
  /** Only entries that caused an event of this type. */
  event?: string;
  /** Parameter values (compared as strings), e.g. `{ play_type: '2' }`. */
  params?: Record<string, string>;
}

/** Names whose values never enter the journal: credentials and anti-forgery tokens. */
const SECRET = new Set([
  'cookie',
  'cookies',
  'csrf',
  'csrf_token',
  'access_key',
  'access_token',
  'password',
  'pwd',
  'sessdata',
  'bili_jct',
  'refresh_token',
  'refresh_csrf',
  'auth_code',
  'sign',
  'sid',
  'dedeuserid__ckmd5',
]);

export const REDACTED = '[redacted]';

export function redact(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params))
    out[key] = SECRET.has(key.toLowerCase()) ? REDACTED : value;
  return out;
}

/** Keeps the request's parsed query and body for `params`, turned into it only when the entry is read. */
export function keepParams(entry: JournalEntry, query: unknown, body: unknown): void {
  entry[RAW] = { query, body };
}

/** Fills `params` from the kept query and body (merged, secrets redacted); returns the entry. */
export function materialize(entry: JournalEntry): JournalEntry {
  const raw = entry[RAW];
  if (raw === undefined) return entry;
  entry[RAW] = undefined;
  const query = (raw.query ?? {}) as Record<string, unknown>;
  const body = raw.body;
  entry.params = redact(
    body && typeof body === 'object' && !Array.isArray(body) && body !== query
      ? { ...query, ...(body as Record<string, unknown>) }
      : query,
  );
  return entry;
}

interface Waiter {
  filter: JournalFilter;
  resolve: (entry: JournalEntry | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * The request journal: a ring of the last `size` answered Bilibili requests (admin calls are not kept)
 * and the domain events each caused. Events are attributed to the newest unanswered request of the same
 * caller (anonymous callers share mid 0), which is exact for a test client that waits for each answer.
 */
export class Journal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private lastId = 0;
  private readonly open: { entry: JournalEntry; caller: JournalCaller }[] = [];
  private waiters: Waiter[] = [];
  /** Cluster mode: also handed each finished entry, to write it where every node reads (ToolkitCluster). */
  sink: ((entry: JournalEntry) => void) | null = null;

  constructor(readonly size: number) {
    this.ring = new Array<JournalEntry | undefined>(size);
  }

  /**
   * A request arrived: its entry collects events until `finish`. `caller` tells the caller's mid once
   * known (anonymous, or not yet authenticated: 0).
   */
  start(method: string, path: string, time: number, caller: JournalCaller): JournalEntry {
    const entry: JournalEntry = {
      id: 0,
      time,
      method,
      path,
      mid: null,
      mode: null,
      params: {},
      status: 0,
      code: null,
      latency_ms: 0,
      events: [],
      fault: null,
    };
    this.open.push({ entry, caller });
    return entry;
  }

  event(event: DomainEvent): void {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const { entry, caller } = this.open[i]!;
      if ((caller.identity?.mid ?? 0) === event.actor) {
        entry.events.push({ type: event.type, data: event.data });
        return;
      }
    }
  }

  /** The request was answered (or dropped): the entry gets its id and enters the ring. */
  finish(entry: JournalEntry): void {
    const at = this.open.findIndex((o) => o.entry === entry);
    if (at === -1) return;
    this.open.splice(at, 1);
    entry.id = ++this.lastId;
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.ring.length;
    this.sink?.(entry);
    if (this.waiters.length > 0) {
      for (const waiter of this.waiters.filter((w) => matches(entry, w.filter))) {
        clearTimeout(waiter.timer);
        waiter.resolve(materialize(entry));
      }
      this.waiters = this.waiters.filter((w) => !matches(entry, w.filter));
    }
  }

  /** Oldest first. */
  query(filter: JournalFilter = {}, limit = this.size): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const entry = this.ring[(this.next + i) % this.ring.length];
      if (entry && matches(entry, filter)) out.push(entry);
    }
    return out.slice(Math.max(0, out.length - limit)).map(materialize);
  }

  /** The first kept entry matching, or the next one to arrive within `timeoutMs`; null at the timeout. */
  wait(filter: JournalFilter, timeoutMs: number): Promise<JournalEntry | null> {
    const found = this.query(filter, 1)[0];
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        filter,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }

  /** Ends every pending wait (server closing). */
  close(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
    this.waiters = [];
  }
}

export function matches(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.since !== undefined && entry.id <= filter.since) return false;
  if (filter.path !== undefined && entry.path !== filter.path) return false;
  if (filter.mid !== undefined && entry.mid !== filter.mid) return false;
  if (filter.code !== undefined && entry.code !== filter.code) return false;
  if (filter.event !== undefined && !entry.events.some((e) => e.type === filter.event)) return false;
  if (filter.params) {
    materialize(entry);
    for (const [key, value] of Object.entries(filter.params)) {
      const actual = entry.params[key];
      const text = typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean';
      if (!text || String(actual) !== value) return false;
    }
  }
  return true;
}
