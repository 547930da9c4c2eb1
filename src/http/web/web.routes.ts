import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Built by `npm run build:web` (web/vite.config.ts); not in git. */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
/** The demo media the project generated itself (scripts/make-demo-video.sh); committed. */
export const MEDIA_ROOT = fileURLToPath(new URL('../../../assets/media/', import.meta.url));

/** Every page of the UI is the same shell; the script renders the page the path names. */
export const UI_PAGES = [
  '/',
  '/video/:id',
  '/video/:id/stats',
  '/bangumi/play/:id',
  '/cheese/play/:id',
  '/history',
  '/watchlater',
  '/inbox',
  '/login',
  '/register',
  '/account',
  '/admin',
] as const;

/**
 * Where the Bilibili API, the admin API and the server's files live: an unknown path under one of these
 * answers the API's -404 JSON envelope (a client reads it); any other unknown path is a page someone typed
 * or followed, and gets the UI's "page not found" with the site header and a way home.
 */
const NON_PAGE_PREFIXES = [
  '/x/',
  '/admin/api/',
  '/bapis/',
  '/pgc/',
  '/pugv/',
  '/passport',
  '/bfs/',
  '/h5-app/',
  '/correspond/',
  '/crossDomain',
  '/login/',
  '/metrics',
  '/assets/',
  '/embed/',
  '/media/',
  '/static/',
];

/**
 * A browser's GET (or HEAD) of a path outside the API's and the files' prefixes. Only a request that
 * asks for HTML (every browser navigation does) gets the page: a client or bot calling an endpoint Replay
 * does not have, on any host path, still reads the JSON envelope it can parse.
 */
export function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!request.headers.accept?.includes('text/html')) return false;
  const path = request.url.split('?')[0]!;
  return !NON_PAGE_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * The pages may load only what this server serves: the browser itself then refuses any request to another
 * host (no CDN, no remote avatar), which is the UI's privacy promise.
 */
export const UI_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Replay</title>
<h1>The web UI is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when missing) and reload.</p>
<p>The Bilibili API and the admin API (<a href="/admin/api/docs">docs</a>) work without it.</p></html>`;

function shellHeaders(reply: FastifyReply): boolean {
  reply.header('content-security-policy', UI_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('cache-control', 'no-cache');
  if (existsSync(`${WEB_ROOT}index.html`)) return true;
  void reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
  return false;
}

function sendShell(reply: FastifyReply): FastifyReply {
  if (!shellHeaders(reply)) return reply;
  return reply.sendFile('index.html', WEB_ROOT, { cacheControl: false });
}

/**
 * The shell with HTTP 404: its script finds no page for the path and renders "page not found" in the
 * frame. Read from disk, not streamed by @fastify/static, which would answer with its own status 200.
 */
export async function sendPageNotFound(reply: FastifyReply): Promise<FastifyReply> {
  if (!shellHeaders(reply)) return reply;
  const html = await readFile(`${WEB_ROOT}index.html`);
  return reply.status(404).type('text/html; charset=utf-8').send(html);
}

/** Serves the built web UI at `/`, its assets, the embeddable comment script and the demo media. */
export async function webRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/assets/',
    serve: false,
  });
  // Vite names every asset by its content hash, so they never change under the same URL.
  await app.register(fastifyStatic, {
    root: `${WEB_ROOT}assets/`,
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    maxAge: '365d',
    immutable: true,
  });
  await app.register(fastifyStatic, {
    root: `${WEB_ROOT}embed/`,
    prefix: '/embed/',
    decorateReply: false,
    index: false,
    maxAge: '5m',
  });
  // Range requests come with it, which the <video> element needs to seek.
  await app.register(fastifyStatic, {
    root: MEDIA_ROOT,
    prefix: '/media/',
    decorateReply: false,
    index: false,
    maxAge: '1d',
  });

  for (const path of UI_PAGES) app.get(path, (_request, reply) => sendShell(reply));

  app.get('/favicon.svg', (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').sendFile('favicon.svg', WEB_ROOT),
  );
}
