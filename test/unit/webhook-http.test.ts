import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, WebhookHttp, targetOf } from '../../src/services/webhook-http.ts';

/**
 * The dispatcher's HTTP/1.1 client (undici underneath) against a raw TCP receiver that writes its answers
 * byte for byte: the request it sends, every way an answer can end (length, chunks, close), kept-alive
 * connections reused, a POST whose connection closed before any answer sent once more, what is kept of
 * an answer, timeouts and the errors the delivery log shows.
 */

interface Raw {
  url: string;
  /** Requests received, as text, per connection in arrival order. */
  requests: string[];
  /** Which connection (1, 2, …) each request came on. */
  on: number[];
  connections: number;
  close(): Promise<void>;
}

const servers: Server[] = [];
const clients: WebhookHttp[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** `answer` gets each complete request (head + body by Content-Length) and the socket to write to. */
async function raw(answer: (socket: Socket, request: string, nth: number) => void): Promise<Raw> {
  const state: Raw = { url: '', requests: [], on: [], connections: 0, close: () => Promise.resolve() };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const nth = ++state.connections;
    sockets.add(socket);
    // The client drops connections mid-answer on purpose (a huge answer): resets are expected here.
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(end + 4 + length);
        state.requests.push(request);
        state.on.push(nth);
        answer(socket, request, state.requests.length);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?x=1`;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}

function client(): WebhookHttp {
  const c = new WebhookHttp();
  clients.push(c);
  return c;
}

const HEADERS = 'content-type: application/json\r\nx-replay-event-id: e1\r\n';

/** undici checks a freed connection for a close the receiver sent meanwhile before reusing it. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('webhook HTTP client', () => {
  it('writes one request with Host, Content-Length and the given headers; reads a Content-Length answer', async () => {
    const r = await raw((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const answer = await client().post(targetOf(r.url), HEADERS, '{"a":"é"}', 1000);
    expect(answer).toEqual({ status: 200, text: 'ok' });
    const request = r.requests[0]!;
    expect(request.startsWith('POST /hook?x=1 HTTP/1.1\r\n')).toBe(true);
    expect(request).toContain(`\r\nhost: ${new URL(r.url).host}\r\n`);
    expect(request).toContain('\r\ncontent-length: 10\r\n');
    expect(request).toContain('\r\nx-replay-event-id: e1\r\n');
    expect(Buffer.from(request.slice(request.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8')).toBe(
      '{"a":"é"}',
    );
  });

  it('reuses a kept-alive connection for Content-Length and chunked answers', async () => {
    const r = await raw((s, _request, nth) => {
      if (nth === 1) s.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy');
      else {
        s.write('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
        setTimeout(() => s.write('2\r\nde\r\n0\r\n\r\n'), 5);
      }
    });
    const http = client();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({ status: 503, text: 'busy' });
    await settle();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({ status: 201, text: 'abcde' });
    await settle();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({ status: 201, text: 'abcde' });
    expect(r.connections).toBe(1);
  });

  it('sends a POST once more when its connection closed before any answer, not when an answer began', async () => {
    const r = await raw((s, _request, nth) => {
      // The receiver drops the connection under the first request (it restarted, or timed it out idle).
      if (nth === 1) s.destroy();
      else if (nth === 2) s.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
      else s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\ncut');
    });
    const http = client();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({ status: 202, text: '' });
    expect(r.requests).toHaveLength(2);
    expect(r.connections).toBe(2);
    await settle();
    await expect(http.post(targetOf(r.url), HEADERS, '{}', 1000)).rejects.toThrow();
    expect(r.requests).toHaveLength(3);
  });

  it('refuses a header value with CR or LF instead of sending it', async () => {
    const r = await raw((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const smuggled = 'x-replay-event-type: a\rx-injected: 1\r\n';
    await expect(client().post(targetOf(r.url), smuggled, '{}', 1000)).rejects.toThrow(/invalid/);
    expect(r.requests).toHaveLength(0);
  });

  it('reads an answer delimited by the connection closing, and does not reuse that connection', async () => {
    const r = await raw((s) => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end'));
    const http = client();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({
      status: 200,
      text: 'until the end',
    });
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toMatchObject({ status: 200 });
    expect(r.connections).toBe(2);
  });

  it('sends again on a new connection when the receiver closed the idle one', async () => {
    const r = await raw((s, _request, nth) => {
      s.write('HTTP/1.1 204 No Content\r\n\r\n');
      // The receiver closes its side right after the first answer (an idle timeout, a restart).
      if (nth === 1) setTimeout(() => s.destroy(), 5);
    });
    const http = client();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({ status: 204, text: '' });
    // undici noticed the close while the connection was idle, so this is no retry: one request each.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toEqual({ status: 204, text: '' });
    expect(r.connections).toBe(2);
    expect(r.requests).toHaveLength(2);
  });

  it('times out a receiver that does not answer, and fails on one that hangs up or is not HTTP', async () => {
    const silent = await raw(() => undefined);
    await expect(client().post(targetOf(silent.url), HEADERS, '{}', 100)).rejects.toBeInstanceOf(
      TimeoutError,
    );
    const rude = await raw((s) => s.destroy());
    await expect(client().post(targetOf(rude.url), HEADERS, '{}', 1000)).rejects.toThrow(
      /^(socket hang up|.*ECONNRESET.*)$/,
    );
    // Sent twice (the first close could have been a stale connection's), then given up.
    expect(rude.requests).toHaveLength(2);
    const garbage = await raw((s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
    await expect(client().post(targetOf(garbage.url), HEADERS, '{}', 1000)).rejects.toThrow(/HTTP\/1\.1/);
    expect(garbage.requests).toHaveLength(1);
    const gone = await raw(() => undefined);
    const url = gone.url;
    await gone.close();
    servers.splice(servers.length - 1);
    await expect(client().post(targetOf(url), HEADERS, '{}', 1000)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps the first KiB of a long answer and does not read a huge one to its end', async () => {
    const long = 'x'.repeat(5000);
    const r = await raw((s, _request, nth) => {
      if (nth === 1) s.write(`HTTP/1.1 500 Oops\r\nContent-Length: ${long.length}\r\n\r\n${long}`);
      else s.write(`HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n${'y'.repeat(1 << 21)}`);
    });
    const http = client();
    const first = await http.post(targetOf(r.url), HEADERS, '{}', 1000);
    expect(first.status).toBe(500);
    expect(first.text).toBe('x'.repeat(1024));
    await settle();
    const huge = await http.post(targetOf(r.url), HEADERS, '{}', 5000);
    expect(huge.status).toBe(200);
    expect(r.connections).toBe(1);
    // The huge answer's connection was dropped, not kept for the next request.
    await settle();
    expect(await http.post(targetOf(r.url), HEADERS, '{}', 1000)).toMatchObject({ status: 200 });
    expect(r.on[2]).not.toBe(r.on[1]);
  });
});
