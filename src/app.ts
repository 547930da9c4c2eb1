import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { adminRoutes } from './http/admin/admin.routes.ts';
import { emoteAdminRoutes } from './http/admin/emote-admin.routes.ts';
import { historyAdminRoutes } from './http/admin/history-admin.routes.ts';
import { moderationRoutes } from './http/admin/moderation.routes.ts';
import { emoteRoutes } from './http/bili/emote.routes.ts';
import { historyRoutes } from './http/bili/history.routes.ts';
import { navRoutes } from './http/bili/nav.routes.ts';
import { passportRoutes } from './http/bili/passport.routes.ts';
import { replyRoutes } from './http/bili/reply.routes.ts';
import { videoRoutes } from './http/bili/video.routes.ts';
import { registerBiliAuth } from './http/plugins/bili-auth.ts';
import { registerLargePayloads } from './http/plugins/large-payloads.ts';
import { registerGracefulClose } from './http/plugins/graceful-close.ts';
import { registerMetrics } from './http/plugins/metrics.ts';
import { clientErrorHandler, frameworkErrors } from './http/plugins/protocol-errors.ts';
import { webRoutes } from './http/web/web.routes.ts';
import { ADMIN_PREFIX, registerErrorHandling } from './http/plugins/error-handler.ts';
import { registerSecurityHeaders } from './http/plugins/security-headers.ts';
import { registerParamGuards } from './http/plugins/param-guards.ts';
import { LOGIN_PAGES_CSP } from './http/pages/login.pages.ts';
import type { Services } from './services/services.ts';

export interface AppDeps {
  config: Config;
  services: Services;
}

const NOFACE = readFileSync(new URL('../assets/noface.png', import.meta.url));

/** Builds the HTTP application; never listens (main.ts and the tests do). */
export async function buildApp({ config, services }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    // Bilibili ids and flags are read from strings; repeated parameters arrive as arrays and fail validation.
    // strictNumbers: a JSON number that is not finite (1e400) fails the type check (see param-guards.ts).
    ajv: {
      customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false, strictNumbers: true },
    },
    routerOptions: { ignoreTrailingSlash: true },
    // Idle keep-alive sockets are closed after 72 s; a request that trickles in slower than the limits
    // below is cut off, so slow clients cannot hold connections (checked every second, not Node's 30 s).
    keepAliveTimeout: 72_000,
    connectionTimeout: 75_000,
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    // Requests refused before routing (parser errors, undecodable URLs) still answer in the envelope.
    clientErrorHandler,
    frameworkErrors,
    // Behind a reverse proxy, request.ip / protocol / host come from its X-Forwarded-* headers, only when
    // the proxy is named (REPLAY_TRUST_PROXY); otherwise any client could claim any address.
    trustProxy: config.trustProxy === '' ? false : config.trustProxy,
  });
  app.server.maxConnections = config.maxConnections;

  registerErrorHandling(app);
  registerSecurityHeaders(app, LOGIN_PAGES_CSP);
  registerParamGuards(app);
  registerGracefulClose(app);
  registerLargePayloads(app);
  await registerMetrics(app, config.adminToken);
  await app.register(formbody);
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Replay admin API',
        version: '1',
        description: 'Operator API of Replay (bearer admin token).',
      },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
    },
    // The OpenAPI document describes the admin API only; the Bilibili surface is CONTRACT.md's.
    transform: ({ schema, url }) => ({
      schema: url.startsWith(ADMIN_PREFIX) ? schema : { ...(schema ?? {}), hide: true },
      url,
    }),
  });
  await app.register(swaggerUi, { routePrefix: `${ADMIN_PREFIX}/docs` });

  registerBiliAuth(app, services.sessions);
  navRoutes(app, services, config);
  passportRoutes(app, services);
  replyRoutes(app, services, config);
  emoteRoutes(app, services);
  historyRoutes(app, services, config);
  videoRoutes(app, services, config);
  await app.register(adminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(emoteAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(historyAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(moderationRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(webRoutes);

  app.get('/static/noface.png', (_request, reply) =>
    reply.type('image/png').header('cache-control', 'public, max-age=86400').send(NOFACE),
  );
  return app;
}
