import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/** Connection-level limits do not depend on the database: SQLite only. */
describe('connection limits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite', { headersTimeoutMs: 500, requestTimeoutMs: 1500, maxConnections: 3 });
  });
  afterAll(async () => s.close());

  function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
    const { port } = new URL(s.url);
    return new Promise((resolve, reject) => {
      let data = '';
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () =>
        resolve({ socket, received: () => data, closed }),
      );
      const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });
  }

  it('cuts off a client that trickles its headers (slowloris) after the headers timeout', async () => {
    const c = await open();
    c.socket.write('GET /x/web-interface/nav HTTP/1.1\r\nHost: replay\r\n');
    const tick = setInterval(() => c.socket.write('X-Slow: 1\r\n'), 200);
    try {
      const elapsed = await c.closed;
      expect(elapsed).toBeLessThan(5000);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(tick);
    }
  });

  it('cuts off a client that never finishes its body after the request timeout', async () => {
    const c = await open();
    c.socket.write(
      'POST /x/passport-login/web/login HTTP/1.1\r\nHost: replay\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a',
    );
    const elapsed = await c.closed;
    expect(elapsed).toBeLessThan(6000);
    expect(c.received()).not.toContain('"code":0');
  });

  it('refuses connections beyond the limit and serves again once they close', async () => {
    const held = await Promise.all([open(), open(), open()]);
    const extra = await open();
    expect(await extra.closed).toBeLessThan(2000);
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    const res = await fetch(`${s.url}/x/web-interface/nav`);
    expect(res.status).toBe(200);
  });
});
