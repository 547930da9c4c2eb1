import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { requireAdminToken } from '../admin/admin-auth.ts';

/**
 * Prometheus metrics at `/metrics`: process metrics plus one latency histogram per route and Bilibili code
 * class. Behind the admin token (Prometheus sends it as `authorization: Bearer …`), since it reveals traffic.
 */
export async function registerMetrics(app: FastifyInstance, adminToken: string): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'replay_' });
  const duration = new Histogram({
    name: 'replay_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  app.addHook('onResponse', (request, reply, done) => {
    // Unknown paths share one label so scanners cannot blow up the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register((scope, _options, done) => {
    requireAdminToken(scope, adminToken);
    scope.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
    done();
  });
}
