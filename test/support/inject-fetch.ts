import type { FastifyInstance } from 'fastify';
import type { FetchLike } from '../../src/client/http.ts';

/**
 * A `fetch` for the typed clients that hands each request to `app.inject` (light-my-request) instead of a
 * loopback socket: same routing, hooks, parsers and serialisers, no TCP or HTTP parsing. Redirects are not
 * followed (the clients ask for `redirect: 'manual'`), every `Set-Cookie` line is kept, and the host of the
 * URL is sent as `Host`, as fetch would. What it cannot show is the socket itself (timeouts, keep-alive,
 * raw bytes): those tests keep real sockets.
 */
export function injectFetch(app: FastifyInstance): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(input);
    const headers: Record<string, string> = { host: url.host };
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const payload =
      init.body === undefined || init.body === null || typeof init.body === 'string'
        ? (init.body ?? undefined)
        : Buffer.from(await new Response(init.body).arrayBuffer());
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) out.append(name, String(one));
    }
    const empty = res.statusCode === 204 || res.statusCode === 304 || init.method === 'HEAD';
    return new Response(empty ? null : Uint8Array.from(res.rawPayload), {
      status: res.statusCode,
      headers: out,
    });
  };
}
