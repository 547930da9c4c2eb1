import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web UI: one HTML shell for every page plus the embeddable comment section, built into dist/web and
 * served by Replay (src/http/web/web.routes.ts). `npm run dev:web` serves it with hot reload and forwards
 * the API to a Replay server on REPLAY_URL (default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  resolve: {
    alias: {
      // The typed client signs with Wbi through node:crypto's md5; the browser gets an md5 of its own.
      'node:crypto': here('src/shims/node-crypto.ts'),
      // The UI imports the client package (`replay/client`) like any other user; it bundles the sources,
      // as TypeScript type-checks them (package.json `exports`, condition `replay-source`).
      'replay/client': here('../src/client/index.ts'),
    },
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // No inlined assets: the pages' Content-Security-Policy allows only same-origin resources.
    assetsInlineLimit: 0,
    sourcemap: true,
    rollupOptions: {
      input: { index: here('index.html'), comments: here('src/embed.ts') },
      output: {
        // The embed keeps a stable address, since other pages refer to it with one <script> tag.
        entryFileNames: (chunk) =>
          chunk.name === 'comments' ? 'embed/comments.js' : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    fs: { allow: [here('..')] },
    proxy: Object.fromEntries(
      ['/x', '/admin/api', '/login/exit', '/h5-app', '/crossDomain', '/static', '/media', '/bfs'].map(
        (path) => [path, process.env['REPLAY_URL'] ?? 'http://127.0.0.1:8080'],
      ),
    ),
  },
});
