import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/services.ts';
import { ControllableClock } from '../../services/toolkit/virtual-clock.ts';
import { FaultRules, faultEnvelope } from '../../services/toolkit/fault.ts';
import type { FaultRequest, FaultRule } from '../../services/toolkit/fault.ts';
import { Journal, keepParams } from '../../services/toolkit/journal.ts';
import type { JournalEntry } from '../../services/toolkit/journal.ts';
import type { ToolkitCluster } from '../../services/toolkit/cluster.ts';
import { ADMIN_PREFIX } from './error-handler.ts';

/** The toolkit's in-memory runtime of one node: fault rules, the journal and the virtual clock. */
export interface ToolkitRuntime {
  readonly faults: FaultRules;
  readonly journal: Journal;
  /** Null when the services were built over a clock the toolkit cannot move. */
  readonly clock: ControllableClock | null;
  /** Cluster mode: the shared runtime these follow (admin changes go through it); null on one node. */
  readonly cluster: ToolkitCluster | null;
}

export function createToolkitRuntime(services: Services, journalSize: number): ToolkitRuntime {
  const journal = new Journal(journalSize);
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
  }
}

/**
 * Registered only when the toolkit is on (app.ts): with it off no hook exists, so requests pay nothing.
 * On, every non-admin request gets a journal entry, and fault rules are checked before any business
 * logic: rules without `mid` as the request arrives (before the body is even read), rules with `mid` in
 * preHandler, after authentication has resolved the caller and before the handler. A faulted request
 * therefore changes nothing.
 */
export function registerToolkitHooks(app: FastifyInstance, runtime: ToolkitRuntime): void {
  const { faults, journal, cluster } = runtime;
  app.decorateRequest('journalEntry', null);
  if (cluster) {
    // Cluster mode: this node's rules, clock and journal follow the shared ones from the start.
    app.addHook('onReady', () => cluster.start(runtime));
    app.addHook('onClose', () => cluster.stop());
  }

  // Callback-style hooks: a request no rule matches costs no promise (the bench holds these to 5 %).
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    if (url.startsWith(ADMIN_PREFIX) || url.startsWith('/metrics')) return done();
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const entry = journal.start(request.method, path, Date.now(), request);
    request.journalEntry = entry;
    if (faults.empty) return done();
    const req: FaultRequest = { method: request.method, path, mid: null, buvid: request.cookies['buvid3'] };
    const rule = faults.match(req, 'arrival');
    if (!rule) return done();
    fault(rule, req, 'arrival', request, reply, entry, done);
  });

  app.addHook('preHandler', (request, reply, done) => {
    const entry = request.journalEntry;
    if (entry === null || !faults.hasMidRules) return done();
    const req: FaultRequest = {
      method: request.method,
      path: entry.path,
      mid: request.identity?.mid ?? null,
      buvid: request.cookies['buvid3'],
    };
    const rule = faults.match(req, 'identified');
    if (!rule) return done();
    fault(rule, req, 'identified', request, reply, entry, done);
  });

  // The Bilibili code is read from the serialized envelope's head: no second parse of the body.
  app.addHook('onSend', (request, _reply, payload, done) => {
    const entry = request.journalEntry;
    if (entry !== null && typeof payload === 'string' && payload.startsWith('{"code":')) {
      const code = Number.parseInt(payload.slice(8, 20), 10);
      entry.code = Number.isNaN(code) ? null : code;
    }
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const entry = request.journalEntry;
    if (entry !== null) close(entry, request, reply.statusCode);
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
  ): Promise<FastifyReply | undefined> {
    let rule: FaultRule | null = first;
    if (cluster) while (rule && !(await cluster.claim(rule))) rule = faults.match(req, phase);
    return rule ? applyFault(rule, request, reply, entry) : undefined;
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
        if (answered === undefined) done();
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  }

  function close(entry: JournalEntry, request: FastifyRequest, status: number): void {
    const identity = request.identity;
    entry.mid = identity?.mid ?? null;
    entry.mode = identity?.mode ?? null;
    keepParams(entry, request.query, request.body);
    entry.status = status;
    entry.latency_ms = Date.now() - entry.time;
    journal.finish(entry);
  }

  async function applyFault(
    rule: FaultRule,
    request: FastifyRequest,
    reply: FastifyReply,
    entry: JournalEntry,
  ): Promise<FastifyReply | undefined> {
    const kind = rule.drop
      ? 'drop'
      : rule.malformed
        ? 'malformed'
        : rule.code !== undefined
          ? 'code'
          : rule.status !== undefined
            ? 'status'
            : 'delay';
    entry.fault = { id: rule.id, kind };
    entry.events.push({ type: 'fault.applied', data: { rule: rule.id, kind } });
    if (rule.delay_ms) await sleep(rule.delay_ms);
    switch (kind) {
      case 'delay':
        return undefined;
      case 'drop':
        close(entry, request, 0);
        request.journalEntry = null;
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      case 'malformed':
        return reply
          .status(200)
          .type('application/json; charset=utf-8')
          .serializer(String)
          .send('{"code":0,"message":"0","ttl":1,"data":{"');
      case 'status':
        // A status alone: its reason phrase, as a proxy or a gateway in front of Bilibili answers.
        return reply
          .status(rule.status!)
          .type('text/plain; charset=utf-8')
          .serializer(String)
          .send(STATUS_CODES[rule.status!] ?? String(rule.status));
      case 'code':
        // A code with a status: the envelope under that status.
        return reply
          .status(rule.status ?? 200)
          .type('application/json; charset=utf-8')
          .serializer(JSON.stringify)
          .send(faultEnvelope(rule));
    }
  }
}
