import type { DomainEvent } from './events.ts';

/**
 * Where an entry's parameters wait until someone reads them: the query and body objects the route already
 * parsed, referenced rather than copied and redacted on every request (`materialize` does that once, when
 * the entry is read). Held in the entry's own fields, so keeping them allocates nothing.
 */
const KEPT = Symbol('parameters kept');
const QUERY = Symbol('raw query');
const BODY = Symbol('raw body');
/** The request an open entry belongs to (who its events are attributed to); dropped once it is finished. */
const CALLER = Symbol('caller');

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
  events: JournalEvent[];
  /** The fault rule applied to it, if any. */
  fault: { id: number; kind: 'code' | 'status' | 'delay' | 'drop' | 'malformed' } | null;
}

export interface JournalEvent {
  type: string;
  data: Readonly<Record<string, unknown>>;
}

/**
 * Shared by every entry until it has an event / its parameters are materialized: most requests cause no
 * event, and an entry's parameters are only built when it is read. Frozen, so a stray in-place write
 * fails loudly instead of reaching every entry (writers go through `addEvent` and `materialize`).
 */
const NO_EVENTS: JournalEvent[] = Object.freeze([]) as unknown as JournalEvent[];
const NO_PARAMS: Record<string, unknown> = Object.freeze({});

/**
 * An entry as the journal builds it: one object per request (a class, so every entry shares one shape),
 * with the caller and the raw parameters in symbol-keyed fields that JSON and the wire schema ignore.
 */
class OpenEntry implements JournalEntry {
  id = 0;
  mid: number | null = null;
  mode: 'cookie' | 'app' | null = null;
  params = NO_PARAMS;
  status = 0;
  code: number | null = null;
  latency_ms = 0;
  events = NO_EVENTS;
  fault: JournalEntry['fault'] = null;
  [KEPT] = false;
  [QUERY]: unknown = undefined;
  [BODY]: unknown = undefined;
  [CALLER]: JournalCaller | null;

  constructor(
    public time: number,
    public method: string,
    public path: string,
    caller: JournalCaller,
  ) {
    this[CALLER] = caller;
  }
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

/** Adds an event to an entry (its events array is shared and frozen until the first one). */
export function addEvent(entry: JournalEntry, event: JournalEvent): void {
  if (entry.events === NO_EVENTS) entry.events = [event];
  else entry.events.push(event);
}

/** Keeps the request's parsed query and body for `params`, turned into it only when the entry is read. */
export function keepParams(entry: JournalEntry, query: unknown, body: unknown): void {
  if (!(entry instanceof OpenEntry)) {
    entry.params = paramsOf(query, body);
    return;
  }
  entry[KEPT] = true;
  entry[QUERY] = query;
  entry[BODY] = body;
}

/** Fills `params` from the kept query and body (merged, secrets redacted); returns the entry. */
export function materialize(entry: JournalEntry): JournalEntry {
  if (!(entry instanceof OpenEntry) || !entry[KEPT]) return entry;
  entry[KEPT] = false;
  entry.params = paramsOf(entry[QUERY], entry[BODY]);
  entry[QUERY] = undefined;
  entry[BODY] = undefined;
  return entry;
}

function paramsOf(rawQuery: unknown, body: unknown): Record<string, unknown> {
  const query = (rawQuery ?? {}) as Record<string, unknown>;
  return redact(
    body && typeof body === 'object' && !Array.isArray(body) && body !== query
      ? { ...query, ...(body as Record<string, unknown>) }
      : query,
  );
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
export class Journal<C extends JournalCaller = JournalCaller> {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private lastId = 0;
  /** Unanswered entries, oldest first. */
  private readonly open: OpenEntry[] = [];
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
  start(method: string, path: string, time: number, caller: C): JournalEntry {
    const entry = new OpenEntry(time, method, path, caller);
    this.open.push(entry);
    return entry;
  }

  event(event: DomainEvent): void {
    const open = this.open;
    for (let i = open.length - 1; i >= 0; i--) {
      const entry = open[i]!;
      if ((entry[CALLER]?.identity?.mid ?? 0) === event.actor) {
        addEvent(entry, { type: event.type, data: event.data });
        return;
      }
    }
  }

  /** The unanswered entries whose caller `test` picks (a connection that closed: see the toolkit hooks). */
  pending(test: (caller: C) => boolean): { entry: JournalEntry; caller: C }[] {
    const out: { entry: JournalEntry; caller: C }[] = [];
    for (const entry of this.open) {
      const caller = entry[CALLER] as C | null;
      if (caller !== null && test(caller)) out.push({ entry, caller });
    }
    return out;
  }

  /** The request was answered (or dropped): the entry gets its id and enters the ring. */
  finish(entry: JournalEntry): void {
    const open = this.open;
    const at = open.indexOf(entry as OpenEntry);
    if (at === -1) return;
    // In place (no array for splice to return): entries mostly finish in arrival order, near the front.
    for (let i = at + 1; i < open.length; i++) open[i - 1] = open[i]!;
    open.pop();
    (entry as OpenEntry)[CALLER] = null;
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
