import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { injectFetch } from '../support/inject-fetch.ts';

/** The harness's inject transport must look like fetch over a socket to the typed clients. */
describe('injectFetch', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    await app.register(formbody);
    await app.register(cookie);
    app.post('/echo', (request, reply) => {
      reply.setCookie('a', '1', { path: '/' }).setCookie('b', '2', { path: '/', httpOnly: true });
      return {
        host: request.headers.host,
        cookies: request.cookies,
        body: request.body,
        query: request.query,
      };
    });
    app.get('/bytes', (_request, reply) => reply.type('image/png').send(Buffer.from([0, 255, 1, 128])));
    app.get('/moved', (_request, reply) => reply.redirect('/elsewhere', 302));
    app.delete('/nothing', (_request, reply) => reply.status(204).send());
    await app.ready();
  });
  afterAll(async () => app.close());

  it('sends method, path, query, headers and a form body; keeps every Set-Cookie line', async () => {
    const res = await injectFetch(app)('http://127.0.0.1:4321/echo?x=1&x=2', {
      method: 'POST',
      headers: { cookie: 'SESSDATA=s', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'k=v&csrf=c',
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().map((c) => c.split(';')[0])).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({
      host: '127.0.0.1:4321',
      cookies: { SESSDATA: 's' },
      body: { k: 'v', csrf: 'c' },
      query: { x: ['1', '2'] },
    });
  });

  it('passes bytes through unchanged, does not follow redirects, answers 204 without a body', async () => {
    const fetch = injectFetch(app);
    const bytes = await fetch('http://h/bytes');
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 255, 1, 128]);
    const moved = await fetch('http://h/moved', { redirect: 'manual' });
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe('/elsewhere');
    const nothing = await fetch('http://h/nothing', { method: 'DELETE' });
    expect(nothing.status).toBe(204);
    expect(await nothing.text()).toBe('');
  });
});
