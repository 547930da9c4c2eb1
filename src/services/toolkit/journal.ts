import { parse as parseQuery } from 'fast-querystring';
import type { DomainEvent } from './events.ts';

/**
 * Every journaled request's entry lives for `size` requests, long enough to survive two scavenges and be
 * promoted to the old generation, and so would anything it referenced: the parsed parameters (dozens of
 * small objects), the URL and form strings, each event and its data. That promotion, and the full
 * collections it brought on, were most of the journal's cost per request (issue #13's bench). So the
 * journal reuses its entries (an entry pushed out of the ring serves a later request), and a finished
 * entry holds no per-request object: its URL, raw form text and events (as JSON) are copied into a byte
 * buffer the entry keeps and reuses, and `materialize` turns them back into `params` and `events` only
 * when the entry is read. `params` are built as the routes build them: query and body merged, then the
 * route's own validator, which coerces and fills defaults exactly as it did for the request.
 */
const KEPT = Symbol('request kept');
const TEXT = Symbol('text buffer');
const URL_BYTES = Symbol('url bytes');
/** -1: no form body. */
const FORM_BYTES = Symbol('form bytes');
/** 0: no events. */
const EVENT_BYTES = Symbol('event bytes');
const BODY = Symbol('parsed body');
const VALIDATE = Symbol('validator');
/** The request an open entry belongs to (who its events are attributed to); dropped once it is finished. */
const CALLER = Symbol('caller');

/** A route's compiled validator of its merged parameters: coerces and fills defaults in place. */
export type ParamsValidator = (params: unknown) => unknown;

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
 * event. Frozen, so a stray in-place write fails loudly instead of reaching every entry (writers go
 * through `addEvent` and `materialize`).
 */
const NO_EVENTS: JournalEvent[] = Object.freeze([]) as unknown as JournalEvent[];
const NO_PARAMS: Record<string, unknown> = Object.freeze({});

/** An entry as the journal builds and reuses it; readers outside the journal get `snapshot` copies. */
class OpenEntry implements JournalEntry {
  id = 0;
  time = 0;
  method = '';
  path = '';
  mid: number | null = null;
  mode: 'cookie' | 'app' | null = null;
  params = NO_PARAMS;
  status = 0;
  code: number | null = null;
  latency_ms = 0;
  events = NO_EVENTS;
  fault: JournalEntry['fault'] = null;
  [KEPT] = false;
  [TEXT]: Buffer | null = null;
  [URL_BYTES] = 0;
  [FORM_BYTES] = -1;
  [EVENT_BYTES] = 0;
  [BODY]: unknown = undefined;
  [VALIDATE]: ParamsValidator | null = null;
  [CALLER]: JournalCaller | null = null;

  /** Back to a blank entry; its text buffer is kept for the next request. */
  clear(): void {
    this.id = 0;
    this.mid = null;
    this.mode = null;
    this.params = NO_PARAMS;
    this.status = 0;
    this.code = null;
    this.latency_ms = 0;
    this.events = NO_EVENTS;
    this.fault = null;
    this[KEPT] = false;
    this[BODY] = undefined;
    this[VALIDATE] = null;
    this[CALLER] = null;
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

/**
 * Keeps what a finished request's `params` and `events` are built from when the entry is read
 * (`materialize`): the request URL (query string included), the form body's raw text (null when the body
 * was no form), any other parsed body (JSON, merged when it is a plain object), and the route's validator
 * when the request passed validation (null when it never got that far: the params are then the strings
 * the client sent).
 */
export function keepRequest(
  entry: JournalEntry,
  url: string,
  form: string | null,
  body: unknown,
  validate: ParamsValidator | null,
): void {
  if (!(entry instanceof OpenEntry)) {
    entry.params = paramsOf(url, form, body, validate);
    return;
  }
  const events = entry.events === NO_EVENTS ? '' : JSON.stringify(entry.events);
  const urlBytes = Buffer.byteLength(url);
  const formBytes = form === null ? 0 : Buffer.byteLength(form);
  const eventBytes = events === '' ? 0 : Buffer.byteLength(events);
  const size = urlBytes + formBytes + eventBytes;
  let text = entry[TEXT];
  if (text === null || text.length < size) {
    // Not from Buffer's shared pool: the entry keeps this one for as long as it lives.
    text = entry[TEXT] = Buffer.allocUnsafeSlow(Math.max(256, size + (size >> 2)));
  }
  text.write(url, 0, urlBytes, 'utf8');
  if (form !== null) text.write(form, urlBytes, formBytes, 'utf8');
  if (eventBytes > 0) text.write(events, urlBytes + formBytes, eventBytes, 'utf8');
  entry[KEPT] = true;
  entry[URL_BYTES] = urlBytes;
  entry[FORM_BYTES] = form === null ? -1 : formBytes;
  entry[EVENT_BYTES] = eventBytes;
  entry[BODY] = form === null ? body : undefined;
  entry[VALIDATE] = validate;
  entry.events = NO_EVENTS;
}

/** Fills `params` and `events` from what was kept; returns the entry. */
export function materialize(entry: JournalEntry): JournalEntry {
  if (!(entry instanceof OpenEntry) || !entry[KEPT]) return entry;
  entry[KEPT] = false;
  const text = entry[TEXT]!;
  const urlEnd = entry[URL_BYTES];
  const formEnd = urlEnd + Math.max(0, entry[FORM_BYTES]);
  const url = text.toString('utf8', 0, urlEnd);
  const form = entry[FORM_BYTES] < 0 ? null : text.toString('utf8', urlEnd, formEnd);
  entry.params = paramsOf(url, form, entry[BODY], entry[VALIDATE]);
  if (entry[EVENT_BYTES] > 0) {
    const events = JSON.parse(text.toString('utf8', formEnd, formEnd + entry[EVENT_BYTES])) as JournalEvent[];
    entry.events = events.map(({ type, data }) => ({ type, data }));
  }
  entry[BODY] = undefined;
  entry[VALIDATE] = null;
  return entry;
}

/** A plain copy of an entry, with its params, that stays as it is when the journal reuses the entry. */
export function snapshot(entry: JournalEntry): JournalEntry {
  const e = materialize(entry);
  return {
    id: e.id,
    time: e.time,
    method: e.method,
    path: e.path,
    mid: e.mid,
    mode: e.mode,
    params: e.params,
    status: e.status,
    code: e.code,
    latency_ms: e.latency_ms,
    events: e.events.map(({ type, data }) => ({ type, data })),
    fault: e.fault,
  };
}

/**
 * The parameters as the route saw them: query and body merged as the Bilibili routes merge them (a body
 * value wins), with Fastify's own query parser, then the route's validator, which coerces them and fills
 * defaults exactly as it did when the request passed it.
 */
function paramsOf(
  url: string,
  form: string | null,
  body: unknown,
  validate: ParamsValidator | null,
): Record<string, unknown> {
  const at = url.indexOf('?');
  const params = (at === -1 ? {} : parseQuery(url.slice(at + 1))) as Record<string, unknown>;
  if (form !== null) Object.assign(params, parseQuery(form));
  else if (body && typeof body === 'object' && !Array.isArray(body)) Object.assign(params, body);
  validate?.(params);
  return redact(params);
}

/** How many distinct paths the journal shares one string for. */
const PATHS_SHARED = 4096;

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
  /** Entries pushed out of the ring, cleared, for the next requests. */
  private readonly spare: OpenEntry[] = [];
  /**
   * One string per path, which finished entries share: a path of the request's own would be promoted with
   * the entry. Bounded: past that many distinct paths, entries keep their own.
   */
  private readonly paths = new Map<string, string>();
  private waiters: Waiter[] = [];

  constructor(readonly size: number) {
    this.ring = new Array<JournalEntry | undefined>(size);
  }

  /**
   * A request arrived: its entry collects events until `finish`. `caller` tells the caller's mid once
   * known (anonymous, or not yet authenticated: 0).
   */
  start(method: string, path: string, time: number, caller: C): JournalEntry {
    const entry = this.spare.pop() ?? new OpenEntry();
    let shared = this.paths.get(path);
    if (shared === undefined) {
      shared = path;
      if (this.paths.size < PATHS_SHARED) this.paths.set(path, path);
    }
    entry.time = time;
    entry.method = method;
    entry.path = shared;
    entry[CALLER] = caller;
    this.open.push(entry);
    return entry;
  }

  event(event: DomainEvent): void {
    const open = this.open;
    for (let i = open.length - 1; i >= 0; i--) {
      const entry = open[i]!;
      if ((entry[CALLER]?.identity?.mid ?? 0) === event.actor) {
        // The event itself: its `actor` is left out when the entry is read.
        addEvent(entry, event);
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
    this.recycle(this.ring[this.next]);
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.ring.length;
    if (this.waiters.length > 0) {
      for (const waiter of this.waiters.filter((w) => matches(entry, w.filter))) {
        clearTimeout(waiter.timer);
        waiter.resolve(snapshot(entry));
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
    return out.slice(Math.max(0, out.length - limit)).map(snapshot);
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
    for (const entry of this.ring) this.recycle(entry);
    this.ring.fill(undefined);
    this.next = 0;
  }

  private recycle(entry: JournalEntry | undefined): void {
    if (!(entry instanceof OpenEntry)) return;
    entry.clear();
    this.spare.push(entry);
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
  if (filter.event !== undefined && !materialize(entry).events.some((e) => e.type === filter.event))
    return false;
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
