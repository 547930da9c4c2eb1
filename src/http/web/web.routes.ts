import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

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

  const shell = (reply: FastifyReply) => {
    reply.header('content-security-policy', UI_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cache-control', 'no-cache');
    if (!existsSync(`${WEB_ROOT}index.html`)) {
      return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply.sendFile('index.html', WEB_ROOT, { cacheControl: false });
  };
  for (const path of UI_PAGES) app.get(path, (_request, reply) => shell(reply));

  app.get('/favicon.svg', (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').sendFile('favicon.svg', WEB_ROOT),
  );
}
