import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/services.ts';
import { ControllableClock } from '../../services/toolkit/virtual-clock.ts';
import { FaultRules, faultEnvelope } from '../../services/toolkit/fault.ts';
import type { FaultRule } from '../../services/toolkit/fault.ts';
import { Journal, redact } from '../../services/toolkit/journal.ts';
import type { JournalEntry } from '../../services/toolkit/journal.ts';
import { ADMIN_PREFIX } from './error-handler.ts';

/** The toolkit's in-memory runtime of one node: fault rules, the journal and the virtual clock. */
export interface ToolkitRuntime {
  readonly faults: FaultRules;
  readonly journal: Journal;
  /** Null when the services were built over a clock the toolkit cannot move. */
  readonly clock: ControllableClock | null;
}

export function createToolkitRuntime(services: Services, journalSize: number): ToolkitRuntime {
  const journal = new Journal(journalSize);
  services.events.listen((event) => journal.event(event));
  return {
    faults: new FaultRules(),
    journal,
    clock: services.clock instanceof ControllableClock ? services.clock : null,
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
  const { faults, journal } = runtime;
  app.decorateRequest('journalEntry', null);

  app.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    if (url.startsWith(ADMIN_PREFIX) || url.startsWith('/metrics')) return;
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const entry = journal.start(request.method, path, Date.now(), () => request.identity?.mid ?? 0);
    request.journalEntry = entry;
    if (faults.empty) return;
    const rule = faults.match(
      { method: request.method, path, mid: null, buvid: request.cookies['buvid3'] },
      'arrival',
    );
    if (rule) return applyFault(rule, request, reply, entry);
  });

  app.addHook('preHandler', async (request, reply) => {
    const entry = request.journalEntry;
    if (entry === null || !faults.hasMidRules) return;
    const rule = faults.match(
      {
        method: request.method,
        path: entry.path,
        mid: request.identity?.mid ?? null,
        buvid: request.cookies['buvid3'],
      },
      'identified',
    );
    if (rule) return applyFault(rule, request, reply, entry);
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

  function close(entry: JournalEntry, request: FastifyRequest, status: number): void {
    const identity = request.identity;
    entry.mid = identity?.mid ?? null;
    entry.mode = identity?.mode ?? null;
    entry.params = redact(params(request));
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

/** What the client sent as parameters: the query and a form or JSON object body. */
function params(request: FastifyRequest): Record<string, unknown> {
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body) && body !== query)
    return { ...(query ?? {}), ...(body as Record<string, unknown>) };
  return { ...(query ?? {}) };
}
