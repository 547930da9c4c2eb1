import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  /** The registered pattern: `/x/v2/reply`, `/admin/api/v1/users/:mid`, `/assets/*`. */
  path: string;
}

/**
 * Every route the application registered (HEAD aside, which Fastify adds to each GET), read from
 * `printRoutes`: a test that enumerates endpoints this way cannot silently miss one added later.
 */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  const parents: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[└├]── (.+?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const segment = m[2]!;
    const path = depth === 0 ? segment : `${parents[depth - 1]!}${segment}`;
    parents.length = depth;
    parents.push(path);
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push({ method, path });
  }
  return out;
}

/** The admin API and the metrics: what needs the admin bearer token (tested in their own suites). */
export function isTokenProtected(path: string): boolean {
  return path.startsWith('/admin/api/v1/') || path === '/metrics';
}

/** The admin API's OpenAPI document and its UI: public documentation, no data. */
export function isAdminDocs(path: string): boolean {
  return path.startsWith('/admin/api/docs');
}

export interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/** Sends bytes as they are (what fetch refuses to produce) and reads until the server closes. */
export function rawRequest(url: string, bytes: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Written, not ended: a half-closed client may lose an asynchronous answer; send Connection: close.
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        headers: head,
        body: split < 0 ? '' : text.slice(split + 4),
      });
    });
  });
}
