import type * as Undici from 'undici';
import type { Dispatcher, Pool } from 'undici';
import { lazyModule } from '../lazy-module.ts';

/** undici (about 1 MB of source) is loaded with the first delivery: most servers have no endpoint. */
const undici = lazyModule<typeof Undici>('undici');

/**
 * The webhook dispatcher's HTTP/1.1 client: one POST per delivery over undici's kept-alive connections
 * (one Pool per endpoint origin). At one request per event, node:http's ClientRequest, Agent and
 * IncomingMessage were most of the dispatcher's CPU (the message-center profile in BENCHMARKS.md);
 * `Pool.dispatch` with a plain handler skips all three (no streams: the answer arrives as chunks to
 * `onResponseData`), which is what a delivery needs: a status and the first KiB of the answer for the
 * log. In a dispatcher micro-benchmark (loopback receiver) the CPU per event stayed within noise of the
 * hand-written client this replaced and ≈ 45 µs below the earlier node:http dispatcher; undici's
 * deprecated callback handlers (no header parsing per answer) were not measurably cheaper. Redirects
 * are not followed (a bare Pool has no redirect interceptor); an answer body beyond MAX_BODY is not
 * read to its end (the request is aborted, which drops its connection). undici rejects header values
 * with CR/LF.
 */

/** What is kept of a receiver's answer body for the log, characters. */
const ANSWER_CHARS = 1024;
const ANSWER_BYTES = 4 * ANSWER_CHARS;
/** A receiver that answers more than this is not read further (its connection is not reused). */
const MAX_BODY = 1 << 20;
/** How long an idle connection is reused when the receiver names no `Keep-Alive: timeout`, ms. */
const IDLE_MS = 4_000;
/** Connections per origin (the dispatcher sends at most this many at once per endpoint). */
export const SOCKETS = 32;
/** Error codes of a connection reset under a request (undici's own for a plain close is below). */
const RESET = new Set(['ECONNRESET', 'EPIPE']);

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** An endpoint URL as the client needs it, parsed once. */
export interface Target {
  /** scheme://host:port, one connection pool each. */
  origin: string;
  /** Path and query, percent-encoded by the URL parser. */
  path: string;
}

const TARGETS = new Map<string, Target>();

export function targetOf(url: string): Target {
  let target = TARGETS.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (TARGETS.size >= 256) TARGETS.clear();
    TARGETS.set(url, target);
  }
  return target;
}

export interface Answer {
  status: number;
  text: string;
}

export class WebhookHttp {
  private readonly pools = new Map<string, Pool>();

  /**
   * POSTs `body` with `headers` (complete header lines, each ending in CRLF; no Host or Content-Length),
   * settled within `timeoutMs`. undici retries only idempotent requests, so a POST whose connection the
   * receiver closed or reset before any answer (a kept-alive connection it dropped as we wrote) is sent
   * once more here, on a new connection: a receiver that got it sees it again under the same event id,
   * which at-least-once delivery allows.
   */
  async post(target: Target, headers: string, body: string, timeoutMs: number): Promise<Answer> {
    const options: Dispatcher.DispatchOptions = {
      method: 'POST',
      path: target.path,
      headers: headerList(headers),
      body,
    };
    const pool = this.pool(target.origin);
    const started = performance.now();
    try {
      return await exchange(pool, options, timeoutMs);
    } catch (error) {
      if (!(error instanceof Unanswered)) throw error;
      const left = timeoutMs - (performance.now() - started);
      if (left <= 0) throw new TimeoutError();
      return exchange(pool, options, left).catch((again: unknown) => {
        throw again instanceof Unanswered ? again.cause : again;
      });
    }
  }

  /** Closes every connection (the dispatcher stopped); requests still under way fail. */
  close(): void {
    const pools = [...this.pools.values()];
    this.pools.clear();
    // The sockets are destroyed at once; the promises only report their `close` events.
    for (const pool of pools) pool.destroy().catch(() => undefined);
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new (undici().Pool)(origin, {
        connections: SOCKETS,
        keepAliveTimeout: IDLE_MS,
        connect: { noDelay: true },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/** A request whose connection closed before any answer: safe to send once more. */
class Unanswered extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** `name: value\r\n` lines as undici's flat [name, value, …] list. */
function headerList(headers: string): string[] {
  const list: string[] = [];
  let at = 0;
  while (at < headers.length) {
    const end = headers.indexOf('\r\n', at);
    const line = headers.slice(at, end < 0 ? headers.length : end);
    at = end < 0 ? headers.length : end + 2;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
    list.push(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return list;
}

function exchange(pool: Pool, options: Dispatcher.DispatchOptions, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | null = null;
    let status = 0;
    let answered = false;
    let read = 0;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const text = () => (kept.length === 0 ? '' : Buffer.concat(kept).toString('utf8').slice(0, ANSWER_CHARS));
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ status, text: text() });
    };
    const timer = setTimeout(() => {
      const error = new TimeoutError();
      settle(error);
      // Still queued for a connection: aborted as soon as it gets one.
      controller?.abort(error);
    }, timeoutMs);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new TimeoutError());
      },
      onResponseStart(c, statusCode) {
        // undici hands over only the final answer (1xx ones are skipped).
        answered = true;
        status = statusCode;
      },
      onResponseData(c, chunk) {
        read += chunk.length;
        if (keptBytes < ANSWER_BYTES) {
          const part = chunk.subarray(0, ANSWER_BYTES - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (read > MAX_BODY) {
          settle(null);
          c.abort(new Error('answer too large'));
        }
      },
      onResponseEnd() {
        settle(null);
      },
      onResponseError(_c, error) {
        if (answered) settle(error);
        else if (closed(error)) settle(new Unanswered(hangUp()));
        else if (RESET.has((error as NodeJS.ErrnoException).code ?? '')) settle(new Unanswered(error));
        else settle(error);
      },
    };
    pool.dispatch(options, handler);
  });
}

/**
 * The receiver closed the connection before answering (undici's SocketError 'other side closed'; its
 * other SocketErrors, such as 'bad response', mean answer bytes came).
 */
function closed(error: Error): boolean {
  return error instanceof undici().errors.SocketError && error.message === 'other side closed';
}

/** Worded as node:http did (the delivery log shows it). */
function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
