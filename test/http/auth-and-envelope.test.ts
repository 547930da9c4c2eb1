import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { ok } from '../../src/http/envelope.ts';
import { Id, Params } from '../../src/http/params.ts';
import { registerBiliAuth } from '../../src/http/plugins/bili-auth.ts';
import { registerErrorHandling } from '../../src/http/plugins/error-handler.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * The auth plugin and error handler mounted on a probe app with one write route, over the real session
 * store of a test server: the order of DESIGN.md §4 (identity → -101 → -102 → -111 → -400) checked end to end.
 */
describe.each(dialects())('auth order and envelope (%s)', (dialect) => {
  let s: TestServer;
  let probe: FastifyInstance;
  let probeUrl: string;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    probe = Fastify();
    registerErrorHandling(probe);
    await probe.register(formbody);
    await probe.register(cookie);
    registerBiliAuth(probe, s.services.sessions);
    const schema = { querystring: Params({ aid: Id(), note: Type.Optional(Type.String({ maxLength: 5 })) }) };
    probe.post('/write', { config: { bili: { auth: 'required', write: true } }, schema }, (request) =>
      ok({ mid: request.identity?.mid, mode: request.identity?.mode, params: request.query }),
    );
    probe.get('/read', { config: { bili: { auth: 'optional' } } }, (request) =>
      ok({ mid: request.identity?.mid ?? 0 }),
    );
    probe.post(
      '/web-only',
      { config: { bili: { auth: 'required', write: true, modes: ['cookie'] } } },
      (request) => ok({ mid: request.identity?.mid }),
    );
    await probe.listen({ port: 0, host: '127.0.0.1' });
    const address = probe.server.address();
    probeUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await probe.close();
    await s.close();
  });

  const client = (cookies?: Record<string, string>, accessKey?: string) =>
    createClient({ baseUrl: probeUrl, ...(cookies ? { cookies } : {}), ...(accessKey ? { accessKey } : {}) });

  it('anonymous → -101 before any parameter check', async () => {
    expect(await client().post('/write', {})).toEqual({ code: -101, message: '账号未登录', ttl: 1 });
  });

  it('banned → -102 before the csrf check; wrong csrf → -111 before parameters', async () => {
    const { client: banned, mid } = await s.signedIn();
    await s.admin.updateUser(mid, { banned: true });
    expect(await client(banned.cookies).post('/write', { csrf: 'wrong' })).toEqual({
      code: -102,
      message: '账号被封停',
      ttl: 1,
    });
    expect(await client(banned.cookies).get('/read')).toMatchObject({ code: 0, data: { mid } });

    const { client: user } = await s.signedIn();
    expect(await client(user.cookies).post('/write', { csrf: 'wrong' })).toEqual({
      code: -111,
      message: 'csrf 校验失败',
      ttl: 1,
    });
    const noCsrf = await createClient({
      baseUrl: probeUrl,
      cookies: { SESSDATA: user.cookies['SESSDATA']! },
    }).post('/write', {});
    expect(noCsrf).toMatchObject({ code: -111 });
  });

  it('then parameters: -400 naming the missing or malformed one', async () => {
    const { client: user } = await s.signedIn();
    const c = client(user.cookies);
    expect(await c.post('/write', {})).toEqual({ code: -400, message: '请求错误: 缺少参数 aid', ttl: 1 });
    for (const aid of ['abc', '0', '-3', '9007199254740993', '1.5']) {
      const body = await c.post<{ code: number; message: string }>('/write', { aid });
      expect(body.code).toBe(-400);
      expect(body.message).toContain('aid');
    }
    expect(
      await c.post<{ code: number; message: string }>('/write', { aid: 1, note: 'too long' }),
    ).toMatchObject({ code: -400, message: expect.stringContaining('note') as string });
  });

  it('merges query and form body; csrf may come in either', async () => {
    const { client: user, mid } = await s.signedIn();
    const csrf = user.cookies['bili_jct']!;
    const res = await fetch(`${probeUrl}/write?aid=7&csrf=${csrf}`, {
      method: 'POST',
      headers: {
        cookie: `SESSDATA=${user.cookies['SESSDATA']}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'note=hi',
    });
    expect(await res.json()).toEqual({
      code: 0,
      message: '0',
      ttl: 1,
      data: { mid, mode: 'cookie', params: { aid: 7, csrf, note: 'hi' } },
    });
    const repeated = await fetch(`${probeUrl}/write?aid=1`, {
      method: 'POST',
      headers: {
        cookie: `SESSDATA=${user.cookies['SESSDATA']}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `aid=1&aid=2&csrf=${csrf}`,
    });
    expect(await repeated.json()).toMatchObject({ code: -400 });
  });

  it('APP mode: access_key needs no csrf; a bad access_key is not rescued by a cookie', async () => {
    const { client: user, accessKey, mid } = await s.signedIn();
    expect(await client(undefined, accessKey).post('/write', { aid: 5 })).toMatchObject({
      code: 0,
      data: { mid, mode: 'app' },
    });
    const mixed = createClient({ baseUrl: probeUrl, cookies: user.cookies });
    expect(await mixed.post('/write', { aid: 5, access_key: 'bogus' })).toMatchObject({ code: -101 });
    // A web SESSDATA is not an access_key, and an access_key is not a SESSDATA.
    expect(await client(undefined, user.cookies['SESSDATA']).post('/write', { aid: 5 })).toMatchObject({
      code: -101,
    });
    expect(await client({ SESSDATA: accessKey }).post('/write', { aid: 5, csrf: 'x' })).toMatchObject({
      code: -101,
    });
    // Cookie-only routes ignore access_key.
    expect(await client(undefined, accessKey).post('/web-only', {})).toMatchObject({ code: -101 });
  });

  it('an expired session is logged out', async () => {
    const { client: user } = await s.signedIn();
    s.clock.advance(181 * 24 * 3600);
    try {
      expect(await client(user.cookies).get('/read')).toMatchObject({ code: 0, data: { mid: 0 } });
      expect(await client(user.cookies).post('/write', { aid: 1 })).toMatchObject({ code: -101 });
    } finally {
      s.clock.advance(-181 * 24 * 3600);
    }
  });

  describe('envelope on the real server', () => {
    it('unknown path → HTTP 404 with -404 JSON', async () => {
      const res = await fetch(`${s.url}/x/v2/nothing-here?x=1`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({ code: -404, message: '啥都木有', ttl: 1 });
    });

    it('an oversized body → -400 in the envelope, HTTP 200', async () => {
      const res = await fetch(`${s.url}/x/passport-login/web/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=a&password=${'x'.repeat(s.config.bodyLimit + 10)}`,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ code: -400, message: '请求错误: 请求体过大', ttl: 1 });
    });

    it('an unsupported content type or malformed JSON → -400, never a stack trace', async () => {
      for (const [type, body] of [
        ['text/plain', 'hello'],
        ['application/json', '{"username":'],
        ['application/xml', '<a/>'],
      ] as const) {
        const res = await fetch(`${s.url}/x/passport-login/web/login`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        expect(res.status).toBe(200);
        const json = (await res.json()) as { code: number; message: string; ttl: number };
        expect(json.code).toBe(-400);
        expect(json.ttl).toBe(1);
        expect(json.message).not.toMatch(/at .*\.ts:\d+/);
      }
    });
  });
});
