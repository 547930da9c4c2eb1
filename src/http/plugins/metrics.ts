import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { requireAdminToken } from '../admin/admin-auth.ts';

const NAME = 'replay_http_request_duration_seconds';
const HELP = 'HTTP request duration by route and status';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One histogram series: counts per bucket (not cumulative; summed when scraped), sum and count. */
class Series {
  readonly counts = new Float64Array(BUCKETS.length);
  sum = 0;
  count = 0;

  constructor(readonly labels: string) {}

  observe(seconds: number): void {
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        this.counts[i]! += 1;
        break;
      }
    }
    this.sum += seconds;
    this.count += 1;
  }
}

/**
 * The latency histogram of every route, recorded without per-request label hashing: prom-client's
 * `observe` hashed the label set on every call (2–3 µs, a few percent of a heartbeat). Each route owns
 * its series, found by method and status; the text is written when scraped.
 */
class LatencyHistogram {
  private readonly series: Series[] = [];

  /** The series of one route: method → status → series. */
  route(url: string): (method: string, status: number) => Series {
    const byMethod = new Map<string, Map<number, Series>>();
    return (method, status) => {
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map<number, Series>()));
      let found = byStatus.get(status);
      if (!found) {
        found = new Series(`method="${escape(method)}",route="${escape(url)}",status="${status}"`);
        byStatus.set(status, found);
        this.series.push(found);
      }
      return found;
    };
  }

  text(): string {
    const lines = [`# HELP ${NAME} ${HELP}`, `# TYPE ${NAME} histogram`];
    for (const s of this.series) {
      let cumulative = 0;
      BUCKETS.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${NAME}_bucket{le="${bound}",${s.labels}} ${cumulative}`);
      });
      lines.push(`${NAME}_bucket{le="+Inf",${s.labels}} ${s.count}`);
      lines.push(`${NAME}_sum{${s.labels}} ${s.sum}`);
      lines.push(`${NAME}_count{${s.labels}} ${s.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** The viewers-online source of `/metrics`: this node's in-memory state (OnlineService.snapshot). */
export interface OnlineMetricsSource {
  snapshot(top: number): { total: number; web: number; archives: { aid: number; total: number }[] };
}

/**
 * Viewers online now, computed when scraped from the node's memory (a heartbeat pays nothing for it):
 * a total, a web-only total, and one series per archive for the `top` archives with the most viewers, so
 * the label set stays bounded however many archives are watched. Each node reports the viewers it holds;
 * on a cluster whose balancer spreads one viewer's heartbeats over nodes, that viewer is in several nodes'
 * figures (the API's count is the deduplicated one).
 */
function registerOnlineGauges(registry: Registry, source: OnlineMetricsSource, top: number): void {
  let latest: ReturnType<OnlineMetricsSource['snapshot']> | null = null;
  // The three gauges share one walk of the live viewers per scrape: the total (collected first, in
  // registration order) takes it, the others reuse it.
  const take = () => (latest ??= source.snapshot(top));
  new Gauge({
    name: 'replay_viewers_online_total',
    help: 'viewers online now on this node (all platforms)',
    registers: [registry],
    collect() {
      latest = source.snapshot(top);
      this.set(latest.total);
    },
  });
  new Gauge({
    name: 'replay_viewers_online_web',
    help: 'viewers online now on this node on the web (dt 2)',
    registers: [registry],
    collect() {
      this.set(take().web);
    },
  });
  new Gauge({
    name: 'replay_viewers_online',
    help: `viewers online now on this node per archive, for the ${top} archives with the most`,
    labelNames: ['aid'],
    registers: [registry],
    collect() {
      const snapshot = take();
      this.reset();
      for (const a of snapshot.archives) this.set({ aid: String(a.aid) }, a.total);
    },
  });
}

/**
 * Prometheus metrics at `/metrics`: process metrics plus one latency histogram per route and status.
 * Behind the admin token (Prometheus sends it as `authorization: Bearer …`), since it reveals traffic.
 *
 * Each route gets its own onResponse hook as it is registered (its path known then, not read per request
 * through `routeOptions`); requests that matched no route share one series, so scanners cannot blow up
 * the label set.
 */
export async function registerMetrics(
  app: FastifyInstance,
  adminToken: string,
  online?: { source: OnlineMetricsSource; top: number },
): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'replay_' });
  if (online) registerOnlineGauges(registry, online.source, online.top);
  const latency = new LatencyHistogram();

  const unmatched = latency.route('unmatched');
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) unmatched(request.method, reply.statusCode).observe(reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onRoute', (route) => {
    const series = latency.route(route.url);
    const record = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      series(request.method, reply.statusCode).observe(reply.elapsedTime / 1000);
      done();
    };
    const existing = route.onResponse === undefined ? [] : [route.onResponse].flat();
    route.onResponse = [...existing, record];
  });

  await app.register((scope, _options, done) => {
    requireAdminToken(scope, adminToken);
    scope.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(`${await registry.metrics()}\n${latency.text()}`),
    );
    done();
  });
}
