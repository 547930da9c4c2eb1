import { parse as parseQuery } from 'fast-querystring';
import type { DomainEvent } from './events.ts';

/**
 * Every journaled request's entry lives for `size` requests, long enough to survive two scavenges and be
 * promoted to the old generation, and so would anything it referenced: the parsed parameters (dozens of
 * small objects), the URL and form strings, each event and its data. That promotion, and the full
 * collections it brought on, were most of the journal's cost per request (issue #13's bench). So the
 * journal reuses its entries (an entry pushed out of the ring serves a later request), and a finished
 * entry keeps its URL (when it has a query string), raw form text and events (as JSON) as bytes: in the
 * journal's text log (`TextLog`), or in a buffer of its own when they are long; only a JSON body is still
 * held as the parsed object. `params` and `events` are rebuilt from them each time the entry is read
 * (`snapshot`, `matches`), which leaves the entry as it is: query and body merged as the route merged
 * them, then the route's own validator, which coerces and fills defaults exactly as it did for the
 * request.
 */
const KEPT = Symbol('request kept');
/**
 * URL, form text and events JSON, one after the other (UTF-8, each written straight from its string: no
 * joined copy). UTF-8 gives back every string as it was, except that a lone surrogate comes back as
 * U+FFFD (none reaches here: URLs are latin1, form text is decoded from UTF-8, JSON escapes them).
 */
const TEXT = Symbol('text buffer');
/** Where the text starts in TEXT. */
const AT = Symbol('text start');
/** A buffer of the entry's own, for a text longer than a slot of the log (kept for reuse up to 8 KiB). */
const OWN = Symbol('own buffer');
/** The journal's text log, which the entry's text goes to when it fits in a slot. */
const LOG = Symbol('text log');
/** Where the URL ends, bytes from AT; 0 when it was the path alone (read back as `path`). */
const URL_END = Symbol('url end');
/** Where the form text ends, bytes from AT; -1: no form body. */
const FORM_END = Symbol('form end');
/** Bytes of TEXT in use. */
const TEXT_BYTES = Symbol('text bytes');
const BODY = Symbol('parsed body');
const VALIDATE = Symbol('validator');
/** The route merged the body into its query parameters (the Bilibili routes: bili-auth.ts). */
const MERGED = Symbol('merged');
/** The request an open entry belongs to; dropped once it is finished. */
const CALLER = Symbol('caller');
/**
 * Whose events an open entry collects: the caller's mid (0: anonymous) once its handler runs (`handling`),
 * -1 before. A number on the entry, so attributing an event reads no request or identity object.
 */
const ACTOR = Symbol('actor');
const NO_ACTOR = -1;

/** A route's compiled validator of its merged parameters: coerces and fills defaults in place. */
export type ParamsValidator = (params: unknown) => unknown;

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
 * Shared by every entry until it has an event: most requests cause none. Frozen, so a stray in-place
 * write fails loudly instead of reaching every entry (writers go through `addEvent`).
 */
const NO_EVENTS: JournalEvent[] = Object.freeze([]) as unknown as JournalEvent[];
const NO_PARAMS: Record<string, unknown> = Object.freeze({});
/** A reused entry's own buffer up to this size stays with it; a larger one (a large form) is let go. */
const KEEP_BUFFER_BYTES = 8 * 1024;
/** Bytes of the text log one entry may take: a heartbeat's form and event take about 600. */
const SLOT_BYTES = 1024;
/** Journals of more entries keep every text in a buffer of its own (the log would be allocated whole). */
const LOG_MAX_SLOTS = 16_384;

/**
 * The texts of finished entries, one after another in one buffer written round and round: a request's
 * text goes right after the previous one's, so writing it touches memory the processor has just seen
 * coming, rather than a buffer of its own somewhere in the heap, cold since its last use a thousand
 * requests ago (issue #13's bench: the copy cost more than its bytes). A text is written here only when
 * it fits in one slot, and the log has two slots more than the journal has entries, so the texts of the
 * entries still in the ring are never overwritten: what was written since the oldest of them began is
 * at most one slot per entry plus the gap left at the end when the log wrapped (less than a slot).
 */
class TextLog {
  private buffer: Buffer | null = null;
  private next = 0;

  constructor(private readonly slots: number) {}

  /** The buffer and where a text of up to one slot goes in it now (the start, when less is left). */
  reserve(): Buffer {
    // Allocated on first use: a journal that records nothing costs nothing. Not from Buffer's pool.
    this.buffer ??= Buffer.allocUnsafeSlow(this.slots * SLOT_BYTES);
    if (this.next + SLOT_BYTES > this.buffer.length) this.next = 0;
    return this.buffer;
  }

  get at(): number {
    return this.next;
  }

  advance(bytes: number): void {
    this.next += bytes;
  }
}

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
  [AT] = 0;
  [OWN]: Buffer | null = null;
  [URL_END] = 0;
  [FORM_END] = -1;
  [TEXT_BYTES] = 0;
  [BODY]: unknown = undefined;
  [VALIDATE]: ParamsValidator | null = null;
  [MERGED] = false;
  [CALLER]: object | null = null;
  [ACTOR] = NO_ACTOR;

  readonly [LOG]: TextLog | null;

  constructor(log: TextLog | null) {
    this[LOG] = log;
  }

  /** Back to a blank entry; its own buffer is kept for the next request unless a large body grew it. */
  clear(): void {
    if (this[OWN] !== null && this[OWN].length > KEEP_BUFFER_BYTES) this[OWN] = null;
    this[TEXT] = null;
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
    this[ACTOR] = NO_ACTOR;
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
  // A QR sign-in's key, which collects the session once the code is confirmed.
  'qrcode_key',
  'oauthkey',
]);

export const REDACTED = '[redacted]';

/** A kept string value is cut after this many characters (a note says how many more there were). */
const MAX_VALUE_CHARS = 1024;
/** Objects and arrays in a kept value: entries kept of each, and how deep. */
const MAX_ITEMS = 100;
const MAX_DEPTH = 8;
/**
 * A request whose URL and form text together are longer than this keeps its parameters (bounded) rather
 * than its text: the journal holds about its size × this at most, not its size × the body limit.
 */
const MAX_TEXT_CHARS = 16 * 1024;

/**
 * Whether a parameter name holds a secret: the name itself or any part of it, split at anything but a
 * letter or digit (`old_password`, `extra[password]`, `csrf[]`, `pwd\u0000` name one as well as
 * `password`, `csrf`, `pwd` do). A part that only looks like one (`sign` of `vip_sign`) is redacted too:
 * hiding a value too many is the cheaper mistake.
 */
function isSecret(key: string): boolean {
  const name = key.toLowerCase();
  if (SECRET.has(name)) return true;
  for (const part of name.split(/[^a-z0-9]+/)) if (SECRET.has(part)) return true;
  return false;
}

/** What one entry's parameters may keep in all: values, and characters of string values. */
const MAX_VALUES = 256;
const MAX_CHARS = 8 * 1024;
const CUT = '[not kept: the entry kept enough]';
/** A parameter name is shown up to this many characters. */
const MAX_KEY_CHARS = 256;

interface Budget {
  values: number;
  chars: number;
}

/**
 * Parameters as the journal shows them: secrets replaced by "[redacted]" at every depth, long strings
 * cut, objects and arrays bounded in size and depth, the whole within MAX_VALUES values and MAX_CHARS
 * characters. A client's body is anyone's: one of 40,000 nested levels overflowed the stack of every
 * journal read, and of the cluster's journal writer.
 */
export function redact(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return boundedObject(params, 0, { values: MAX_VALUES, chars: MAX_CHARS });
}

function bounded(value: unknown, depth: number, budget: Budget): unknown {
  if (budget.values <= 0) return CUT;
  budget.values--;
  if (typeof value === 'string') {
    const keep = Math.min(MAX_VALUE_CHARS, Math.max(0, budget.chars));
    budget.chars -= Math.min(value.length, keep);
    return value.length > keep ? `${value.slice(0, keep)}…[${value.length - keep} more characters]` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value as unknown[]) {
      if (out.length === MAX_ITEMS || budget.values <= 0) {
        out.push(`[${value.length - out.length} more items]`);
        break;
      }
      out.push(bounded(item, depth + 1, budget));
    }
    return out;
  }
  return boundedObject(value as Readonly<Record<string, unknown>>, depth, budget);
}

function boundedObject(
  value: Readonly<Record<string, unknown>>,
  depth: number,
  budget: Budget,
): Record<string, unknown> {
  const keys = Object.keys(value);
  const kept: (readonly [string, unknown])[] = [];
  for (const key of keys) {
    if (kept.length === MAX_ITEMS || budget.values <= 0 || budget.chars <= 0) {
      kept.push(['…', `[${keys.length - kept.length} more keys]`]);
      break;
    }
    const shown = key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
    budget.chars -= shown.length;
    kept.push([shown, isSecret(key) ? REDACTED : bounded(value[key], depth + 1, budget)]);
  }
  // fromEntries defines the keys: a `__proto__` parameter stays a parameter.
  return Object.fromEntries(kept);
}

/** Adds an event to an entry (its events array is shared and frozen until the first one). */
export function addEvent(entry: JournalEntry, event: JournalEvent): void {
  if (entry.events === NO_EVENTS) entry.events = [event];
  else entry.events.push(event);
}

/**
 * Keeps what a finished request's `params` and `events` are rebuilt from when the entry is read: the
 * request URL (query string included), the form body's raw text (null when the body was no form), any
 * other parsed body (JSON, merged when it is a plain object), the route's validator when the request
 * passed validation (null when it never got that far: the params are then the strings the client sent),
 * and whether the route merged the body into its query parameters before validating them.
 */
export function keepRequest(
  entry: JournalEntry,
  url: string,
  form: string | null,
  body: unknown,
  validate: ParamsValidator | null,
  merged: boolean,
): void {
  if (!(entry instanceof OpenEntry)) {
    entry.params = paramsOf(url, form, body, validate, merged);
    return;
  }
  if (
    (form === null && body !== null && typeof body === 'object') ||
    url.length + (form?.length ?? 0) > MAX_TEXT_CHARS
  ) {
    // A JSON body (rare on Bilibili's API), or a long request: its parameters are worked out now and kept
    // bounded (the parsed body may be any size and depth), with its events as they are. Such requests are
    // few, so what they keep being promoted by the collector costs nothing the heartbeats would notice.
    entry.params = paramsOf(url, form, body, validate, merged);
    return;
  }
  // A URL without a query string is the path the entry has already.
  const ownUrl = url === entry.path ? '' : url;
  const events = entry.events === NO_EVENTS ? '' : eventsJson(entry.events);
  const formText = form ?? '';
  const log = entry[LOG];
  if (log !== null && writeText(entry, log.reserve(), log.at, SLOT_BYTES, ownUrl, formText, events)) {
    log.advance(entry[TEXT_BYTES]);
  } else {
    // Longer than a slot (or no log): a buffer of the entry's own, grown to fit.
    const size = Buffer.byteLength(ownUrl) + Buffer.byteLength(formText) + Buffer.byteLength(events);
    let own = entry[OWN];
    if (own === null || own.length < size + 4) {
      // Not from Buffer's shared pool: the entry keeps this one for as long as it lives.
      own = entry[OWN] = Buffer.allocUnsafeSlow(Math.max(256, size + (size >> 2) + 4));
    }
    writeText(entry, own, 0, own.length, ownUrl, formText, events);
  }
  entry[KEPT] = true;
  if (form === null) entry[FORM_END] = -1;
  entry[BODY] = form === null ? body : undefined;
  entry[VALIDATE] = validate;
  entry[MERGED] = merged;
  entry.events = NO_EVENTS;
}

/**
 * Writes the parts one after another from `at`, within `room` bytes, and records where they are on the
 * entry; false when they did not fit (a write that came within 3 bytes of the end may have left out a
 * character that needed more: UTF-8 never splits one).
 */
function writeText(
  entry: OpenEntry,
  buffer: Buffer,
  at: number,
  room: number,
  url: string,
  form: string,
  events: string,
): boolean {
  const end = at + room;
  const limit = end - 4;
  let next = url === '' ? at : at + buffer.write(url, at, room, 'utf8');
  if (next > limit) return false;
  const urlEnd = next;
  if (form !== '') next += buffer.write(form, next, end - next, 'utf8');
  if (next > limit) return false;
  const formEnd = next;
  if (events !== '') next += buffer.write(events, next, end - next, 'utf8');
  if (next > limit) return false;
  entry[TEXT] = buffer;
  entry[AT] = at;
  entry[URL_END] = urlEnd - at;
  entry[FORM_END] = formEnd - at;
  entry[TEXT_BYTES] = next - at;
  return true;
}

/** Quoted JSON names of event types and data keys, which repeat from request to request. */
const quoted = new Map<string, string>();
const QUOTED_KEPT = 1024;

function quote(name: string): string {
  let text = quoted.get(name);
  if (text === undefined) {
    text = JSON.stringify(name);
    if (quoted.size < QUOTED_KEPT) quoted.set(name, text);
  }
  return text;
}

/**
 * The JSON text before each value of one event type's data, for the keys it came with the first time:
 * `{"type":…,"data":{"aid":` and then `,"cid":` and so on. An event type's data mostly has the same keys
 * in the same order every time, so its JSON is its values with these heads between them.
 */
interface EventShape {
  readonly keys: readonly string[];
  readonly heads: readonly string[];
  /** The whole JSON of the type with no data. */
  readonly empty: string;
}

const shapes = new Map<string, EventShape>();
const SHAPES_KEPT = 256;

function shapeOf(type: string, data: Readonly<Record<string, unknown>>): EventShape {
  const keys = Object.keys(data);
  const head = `{"type":${quote(type)},"data":{`;
  return {
    keys,
    heads: keys.map((key, i) => `${i === 0 ? head : ','}${quote(key)}:`),
    empty: `${head}}}`,
  };
}

/** A number, string, boolean or null as JSON; undefined for anything else. */
function flatJson(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value === null ? 'null' : undefined;
}

/** The event's JSON when its data has exactly the shape's keys, in order, each holding a flat value. */
function shapedJson(shape: EventShape, data: Readonly<Record<string, unknown>>): string | undefined {
  const { keys, heads } = shape;
  let out = '';
  let n = 0;
  for (const key in data) {
    if (n === keys.length || key !== keys[n] || !Object.hasOwn(data, key)) return undefined;
    const json = flatJson(data[key]);
    if (json === undefined) return undefined;
    out += heads[n++]! + json;
  }
  if (n !== keys.length) return undefined;
  return n === 0 ? shape.empty : `${out}}}`;
}

/**
 * `JSON.stringify` of the events as `{type, data}` (the actor is not kept), written out for the flat data
 * every event has: a few numbers and strings, where the general stringifier cost several times as much
 * per heartbeat. Data of the type's usual keys is its values between the type's JSON heads; other flat
 * data is written key by key; any other value goes through `JSON.stringify`, with its rules (undefined
 * left out).
 */
export function eventsJson(events: readonly JournalEvent[]): string {
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const { type, data } = events[i]!;
    if (i > 0) out += ',';
    if (!isPlainData(type, data)) {
      // Not the usual shape (an array, a value with its own toJSON, …): the general stringifier's rules.
      out += stringifyAny({ type, data });
      continue;
    }
    let shape = shapes.get(type);
    if (shape === undefined && shapes.size < SHAPES_KEPT) shapes.set(type, (shape = shapeOf(type, data)));
    const shaped = shape === undefined ? undefined : shapedJson(shape, data);
    out += shaped ?? keyByKeyJson(type, data);
  }
  return `${out}]`;
}

function keyByKeyJson(type: string, data: Readonly<Record<string, unknown>>): string {
  let out = `{"type":${quote(type)},"data":{`;
  let first = true;
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const value = data[key];
    // Functions and symbols, and objects with such a toJSON, give undefined: left out, as by JSON.
    const json = flatJson(value) ?? stringifyAny(value);
    if (json === undefined) continue;
    out += `${first ? '' : ','}${quote(key)}:${json}`;
    first = false;
  }
  return `${out}}}`;
}

function isPlainData(type: unknown, data: unknown): data is Readonly<Record<string, unknown>> {
  if (typeof type !== 'string' || typeof data !== 'object' || data === null) return false;
  // Not an array, a boxed value or a class instance: those JSON writes its own way.
  const proto: unknown = Object.getPrototypeOf(data);
  return (
    (proto === Object.prototype || proto === null) &&
    typeof (data as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** `JSON.stringify` as it behaves: its declared type says string, but functions and symbols give undefined. */
function stringifyAny(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/**
 * An entry's params and events: rebuilt from what `keepRequest` kept, the entry left as it is (events
 * may still carry the domain event's `actor`; `snapshot` leaves it out).
 */
function readBack(entry: JournalEntry): { params: Record<string, unknown>; events: JournalEvent[] } {
  if (!(entry instanceof OpenEntry) || !entry[KEPT]) return { params: entry.params, events: entry.events };
  const text = entry[TEXT]!;
  const at = entry[AT];
  const urlEnd = at + entry[URL_END];
  const formEnd = Math.max(urlEnd, at + entry[FORM_END]);
  const url = urlEnd === at ? entry.path : text.toString('utf8', at, urlEnd);
  const form = entry[FORM_END] < 0 ? null : text.toString('utf8', urlEnd, formEnd);
  const params = paramsOf(url, form, entry[BODY], entry[VALIDATE], entry[MERGED]);
  const json = text.toString('utf8', formEnd, at + entry[TEXT_BYTES]);
  return { params, events: json === '' ? [] : (JSON.parse(json) as JournalEvent[]) };
}

/** A plain copy of an entry, with its params and events, that stays as it is when the entry is reused. */
export function snapshot(entry: JournalEntry): JournalEntry {
  const { params, events } = readBack(entry);
  return {
    id: entry.id,
    time: entry.time,
    method: entry.method,
    path: entry.path,
    mid: entry.mid,
    mode: entry.mode,
    params,
    status: entry.status,
    code: entry.code,
    latency_ms: entry.latency_ms,
    events: events.map(({ type, data }) => ({ type, data })),
    fault: entry.fault,
  };
}

/**
 * The parameters as the route saw them, with Fastify's own query parser. A Bilibili route merged the body
 * into its query parameters (a body value wins) and validated the whole; any other route validated its
 * query alone, and the body is laid over that as it came.
 */
function paramsOf(
  url: string,
  form: string | null,
  body: unknown,
  validate: ParamsValidator | null,
  merged: boolean,
): Record<string, unknown> {
  const at = url.indexOf('?');
  const query = (at === -1 ? {} : parseQuery(url.slice(at + 1))) as Record<string, unknown>;
  const fields =
    form !== null
      ? (parseQuery(form) as Record<string, unknown>)
      : body && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : null;
  if (merged && fields) Object.assign(query, fields);
  validate?.(query);
  return redact(!merged && fields ? { ...query, ...fields } : query);
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
 * caller whose handler is running (anonymous callers share mid 0), which is exact for a test client that
 * waits for each answer.
 */
export class Journal<C extends object = object> {
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
  /** The path of the latest request: most requests repeat it (a comparison instead of hashing the path). */
  private lastPath = '';
  private waiters: Waiter[] = [];

  /** Where finished entries' texts go (null for a journal too large for one: each entry has its own). */
  private readonly log: TextLog | null;

  constructor(readonly size: number) {
    this.log = size + 2 <= LOG_MAX_SLOTS ? new TextLog(size + 2) : null;
    this.ring = new Array<JournalEntry | undefined>(size);
  }

  /** A request of `caller` arrived: its entry, open until `finish`. */
  start(method: string, path: string, time: number, caller: C): JournalEntry {
    const entry = this.spare.pop() ?? new OpenEntry(this.log);
    let shared = path === this.lastPath ? this.lastPath : this.paths.get(path);
    if (shared === undefined) {
      shared = path;
      if (this.paths.size < PATHS_SHARED) this.paths.set(path, path);
    }
    this.lastPath = shared;
    entry.time = time;
    entry.method = method;
    entry.path = shared;
    entry[CALLER] = caller;
    this.open.push(entry);
    return entry;
  }

  /**
   * The request's handler runs now, for `mid` (0: anonymous): from here on its entry collects that
   * caller's events. Services cause events only from handlers, so this is set before any can come.
   */
  handling(entry: JournalEntry, mid: number): void {
    if (entry instanceof OpenEntry) entry[ACTOR] = mid;
  }

  event(event: DomainEvent): void {
    const open = this.open;
    for (let i = open.length - 1; i >= 0; i--) {
      const entry = open[i]!;
      if (entry[ACTOR] === event.actor) {
        // The event itself: its `actor` is left out when the entry is read.
        addEvent(entry, event);
        return;
      }
    }
  }

  /** Whether `entry` is still the open entry of `caller` (not finished, not reused for another request). */
  holds(entry: JournalEntry, caller: C): boolean {
    return entry instanceof OpenEntry && entry[CALLER] === caller;
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
    // Entries mostly finish in arrival order: the oldest goes by `shift` (one move of the rest inside the
    // builtin, not a loop here); any other in place (no array for splice to return).
    if (at === 0) open.shift();
    else {
      for (let i = at + 1; i < open.length; i++) open[i - 1] = open[i]!;
      open.pop();
    }
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
  if (filter.event === undefined && filter.params === undefined) return true;
  const { params, events } = readBack(entry);
  if (filter.event !== undefined && !events.some((e) => e.type === filter.event)) return false;
  if (filter.params) {
    for (const [key, value] of Object.entries(filter.params)) {
      const actual = params[key];
      const text = typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean';
      if (!text || String(actual) !== value) return false;
    }
  }
  return true;
}
