import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.ts';

/**
 * Closing (SIGTERM, or `app.close()` in a test) must not wait on connections that carry no request. A
 * browser opens spare connections ahead of need (Chromium's preconnect) and sends nothing on them; Node
 * counts such a socket as busy (its headers timer runs from the connection), so `server.close()` left it
 * open until the socket timeout, 75 s: a browser test's server once took that long to close.
 */
describe('closing with connections that carry no request', () => {
  const open = async (url: string): Promise<Socket> => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return socket;
  };

  it('a connection that never sent a request does not hold the close', async () => {
    const s = await startTestServer('sqlite');
    const idle = await open(s.url);
    const closed = once(idle, 'close');
    const started = Date.now();
    await s.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a request being answered when the close begins is still answered, then its connection ends', async () => {
    const s = await startTestServer('sqlite', { toolkit: true });
    // Held 400 ms on arrival (a toolkit fault that only delays): the close begins while it waits.
    await s.admin.faults.add({ path: '/x/web-interface/nav', delay_ms: 400 });
    const spare = await open(s.url);
    const spareClosed = once(spare, 'close');
    const arrived = once(s.app.server, 'request');
    const answer = fetch(`${s.url}/x/web-interface/nav`);
    await arrived;
    const started = Date.now();
    const closing = s.close();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as { code: number }).code).toBe(-101);
    await closing;
    await spareClosed;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
