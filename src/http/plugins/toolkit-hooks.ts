import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/services.ts';
import { ControllableClock } from '../../services/toolkit/virtual-clock.ts';
import { FaultRules, faultEnvelope } from '../../services/toolkit/fault.ts';
import type { FaultRequest, FaultRule } from '../../services/toolkit/fault.ts';
import { Journal, addEvent, keepRequest } from '../../services/toolkit/journal.ts';
import type { JournalEntry, ParamsValidator } from '../../services/toolkit/journal.ts';
import type { ToolkitCluster } from '../../services/toolkit/cluster.ts';
import type { ToolkitStateService } from '../../services/toolkit/state.service.ts';
import { ADMIN_PREFIX } from './error-handler.ts';
import type { OnSendStep } from './on-send.ts';

/** The toolkit's own admin routes: never held at the state gate (a reset must get through it). */
const TOOLKIT_PATH = `${ADMIN_PREFIX}/v1/toolkit/`;

/**
 * A connection's requests counted in flight by the state gate and not left yet. A request leaves in
 * onResponse; one whose answer never finished (the client went away, a dropped fault) gets no onResponse,
 * so the connection's 'close' leaves for whatever it still counts. One listener per connection rather than
 * one per response, and a field on the socket rather than a map: nothing allocated per request.
 */
const IN_FLIGHT = Symbol('toolkit requests in flight');
export type TrackedSocket = Socket & { [IN_FLIGHT]?: number };

/** The toolkit's in-memory runtime of one node: fault rules, the journal and the virtual clock. */
export interface ToolkitRuntime {
  readonly faults: FaultRules;
  readonly journal: Journal<FastifyRequest>;
  /** Null when the services were built over a clock the toolkit cannot move. */
  readonly clock: ControllableClock | null;
  /** Cluster mode: the shared runtime these follow (admin changes go through it); null on one node. */
  readonly cluster: ToolkitCluster | null;
}

export function createToolkitRuntime(services: Services, journalSize: number): ToolkitRuntime {
  const journal = new Journal<FastifyRequest>(journalSize);
  services.events.listen((event) => journal.event(event));
  return {
    faults: new FaultRules(),
    journal,
    clock: services.clock instanceof ControllableClock ? services.clock : null,
    cluster: services.toolkitCluster,
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    journalEntry: JournalEntry | null;
    /** The request passed parameter validation (its journal entry's params are validated on read). */
    validatedParams: boolean;
    /** The connection this request is counted in flight on (state gate); null when not counted. */
    toolkitSocket: TrackedSocket | null;
  }
}

/**
 * Registered only when the toolkit is on (app.ts): with it off no hook exists, so requests pay nothing.
 * On, one onRequest hook does what each request needs before anything else:
 * - the state gate: every request but the toolkit's own waits while a reset or restore runs on this node,
 *   counts as in flight (a reset lets it finish first), and makes this node drop its caches when another
 *   node moved the toolkit epoch (docs/toolkit.md);
 * - the journal: every non-admin request gets an entry;
 * - fault rules without `mid`, checked as the request arrives (before the body is even read). Rules with
 *   `mid` are checked once authentication has resolved the caller, just before the handler (`identified`).
 *   A faulted request therefore changes nothing.
 */
export function registerToolkitHooks(
  app: FastifyInstance,
  runtime: ToolkitRuntime,
  state: ToolkitStateService,
): void {
  const { faults, journal, cluster } = runtime;
  app.decorateRequest('journalEntry', null);
  app.decorateRequest('validatedParams', false);
  app.decorateRequest('toolkitSocket', null);
  if (cluster) {
    // Cluster mode: this node's rules, clock and journal follow the shared ones from the start.
    app.addHook('onReady', () =>
      cluster.start(runtime, (error) =>
        app.log.error({ err: error }, 'toolkit cluster: this node could not follow the shared runtime'),
      ),
    );
    app.addHook('onClose', () => cluster.stop());
  }

  /**
   * What the matcher is asked about a request. Matching is synchronous and keeps nothing of it, so one
   * object serves every request; a request that matches gets its own copy (a fault runs on after this).
   * The `buvid3` cookie is read only while some rule matches by device.
   */
  const probe: FaultRequest = { method: '', path: '', mid: null, buvid: undefined };
  /** The probe of a matched request, kept for a cluster claim's re-match: its device is read whatever the rules. */
  const ownCopy = (request: FastifyRequest): FaultRequest => ({ ...probe, buvid: request.cookies['buvid3'] });
  const ask = (request: FastifyRequest, path: string, mid: number | null): FaultRequest => {
    probe.method = request.method;
    probe.path = path;
    probe.mid = mid;
    probe.buvid = faults.hasBuvidRules ? request.cookies['buvid3'] : undefined;
    return probe;
  };

  // Callback-style hooks: a request no rule matches costs no promise (the bench holds these to 5 %).
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    // Admin calls are not journaled; the toolkit's own are not held at the gate either.
    const admin = url.startsWith(ADMIN_PREFIX);
    if (admin && url.startsWith(TOOLKIT_PATH)) return done();
    if (state.tryEnter()) {
      count(request);
      return admin ? done() : arrive(request, url, reply, done);
    }
    state.enter().then(
      () => {
        if (count(request) && !admin) arrive(request, url, reply, done);
        else done();
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  });

  /** Counts the entered request on its connection; false (and left again) when that is already gone. */
  function count(request: FastifyRequest): boolean {
    const socket = request.raw.socket as TrackedSocket;
    if (socket.destroyed) {
      // Its 'close' may have been emitted already: this request would never leave.
      state.leave();
      return false;
    }
    const open = socket[IN_FLIGHT];
    if (open === undefined) {
      socket[IN_FLIGHT] = 1;
      socket.on('close', connectionClosed);
    } else socket[IN_FLIGHT] = open + 1;
    request.toolkitSocket = socket;
    return true;
  }

  /** Journal entry and arrival faults of a request past the gate. */
  function arrive(
    request: FastifyRequest,
    url: string,
    reply: FastifyReply,
    done: (error?: Error) => void,
  ): void {
    if (url.startsWith('/metrics')) return done();
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const entry = journal.start(request.method, path, Date.now(), request);
    request.journalEntry = entry;
    if (faults.empty) return done();
    const rule = faults.match(ask(request, path, null), 'arrival');
    if (!rule) return done();
    fault(rule, ownCopy(request), 'arrival', request, reply, entry, done);
  }

  /**
   * A connection closed. Requests it still counts never finished their answer (the client went away, or a
   * dropped fault): they leave the gate here, and their journal entries end as dropped (status 0).
   */
  function connectionClosed(this: TrackedSocket): void {
    const open = this[IN_FLIGHT] ?? 0;
    if (open === 0) return;
    this[IN_FLIGHT] = 0;
    for (const { entry, caller } of journal.pending((request) => request.toolkitSocket === this)) {
      caller.journalEntry = null;
      close(entry, caller, 0);
    }
    for (let i = 0; i < open; i++) state.leave();
  }

  /**
   * What a journaled request does once validated, just before its handler: mark its params validated
   * (the entry's are validated again when read, journal.ts), collect its caller's events from here on,
   * and meet fault rules with `mid`. The handler is wrapped rather than given one more preHandler (Fastify's
   * hook runner costs more than a call). Route preHandlers (the parameter guards, a web page's device
   * cookies) run before it; no page resolves an identity, so no `mid` rule can match a visit that has
   * already stored a device.
   */
  const identified = (request: FastifyRequest, reply: FastifyReply): Promise<boolean> | null => {
    const entry = request.journalEntry;
    if (entry === null) return null;
    request.validatedParams = true;
    const mid = request.identity?.mid ?? null;
    journal.handling(entry, mid ?? 0);
    if (!faults.hasMidRules) return null;
    const rule = faults.match(ask(request, entry.path, mid), 'identified');
    return rule ? claimed(rule, ownCopy(request), 'identified', request, reply, entry) : null;
  };
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const faulted = identified(request, reply);
      if (faulted === null) return handler.call(this, request, reply);
      // A rule that only delays answers nothing: the handler runs after it. (Returning `reply` for a
      // handler that answers later by itself, as Fastify asks of such handlers run from a promise.)
      return faulted.then((answered) => {
        if (answered) return undefined;
        const result: unknown = handler.call(this, request, reply);
        return result === undefined ? reply : result;
      });
    };
  });

  app.addHook('onResponse', (request, reply, done) => {
    const socket = request.toolkitSocket;
    if (socket !== null) {
      request.toolkitSocket = null;
      // Zero when the connection's 'close' already let this request leave.
      const open = socket[IN_FLIGHT] ?? 0;
      if (open > 0) {
        socket[IN_FLIGHT] = open - 1;
        state.leave();
      }
    }
    const entry = request.journalEntry;
    if (entry !== null) {
      request.journalEntry = null;
      close(entry, request, reply.statusCode);
    }
    done();
  });

  app.addHook('onClose', () => journal.close());

  /**
   * The rule that faults this request. In cluster mode a matching rule's hit is first taken from the
   * shared counter (only faulted requests pay that round trip): a rule whose `count` another node used up
   * meanwhile is dropped and the next one tried.
   */
  async function claimed(
    first: FaultRule,
    req: FaultRequest,
    phase: 'arrival' | 'identified',
    request: FastifyRequest,
    reply: FastifyReply,
    entry: JournalEntry,
  ): Promise<boolean> {
    let rule: FaultRule | null = first;
    if (cluster) while (rule && !(await cluster.claim(rule))) rule = faults.match(req, phase);
    return rule ? applyFault(rule, request, reply, entry) : false;
  }

  /** Applies a matched rule; the request goes on (`done`) only when the rule answered nothing (a delay). */
  function fault(
    rule: FaultRule,
    req: FaultRequest,
    phase: 'arrival' | 'identified',
    request: FastifyRequest,
    reply: FastifyReply,
    entry: JournalEntry,
    done: (error?: Error) => void,
  ): void {
    claimed(rule, req, phase, request, reply, entry).then(
      (answered) => {
        if (!answered) done();
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  }

  function close(entry: JournalEntry, request: FastifyRequest, status: number): void {
    // Once finished an entry may already serve another request (the journal reuses them): a late close
    // (a delayed drop fault whose connection closed meanwhile) must not touch it.
    if (!journal.holds(entry, request)) return;
    const identity = request.identity;
    entry.mid = identity?.mid ?? null;
    entry.mode = identity?.mode ?? null;
    const validate = request.validatedParams
      ? ((request.getValidationFunction('querystring') as ParamsValidator | undefined) ?? null)
      : null;
    keepRequest(entry, request.url, request.rawForm, request.body, validate, request.paramsMerged);
    entry.status = status;
    entry.latency_ms = Date.now() - entry.time;
    journal.finish(entry);
  }

  /**
   * Whether the rule answered the request (or dropped it): false for a delay alone. A boolean rather than
   * the reply: a reply is thenable, so an async function returning one resolves to undefined.
   */
  async function applyFault(
    rule: FaultRule,
    request: FastifyRequest,
    reply: FastifyReply,
    entry: JournalEntry,
  ): Promise<boolean> {
    const kind = rule.drop
      ? 'drop'
      : rule.malformed
        ? 'malformed'
        : rule.code !== undefined
          ? 'code'
          : rule.status !== undefined
            ? 'status'
            : 'delay';
    // The entry is the request's only while its connection is open: a fault applied after the client went
    // away (a cluster claim or a delay in between) leaves the finished, perhaps reused, entry alone.
    if (journal.holds(entry, request)) {
      entry.fault = { id: rule.id, kind };
      addEvent(entry, { type: 'fault.applied', data: { rule: rule.id, kind } });
    }
    if (rule.delay_ms) await sleep(rule.delay_ms);
    switch (kind) {
      case 'delay':
        return false;
      case 'drop':
        if (request.journalEntry === entry) {
          request.journalEntry = null;
          close(entry, request, 0);
        }
        reply.hijack();
        request.raw.socket.destroy();
        return true;
      case 'malformed':
        reply
          .status(200)
          .type('application/json; charset=utf-8')
          .serializer(String)
          .send('{"code":0,"message":"0","ttl":1,"data":{"');
        return true;
      case 'status':
        // A status alone: its reason phrase, as a proxy or a gateway in front of Bilibili answers.
        reply
          .status(rule.status!)
          .type('text/plain; charset=utf-8')
          .serializer(String)
          .send(STATUS_CODES[rule.status!] ?? String(rule.status));
        return true;
      case 'code':
        // A code with a status: the envelope under that status.
        reply
          .status(rule.status ?? 200)
          .type('application/json; charset=utf-8')
          .serializer(JSON.stringify)
          .send(faultEnvelope(rule));
        return true;
    }
  }
}

/**
 * The journal's step of the app's one onSend hook (on-send.ts; app.ts adds it last when the toolkit is
 * on): the Bilibili code is read from the serialized envelope's head, with no second parse of the body.
 */
export const journalCode: OnSendStep = (reply, payload) => {
  const entry = reply.request.journalEntry;
  if (entry !== null) {
    const code = envelopeCode(payload);
    if (code !== undefined) entry.code = code;
  }
  return payload;
};

const ENVELOPE = '{"code":';
const ENVELOPE_BYTES = Buffer.from(ENVELOPE);
/** As many characters after the prefix as the code is read from (a sign and 11 digits). */
const CODE_CHARS = 12;

/**
 * The `code` at the head of a serialized envelope, without slicing or parsing the body: undefined when
 * the payload is no envelope, null when no number follows the key. A large answer arrives here as a
 * Buffer (large-payloads.ts encodes it first), so both forms are read.
 */
function envelopeCode(payload: unknown): number | null | undefined {
  if (typeof payload === 'string') return payload.startsWith(ENVELOPE) ? codeAfterPrefix(payload) : undefined;
  if (!(payload instanceof Uint8Array) || payload.length < ENVELOPE_BYTES.length) return undefined;
  for (let i = 0; i < ENVELOPE_BYTES.length; i++) if (payload[i] !== ENVELOPE_BYTES[i]) return undefined;
  return codeAfterPrefix(payload);
}

/** An optional minus and the digits after the prefix, as `Number.parseInt` reads them. */
function codeAfterPrefix(source: string | Uint8Array): number | null {
  const end = Math.min(source.length, ENVELOPE.length + CODE_CHARS);
  let at = ENVELOPE.length;
  let sign = 1;
  if (at < end && unitAt(source, at) === 0x2d) {
    sign = -1;
    at++;
  }
  const from = at;
  let value = 0;
  for (; at < end; at++) {
    const digit = unitAt(source, at) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return at === from ? null : sign * value;
}

function unitAt(source: string | Uint8Array, i: number): number {
  return typeof source === 'string' ? source.charCodeAt(i) : source[i]!;
}
