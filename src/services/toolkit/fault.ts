import { BiliError, ERROR_MESSAGES, messageOf } from '../../errors.ts';
import type { BiliCode } from '../../errors.ts';

/** What a matching request gets instead of (or, for latency alone, before) its normal answer. */
export interface FaultAnswer {
  /** A Bilibili code, answered in the envelope (HTTP 200 unless `status`) with that code's message. */
  code?: number;
  /** Replaces the catalogue message of `code` (or is the text of a code outside it). */
  message?: string;
  /** HTTP status; without `code`, the body is the status's reason phrase. */
  status?: number;
  /** Added before the answer; alone, the request then runs normally. */
  delay_ms?: number;
  /** The socket is destroyed: the client sees a reset connection and no answer. */
  drop?: boolean;
  /** A truncated JSON body with HTTP 200. */
  malformed?: boolean;
}

export interface FaultMatch {
  /** GET, POST…; any when absent. */
  method?: string;
  /** A glob over the path without the query (`/x/v2/reply/*`, `/x/**`); any when absent. */
  path?: string;
  /** Only requests authenticated as this mid (checked after authentication, before the handler). */
  mid?: number;
  /** Only requests whose `buvid3` cookie is this device. */
  buvid?: string;
  /** Share of the otherwise matching requests that are faulted, 0..1 (default 1). */
  probability?: number;
}

export interface FaultInput extends FaultMatch, FaultAnswer {
  /** Faults this many requests, then the rule is removed. */
  count?: number;
  /** The rule is removed this long after its creation (real time, not the virtual clock). */
  ttl_ms?: number;
}

export interface FaultRule extends FaultInput {
  id: number;
  /** Requests faulted so far. */
  hits: number;
  created_at: number;
  /** Unix ms (real time) after which the rule no longer applies; 0 = never. */
  expires_at: number;
}

interface CompiledRule {
  rule: FaultRule;
  path: ((path: string) => boolean) | null;
  method: string | null;
}

/** Wildcards (`*`, `**`, `?`) in one path glob: what its match may cost per character. */
const MAX_WILDCARDS = 16;

/** Rules held at once (per node, and in cluster mode the cluster's). */
export const MAX_RULES = 1000;

export function tooManyRules(): BiliError {
  return new BiliError(-400, `at most ${MAX_RULES} fault rules at once: remove some first`);
}

/** Statuses whose answer has no body: an envelope's code could never reach the client. */
const BODILESS = new Set([204, 205, 304]);

export interface FaultRequest {
  method: string;
  path: string;
  mid: number | null;
  buvid: string | undefined;
}

/**
 * The fault rules a node matches requests against, in memory: a request costs no database round trip.
 * Cluster mode keeps the shared rules in the database and each node's copy follows them (ToolkitCluster),
 * which also takes each hit from the shared counter before a request is faulted. A rule naming `mid` is
 * checked after authentication (the identity is known), every other rule as the request arrives; both
 * before any business logic.
 */
export class FaultRules {
  private rules: CompiledRule[] = [];
  private nextId = 1;
  /** How many rules name a mid: the after-authentication check is skipped while there is none. */
  private midRules = 0;
  private buvidRules = 0;
  /** The earliest `expires_at` among the rules (Infinity: none has a time limit): no clock read before. */
  private nextExpiry = Infinity;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly wallMs: () => number = Date.now,
  ) {}

  get empty(): boolean {
    return this.rules.length === 0;
  }

  get hasMidRules(): boolean {
    return this.midRules > 0;
  }

  /** Whether any rule matches by device: only then does a request's `buvid` need reading. */
  get hasBuvidRules(): boolean {
    return this.buvidRules > 0;
  }

  add(input: FaultInput): FaultRule {
    const rule = this.prepare(input, this.nextId++);
    this.rules.push(compile(rule));
    this.recount();
    return rule;
  }

  /** Checks `input` and builds its rule under `id` without adding it (cluster mode: the store adds it). */
  prepare(input: FaultInput, id: number): FaultRule {
    validate(input);
    // Every request is matched against every rule: thousands would slow every answer (13.5k: 2 → 18 ms).
    this.expire();
    if (this.rules.length >= MAX_RULES) throw tooManyRules();
    const now = this.wallMs();
    return {
      ...input,
      ...(input.method === undefined ? {} : { method: input.method.toUpperCase() }),
      id,
      hits: 0,
      created_at: now,
      expires_at: input.ttl_ms === undefined ? 0 : now + input.ttl_ms,
    };
  }

  /** Replaces every rule (cluster mode: the shared rules, re-read when they changed). */
  replaceAll(rules: readonly FaultRule[]): void {
    this.rules = rules.map(compile);
    this.recount();
  }

  list(): FaultRule[] {
    this.expire();
    return this.rules.map((r) => ({ ...r.rule }));
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    this.recount();
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.recount();
  }

  /**
   * The first rule that applies to the request in this phase ('arrival': rules without `mid`;
   * 'identified': rules with one), counted as a hit; null when none does.
   */
  match(request: FaultRequest, phase: 'arrival' | 'identified'): FaultRule | null {
    this.expire();
    for (const compiled of this.rules) {
      const rule = compiled.rule;
      if ((rule.mid !== undefined) !== (phase === 'identified')) continue;
      // The exact comparisons before the path glob, which is the one that walks the path.
      if (compiled.method !== null && compiled.method !== request.method) continue;
      if (rule.mid !== undefined && rule.mid !== request.mid) continue;
      if (rule.buvid !== undefined && rule.buvid !== request.buvid) continue;
      if (compiled.path !== null && !compiled.path(request.path)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.hits++;
      if (rule.count !== undefined && rule.hits >= rule.count) this.remove(rule.id);
      return { ...rule };
    }
    return null;
  }

  private expire(): void {
    if (this.nextExpiry === Infinity) return;
    const now = this.wallMs();
    if (now < this.nextExpiry) return;
    this.rules = this.rules.filter((r) => r.rule.expires_at === 0 || r.rule.expires_at > now);
    this.recount();
  }

  private recount(): void {
    this.midRules = this.rules.filter((r) => r.rule.mid !== undefined).length;
    this.buvidRules = this.rules.filter((r) => r.rule.buvid !== undefined).length;
    this.nextExpiry = Math.min(
      Infinity,
      ...this.rules.filter((r) => r.rule.expires_at !== 0).map((r) => r.rule.expires_at),
    );
  }
}

function compile(rule: FaultRule): CompiledRule {
  return {
    rule,
    path: rule.path === undefined ? null : globMatcher(rule.path),
    method: rule.method ?? null,
  };
}

/** The envelope body of a code answer. */
export function faultEnvelope(rule: FaultAnswer): { code: number; message: string; ttl: 1 } {
  const code = rule.code ?? -500;
  const known = Object.hasOwn(ERROR_MESSAGES, code);
  return { code, message: rule.message ?? (known ? messageOf(code as BiliCode) : String(code)), ttl: 1 };
}

function validate(input: FaultInput): void {
  const answers = [
    input.code !== undefined || input.status !== undefined,
    input.drop === true,
    input.malformed === true,
  ];
  if (answers.filter(Boolean).length > 1)
    throw new BiliError(-400, 'a fault answers with one of: code/status, drop, malformed');
  if (!answers.some(Boolean) && input.delay_ms === undefined)
    throw new BiliError(-400, 'a fault needs an answer: code, status, drop, malformed or delay_ms');
  if (input.code !== undefined && input.message === undefined && !Object.hasOwn(ERROR_MESSAGES, input.code))
    throw new BiliError(-400, `code ${input.code} is not in the catalogue: give its message`);
  if (input.code !== undefined && input.status !== undefined && BODILESS.has(input.status))
    throw new BiliError(-400, `status ${input.status} answers no body, so no code: give one or the other`);
  if (input.path !== undefined && (input.path.match(/\*+|\?/g)?.length ?? 0) > MAX_WILDCARDS)
    throw new BiliError(-400, `at most ${MAX_WILDCARDS} wildcards in a path glob`);
  if (input.path !== undefined && !input.path.startsWith('/'))
    throw new BiliError(-400, `path must start with /: ${input.path}`);
}

const SLASH = 0x2f;
const ONE = -1;
const STAR = -2;
const GLOBSTAR = -3;

/** A path longer than this matches only a rule without wildcards (API paths are far shorter). */
export const MAX_GLOB_PATH = 1024;

/**
 * A path glob: `**` spans segments, `*` stays within one, `?` is one character; everything else is literal.
 * (No brace or class syntax: paths of an HTTP API do not need them.)
 *
 * Matched by stepping the pattern's live positions over the path once, so a match costs at most path
 * length × live positions, and most patterns have a handful live. A regular expression backtracks
 * instead: a pattern of ten `**` segments (anyone with the admin token can add one) against a 40-segment
 * path took seconds and froze the server for every request. The literal head before the first wildcard
 * is compared first, so a request on another API section is refused at once; a path longer than
 * MAX_GLOB_PATH is refused by any wildcard, which keeps a pathological rule set's worst case bounded.
 */
export function globMatcher(glob: string): (path: string) => boolean {
  // Each element: a UTF-16 code unit to match literally, or ONE, STAR, GLOBSTAR.
  const tokens: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charCodeAt(i);
    if (c === 0x2a && glob.charCodeAt(i + 1) === 0x2a) {
      // `***` and more is `**`.
      while (glob.charCodeAt(i + 1) === 0x2a) i++;
      tokens.push(GLOBSTAR);
    } else if (c === 0x2a) tokens.push(STAR);
    else if (c === 0x3f) tokens.push(ONE);
    else tokens.push(c);
  }
  const wild = tokens.findIndex((t) => t < 0);
  if (wild === -1) return (path) => path === glob;
  const head = glob.slice(0, wild);
  const n = tokens.length;
  // A literal head and one trailing `**` (`/x/v2/reply/**`, the usual rule): the head alone decides.
  if (wild === n - 1 && tokens[wild] === GLOBSTAR) {
    return (path) => path.length <= MAX_GLOB_PATH && path.startsWith(head);
  }
  // Reused by every call (matching is synchronous): two lists of live positions, and per position the
  // step that last added it, so a position is listed once per step.
  let live = new Int32Array(n + 1);
  let next = new Int32Array(n + 1);
  const added = new Uint32Array(n + 1);
  let step = 0;
  /** Adds `at` and, while it is a wildcard (which may match nothing), the positions after it. */
  const add = (list: Int32Array, count: number, at: number): number => {
    for (let i = at; ; i++) {
      if (added[i] === step) return count;
      added[i] = step;
      list[count++] = i;
      if (i === n || tokens[i]! > STAR) return count;
    }
  };
  const nextStep = (): void => {
    if (++step === 0xffffffff) {
      added.fill(0);
      step = 1;
    }
  };
  return (path) => {
    if (path.length > MAX_GLOB_PATH || !path.startsWith(head)) return false;
    nextStep();
    let count = add(live, 0, wild);
    for (let p = head.length; p < path.length; p++) {
      const c = path.charCodeAt(p);
      nextStep();
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = live[k]!;
        if (i === n) continue;
        const t = tokens[i]!;
        if (t === GLOBSTAR || (t === STAR && c !== SLASH)) kept = add(next, kept, i);
        else if (t === c || (t === ONE && c !== SLASH)) kept = add(next, kept, i + 1);
      }
      if (kept === 0) return false;
      const swap = live;
      live = next;
      next = swap;
      count = kept;
    }
    for (let k = 0; k < count; k++) if (live[k] === n) return true;
    return false;
  };
}
