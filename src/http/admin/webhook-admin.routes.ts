import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type {
  UserMail,
  WebhookAttemptRow,
  WebhookEndpointRow,
} from '../../store/repositories/outbox.repository.ts';
import { EVENT_TYPES, parseEvents } from '../../services/outbox.service.ts';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';

const errors = { 400: AdminError, 401: AdminError, 404: AdminError };

const EventType = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

export const WebhookEndpoint = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  description: Type.String(),
  /** The signing secret; shown to the operator who holds the admin token (they configure the receiver). */
  secret: Type.String(),
  created_at: Type.Integer({ description: 'Unix seconds' }),
  updated_at: Type.Integer({ description: 'Unix seconds' }),
});

const EndpointBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'http:// or https:// URL that receives POSTs',
    }),
    events: Type.Optional(
      Type.Array(EventType, {
        minItems: 1,
        maxItems: EVENT_TYPES.length,
        description: 'Event types it receives; every comment.* type when absent (history.* is opt-in)',
      }),
    ),
    secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 256, description: 'HMAC secret; generated when absent' }),
    ),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const EndpointPatch = Type.Partial(EndpointBody, { additionalProperties: false });

export const WebhookAttempt = Type.Object({
  id: Type.Integer(),
  delivery_id: Type.Integer(),
  event_id: Type.String(),
  attempt: Type.Integer({ description: '1 for the first try' }),
  at: Type.Integer({ description: 'Unix milliseconds' }),
  status: Type.Integer({ description: 'HTTP status; 0 when no response came' }),
  latency_ms: Type.Integer(),
  error: Type.String({ description: 'Empty when delivered' }),
});

export const WebhookLog = Type.Object({
  attempts: Type.Array(WebhookAttempt),
  deliveries: Type.Object({
    pending: Type.Integer(),
    delivered: Type.Integer(),
    dead: Type.Integer(),
  }),
});

export const UserMailSettings = Type.Object({
  mid: Type.Integer(),
  email: Type.String(),
  opt_out: Type.Boolean(),
});

const MailBody = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 320, description: "'' removes the address" })),
    opt_out: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
const MidParam = Type.Object({ mid: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

function endpointOut(row: WebhookEndpointRow): Type.Static<typeof WebhookEndpoint> {
  return {
    id: row.id,
    url: row.url,
    events: parseEvents(row.events),
    enabled: row.enabled === 1,
    description: row.description,
    secret: row.secret,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function attemptOut(row: WebhookAttemptRow): Type.Static<typeof WebhookAttempt> {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    event_id: row.event_id,
    attempt: row.attempt,
    at: row.at,
    status: row.status,
    latency_ms: row.latency_ms,
    error: row.error,
  };
}

function mailOut(m: UserMail): Type.Static<typeof UserMailSettings> {
  return { mid: m.mid, email: m.email, opt_out: m.optOut };
}

/**
 * Outbound notifications (docs/webhooks.md): webhook endpoints, their delivery log, and users' notification
 * e-mail addresses; registered under /admin/api/v1.
 */
export function webhookAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];
    const tags = ['webhooks'];

    app.post(
      '/webhooks',
      {
        schema: {
          tags,
          summary: 'Add a webhook endpoint',
          security,
          body: EndpointBody,
          response: { 200: WebhookEndpoint, ...errors },
        },
      },
      async (request) => endpointOut(await services.outbox.createEndpoint(request.body)),
    );

    app.get(
      '/webhooks',
      {
        schema: {
          tags,
          summary: 'Webhook endpoints',
          security,
          response: { 200: Type.Object({ items: Type.Array(WebhookEndpoint) }), ...errors },
        },
      },
      async () => ({ items: (await services.outbox.endpoints()).map(endpointOut) }),
    );

    app.get(
      '/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'One webhook endpoint',
          security,
          params: IdParam,
          response: { 200: WebhookEndpoint, ...errors },
        },
      },
      async (request) => endpointOut(await services.outbox.endpoint(request.params.id)),
    );

    app.patch(
      '/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Change a webhook endpoint (URL, events, secret, enabled, description)',
          security,
          params: IdParam,
          body: EndpointPatch,
          response: { 200: WebhookEndpoint, ...errors },
        },
      },
      async (request) => endpointOut(await services.outbox.updateEndpoint(request.params.id, request.body)),
    );

    app.delete(
      '/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Remove a webhook endpoint and its pending deliveries',
          security,
          params: IdParam,
          response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors },
        },
      },
      async (request) => {
        await services.outbox.deleteEndpoint(request.params.id);
        return { deleted: true };
      },
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary: 'Delivery log of an endpoint: attempts newest first, and its deliveries by state',
          security,
          params: IdParam,
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            before: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: Number.MAX_SAFE_INTEGER,
                description: 'attempt id (paging)',
              }),
            ),
          }),
          response: { 200: WebhookLog, ...errors },
        },
      },
      async (request) => {
        const log = await services.outbox.deliveryLog(
          request.params.id,
          request.query.before,
          request.query.limit ?? 100,
        );
        return {
          attempts: log.attempts.map(attemptOut),
          deliveries: {
            pending: log.states['pending'] ?? 0,
            delivered: log.states['delivered'] ?? 0,
            dead: log.states['dead'] ?? 0,
          },
        };
      },
    );

    app.get(
      '/users/:mid/mail',
      {
        schema: {
          tags,
          summary: "A user's notification e-mail address and opt-out",
          security,
          params: MidParam,
          response: { 200: UserMailSettings, ...errors },
        },
      },
      async (request) =>
        mailOut(await services.outbox.mailSettings(await existingUser(services, request.params.mid))),
    );

    app.put(
      '/users/:mid/mail',
      {
        schema: {
          tags,
          summary: "Set a user's notification e-mail address and/or opt-out",
          security,
          params: MidParam,
          body: MailBody,
          response: { 200: UserMailSettings, ...errors },
        },
      },
      async (request) => {
        const mid = await existingUser(services, request.params.mid);
        const { email, opt_out } = request.body;
        return mailOut(
          await services.outbox.setMailSettings(mid, {
            ...(email === undefined ? {} : { email: email.trim() }),
            ...(opt_out === undefined ? {} : { optOut: opt_out }),
          }),
        );
      },
    );
    done();
  };
}

async function existingUser(services: Services, mid: number): Promise<number> {
  await services.users.get(mid);
  return mid;
}
