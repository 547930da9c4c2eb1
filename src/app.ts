import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { adminRoutes } from './http/admin/admin.routes.ts';
import { accountRoutes } from './http/bili/account.routes.ts';
import { accountSelfRoutes } from './http/bili/account-self.routes.ts';
import { inviteAdminRoutes } from './http/admin/invite-admin.routes.ts';
import { webhookAdminRoutes } from './http/admin/webhook-admin.routes.ts';
import { notifySettingsRoutes } from './http/bili/notify-settings.routes.ts';
import { ssoRoutes } from './http/web/sso.routes.ts';
import { emoteAdminRoutes } from './http/admin/emote-admin.routes.ts';
import { historyAdminRoutes } from './http/admin/history-admin.routes.ts';
import { moderationRoutes } from './http/admin/moderation.routes.ts';
import { sessionAdminRoutes } from './http/admin/session-admin.routes.ts';
import { deviceRoutes } from './http/bili/device.routes.ts';
import { emoteRoutes } from './http/bili/emote.routes.ts';
import { historyRoutes } from './http/bili/history.routes.ts';
import { historySearchRoutes } from './http/bili/history-search.routes.ts';
import { onlineRoutes } from './http/bili/online.routes.ts';
import { analyticsRoutes } from './http/bili/analytics.routes.ts';
import { analyticsAdminRoutes } from './http/admin/analytics-admin.routes.ts';
import { toviewRoutes } from './http/bili/toview.routes.ts';
import { navRoutes } from './http/bili/nav.routes.ts';
import { passportRoutes } from './http/bili/passport.routes.ts';
import { passwordLoginRoutes } from './http/bili/password-login.routes.ts';
import { tvLoginRoutes } from './http/bili/tv-login.routes.ts';
import { replyRoutes } from './http/bili/reply.routes.ts';
import { seasonRoutes } from './http/bili/season.routes.ts';
import { seasonAdminRoutes } from './http/admin/season-admin.routes.ts';
import { videoRoutes } from './http/bili/video.routes.ts';
import { messageFeedRoutes } from './http/bili/message-feed.routes.ts';
import { replyJumpRoutes } from './http/bili/reply-jump.routes.ts';
import { markOptionalBodies, operationKey } from './http/openapi-bodies.ts';
import { registerBiliAuth } from './http/plugins/bili-auth.ts';
import { registerDeviceCookies } from './http/plugins/device-cookies.ts';
import { encodeLargePayload } from './http/plugins/large-payloads.ts';
import { registerGracefulClose } from './http/plugins/graceful-close.ts';
import { registerMetrics } from './http/plugins/metrics.ts';
import { clientErrorHandler, frameworkErrors } from './http/plugins/protocol-errors.ts';
import { UI_PAGES, webRoutes } from './http/web/web.routes.ts';
import { ADMIN_PREFIX, registerErrorHandling } from './http/plugins/error-handler.ts';
import { securityHeaders } from './http/plugins/security-headers.ts';
import { registerOnSendSteps } from './http/plugins/on-send.ts';
import { sharedSerializers } from './http/plugins/shared-serializers.ts';
import { lazyRequestLogger, loggerOptions, RequestLogAtDebug } from './http/plugins/logging.ts';
import { registerParamGuards } from './http/plugins/param-guards.ts';
import { createToolkitRuntime, journalCode, registerToolkitHooks } from './http/plugins/toolkit-hooks.ts';
import { registerFormBody } from './http/plugins/form-body.ts';
import { toolkitRuntimeRoutes } from './http/admin/toolkit-runtime.routes.ts';
import { toolkitStateRoutes } from './http/admin/toolkit-state.routes.ts';
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
    logger: loggerOptions(config),
    logController: new RequestLogAtDebug(),
    // Without a logger (silent) Fastify hands every request the null logger itself: nothing to defer.
    ...(config.logLevel === 'silent' ? {} : { childLoggerFactory: lazyRequestLogger }),
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
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() } },
  });
  app.server.maxConnections = config.maxConnections;
  // onClose hooks run in reverse order of registration: this one, first, runs last, once the services
  // with timers (online publishing, the outbox dispatcher) have stopped writing. The store drains its
  // batched writes (heartbeats, comment adds) and closes the database.
  app.addHook('onClose', () => services.close());

  registerErrorHandling(app);
  registerParamGuards(app);
  registerOnSendSteps(app, [
    securityHeaders(LOGIN_PAGES_CSP),
    registerGracefulClose(app),
    encodeLargePayload,
    ...(config.toolkit ? [journalCode] : []),
  ]);
  await registerMetrics(app, config.adminToken, {
    source: services.online,
    top: config.metricsOnlineTop,
  });
  registerFormBody(app);
  await app.register(cookie);
  registerDeviceCookies(app, services.devices, UI_PAGES);

  const optionalBodies = new Set<string>();
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
    transform: ({ schema, url, route }) => {
      if ((schema?.body as { '~optional'?: boolean } | undefined)?.['~optional'] === true) {
        for (const method of [route.method].flat()) optionalBodies.add(operationKey(method, url));
      }
      return { schema: url.startsWith(ADMIN_PREFIX) ? schema : { ...(schema ?? {}), hide: true }, url };
    },
    transformObject: (document) =>
      'openapiObject' in document
        ? markOptionalBodies(document.openapiObject, optionalBodies)
        : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: `${ADMIN_PREFIX}/docs` });

  registerBiliAuth(app, services.sessions);
  // Off: no toolkit hook exists at all (requests pay nothing); on: the reset/restore gate, the journal and
  // fault rules, in one request hook (docs/toolkit.md).
  const toolkitRuntime = config.toolkit ? createToolkitRuntime(services, config.toolkitJournalSize) : null;
  // Before every route it journals: its onRoute hook wraps each handler registered after it.
  if (toolkitRuntime) registerToolkitHooks(app, toolkitRuntime, services.toolkitState);
  await app.register(deviceRoutes(services, config));
  navRoutes(app, services, config);
  passportRoutes(app, services);
  passwordLoginRoutes(app, services);
  tvLoginRoutes(app, services);
  replyRoutes(app, services, config);
  emoteRoutes(app, services, config);
  accountRoutes(app, services, config);
  historyRoutes(app, services, config);
  historySearchRoutes(app, services, config);
  onlineRoutes(app, services);
  analyticsRoutes(app, services);
  toviewRoutes(app, services, config);
  seasonRoutes(app, services, config);
  videoRoutes(app, services, config);
  messageFeedRoutes(app, services, config);
  replyJumpRoutes(app, services, config);
  accountSelfRoutes(app, services, config);
  ssoRoutes(app, services, config);
  await app.register(adminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(emoteAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(historyAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(analyticsAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(seasonAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(moderationRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(sessionAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(inviteAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(webhookAdminRoutes(services, config.adminToken), { prefix: `${ADMIN_PREFIX}/v1` });
  await app.register(toolkitStateRoutes(services, config.adminToken, config.toolkit), {
    prefix: `${ADMIN_PREFIX}/v1`,
  });
  await app.register(toolkitRuntimeRoutes(toolkitRuntime, config.adminToken, config.toolkit), {
    prefix: `${ADMIN_PREFIX}/v1`,
  });
  notifySettingsRoutes(app, services, config);
  // The outbox dispatcher lives as long as the app (docs/webhooks.md): started once ready, stopped on close.
  app.addHook('onReady', (done) => {
    services.outboxDispatcher.start();
    done();
  });
  app.addHook('onClose', () => services.outboxDispatcher.stop());
  await app.register(webRoutes);

  app.get('/static/noface.png', (_request, reply) =>
    reply.type('image/png').header('cache-control', 'public, max-age=86400').send(NOFACE),
  );
  return app;
}
