import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Date.now() when the request arrived. */
  at: number;
  json: { id: string; type: string; time: number; data: Record<string, unknown> };
}

/**
 * A local webhook receiver on 127.0.0.1 and a random port: records every request; `respond` decides each
 * answer's status (per path and how many requests that path has had).
 */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  respond: (path: string, nth: number) => number;
  /** How long to wait before answering, ms (a slow receiver). */
  delayMs: number;
  byPath(path: string): Received[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const receiver: WebhookReceiver = {
    url: '',
    received,
    respond: () => 200,
    delayMs: 0,
    byPath: (path) => received.filter((r) => r.path === path),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out; received ${received.length} requests`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const nth = (counts.get(path) ?? 0) + 1;
      counts.set(path, nth);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ path, headers, body, at: Date.now(), json: JSON.parse(body) as Received['json'] });
      const status = receiver.respond(path, nth);
      const answer = () => {
        response.statusCode = status;
        response.end('ok');
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return receiver;
}

/** The check docs/webhooks.md tells receivers to make. */
export function signatureValid(secret: string, r: Received, toleranceSeconds = 300): boolean {
  const timestamp = Number(r.headers['x-replay-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds)
    return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex');
  const given = (r.headers['x-replay-signature'] ?? '').replace(/^sha256=/, '');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
