import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { BiliError } from '../../errors.ts';
import type { JournalFilter } from '../../services/toolkit/journal.ts';
import type { ToolkitRuntime } from '../plugins/toolkit-hooks.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';
import { requireToolkit } from './toolkit-guard.ts';
import { MAX_TIME_MS } from '../../domain/ids.ts';

const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError };
const tags = ['toolkit'];
const security = [{ adminToken: [] }];

const FaultFields = {
  method: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 16,
      pattern: '^[A-Za-z]+$',
      description: 'GET, POST…; any when absent',
    }),
  ),
  path: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'glob over the path: * within a segment, ** across; at most 16 wildcards',
    }),
  ),
  mid: Type.Optional(Type.Integer({ minimum: 1, description: 'only requests authenticated as this user' })),
  buvid: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'only this buvid3 cookie' })),
  probability: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: 'share faulted, default 1' }),
  ),
  count: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1e9, description: 'removed after this many faults' }),
  ),
  ttl_ms: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'removed after, real ms' }),
  ),
  code: Type.Optional(Type.Integer({ minimum: -1e9, maximum: 1e9, description: 'Bilibili code to answer' })),
  message: Type.Optional(Type.String({ maxLength: 512 })),
  status: Type.Optional(Type.Integer({ minimum: 200, maximum: 599, description: 'HTTP status to answer' })),
  delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000, description: 'added latency' })),
  drop: Type.Optional(Type.Boolean({ description: 'destroy the connection' })),
  malformed: Type.Optional(Type.Boolean({ description: 'a truncated JSON body' })),
};

const FaultBody = Type.Object(FaultFields, { additionalProperties: false });

export const FaultRuleSchema = Type.Object({
  id: Type.Integer(),
  ...FaultFields,
  hits: Type.Integer(),
  created_at: Type.Integer({ description: 'Unix ms' }),
  expires_at: Type.Integer({ description: 'Unix ms; 0 = no time limit' }),
});

const JournalEntrySchema = Type.Object({
  id: Type.Integer(),
  time: Type.Integer({ description: 'Unix ms' }),
  method: Type.String(),
  path: Type.String(),
  mid: Type.Union([Type.Integer(), Type.Null()]),
  mode: Type.Union([Type.Literal('cookie'), Type.Literal('app'), Type.Null()]),
  params: Type.Record(Type.String(), Type.Unknown()),
  status: Type.Integer(),
  code: Type.Union([Type.Integer(), Type.Null()]),
  latency_ms: Type.Integer(),
  events: Type.Array(Type.Object({ type: Type.String(), data: Type.Record(Type.String(), Type.Unknown()) })),
  fault: Type.Union([Type.Object({ id: Type.Integer(), kind: Type.String() }), Type.Null()]),
});

const JournalFilterFields = {
  path: Type.Optional(Type.String({ maxLength: 512 })),
  mid: Type.Optional(Type.Integer({ minimum: 0 })),
  code: Type.Optional(Type.Integer({ minimum: -1e9, maximum: 1e9 })),
  since: Type.Optional(Type.Integer({ minimum: 0, description: 'only entries with a greater id' })),
  event: Type.Optional(Type.String({ maxLength: 64, description: 'only entries that caused this event' })),
};

const JournalQuery = Type.Object(
  { ...JournalFilterFields, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) },
  {
    additionalProperties: Type.String({ maxLength: 512 }),
    description: 'param.NAME=VALUE filters on parameters',
  },
);

const WaitQuery = Type.Object(
  {
    ...JournalFilterFields,
    timeout_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000, description: 'default 5000' })),
  },
  {
    additionalProperties: Type.String({ maxLength: 512 }),
    description: 'param.NAME=VALUE filters on parameters',
  },
);

const ClockState = Type.Object({
  now_ms: Type.Integer(),
  offset_ms: Type.Integer(),
  frozen: Type.Boolean(),
});

const ClockBody = Type.Object(
  {
    set: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'jump to, Unix ms' })),
    advance: Type.Optional(Type.Integer({ minimum: -3.2e11, maximum: 3.2e11, description: 'move by, ms' })),
    freeze: Type.Optional(Type.Boolean()),
    reset: Type.Optional(Type.Boolean({ description: 'back to real time, running' })),
  },
  { additionalProperties: false },
);

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) });

/**
 * Fault injection, the request journal and the virtual clock under /admin/api/v1/toolkit (docs/toolkit.md).
 * `runtime` is null when the toolkit is off: the guard then answers 403 before any handler runs. In
 * cluster mode (`runtime.cluster`) every change and read goes through the shared runtime, so it holds
 * for every node when the call answers.
 */
export function toolkitRuntimeRoutes(runtime: ToolkitRuntime | null, adminToken: string, enabled: boolean) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    requireToolkit(scope, enabled);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const on = (): ToolkitRuntime => {
      if (!runtime) throw new BiliError(-403, 'the toolkit is off');
      return runtime;
    };

    app.get(
      '/toolkit/faults',
      {
        schema: {
          tags,
          security,
          response: { 200: Type.Object({ items: Type.Array(FaultRuleSchema) }), ...errors },
        },
      },
      async () => {
        const runtime = on();
        return { items: runtime.cluster ? await runtime.cluster.listFaults() : runtime.faults.list() };
      },
    );

    app.post(
      '/toolkit/faults',
      {
        schema: {
          tags,
          security,
          summary: 'Add a fault rule',
          body: FaultBody,
          response: { 201: FaultRuleSchema, ...errors },
        },
      },
      async (request, reply) => {
        const runtime = on();
        const rule = runtime.cluster
          ? await runtime.cluster.addFault(request.body)
          : runtime.faults.add(request.body);
        return reply.status(201).send(rule);
      },
    );

    app.delete(
      '/toolkit/faults/:id',
      { schema: { tags, security, params: IdParam, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        const runtime = on();
        const removed = runtime.cluster
          ? await runtime.cluster.removeFault(request.params.id)
          : runtime.faults.remove(request.params.id);
        if (!removed) throw new BiliError(-404, `no fault rule ${request.params.id}`);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/toolkit/faults',
      { schema: { tags, security, response: { 204: Type.Null(), ...errors } } },
      async (_request, reply) => {
        const runtime = on();
        if (runtime.cluster) await runtime.cluster.clearFaults();
        else runtime.faults.clear();
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/toolkit/journal',
      {
        schema: {
          tags,
          security,
          querystring: JournalQuery,
          response: { 200: Type.Object({ items: Type.Array(JournalEntrySchema) }), ...errors },
        },
      },
      async (request) => {
        const query = request.query as Record<string, unknown>;
        const runtime = on();
        const limit = (query['limit'] as number | undefined) ?? runtime.journal.size;
        return {
          items: runtime.cluster
            ? await runtime.cluster.journalQuery(filterOf(query), limit)
            : runtime.journal.query(filterOf(query), limit),
        };
      },
    );

    app.delete(
      '/toolkit/journal',
      { schema: { tags, security, response: { 204: Type.Null(), ...errors } } },
      async (_request, reply) => {
        const runtime = on();
        if (runtime.cluster) await runtime.cluster.journalClear();
        else runtime.journal.clear();
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/toolkit/journal/wait',
      {
        schema: {
          tags,
          security,
          summary: 'Wait for a journal entry matching the filters (long poll)',
          querystring: WaitQuery,
          response: {
            200: Type.Object({ found: Type.Boolean(), entry: Type.Optional(JournalEntrySchema) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const query = request.query as Record<string, unknown>;
        const runtime = on();
        const timeout = (query['timeout_ms'] as number | undefined) ?? 5000;
        const entry = runtime.cluster
          ? await runtime.cluster.journalWait(filterOf(query), timeout)
          : await runtime.journal.wait(filterOf(query), timeout);
        return entry ? { found: true, entry } : { found: false };
      },
    );

    app.get('/toolkit/clock', { schema: { tags, security, response: { 200: ClockState, ...errors } } }, () =>
      clockOf(on()).state(),
    );

    app.post(
      '/toolkit/clock',
      {
        schema: {
          tags,
          security,
          summary:
            'Set, advance, freeze or reset the virtual clock (applied in that order: reset, set, advance, freeze)',
          body: ClockBody,
          response: { 200: ClockState, ...errors },
        },
      },
      async (request) => {
        const runtime = on();
        const clock = clockOf(runtime);
        const body = request.body;
        const before = clock.snapshot();
        if (body.reset) clock.reset();
        if (body.set !== undefined) clock.set(body.set);
        if (body.advance !== undefined) clock.advance(body.advance);
        // Dates outside 1970–9999 have no ISO form (the analytics' days) and make negative expiries: the
        // call is refused whole, the clock left as it was.
        const now = clock.nowMs();
        if (now < 0 || now > MAX_TIME_MS) {
          clock.load(before);
          throw new BiliError(-400, 'the clock would leave 1970-01-01 – 9999-12-31: set or advance less');
        }
        if (body.freeze !== undefined) clock.freeze(body.freeze);
        // Cluster mode: every node reads this time once the call answers.
        await runtime.cluster?.publishClock();
        return clock.state();
      },
    );

    done();
  };
}

function clockOf(runtime: ToolkitRuntime) {
  if (!runtime.clock) throw new BiliError(-400, 'this server was built over a clock the toolkit cannot move');
  return runtime.clock;
}

/** The journal filter of a query: the named fields and every `param.NAME`. */
function filterOf(query: Record<string, unknown>): JournalFilter {
  const filter: JournalFilter = {};
  if (typeof query['path'] === 'string') filter.path = query['path'];
  if (typeof query['mid'] === 'number') filter.mid = query['mid'];
  if (typeof query['code'] === 'number') filter.code = query['code'];
  if (typeof query['since'] === 'number') filter.since = query['since'];
  if (typeof query['event'] === 'string') filter.event = query['event'];
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('param.') && typeof value === 'string') (filter.params ??= {})[key.slice(6)] = value;
  }
  return filter;
}
