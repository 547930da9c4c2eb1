#!/usr/bin/env node
// Builds the web UI (web/ → dist/web) when its sources changed since the last build; `--force` always builds.
// Run by `npm start` (prestart) and by the tests that need the UI, so a fresh clone needs no extra step.
// Concurrent runs (parallel test files) take turns through a lock directory; the new build replaces the old
// one only once complete, so a running server never serves half a build.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT as root, inputHash, stampMatches, withLock } from './build-state.js';

const INPUTS = ['web', 'src/client', 'src/domain', 'src/wire', 'package-lock.json'];
const OUT = join(root, 'dist', 'web');
const STAMP = join(OUT, '.build-hash');
const LOCK = join(root, 'dist', '.web-build.lock');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');
const say = (line) => quiet || console.log(`build-web: ${line}`);
const upToDate = (hash) => stampMatches(STAMP, hash);

const hash = inputHash(INPUTS);
if (!force && upToDate(hash)) {
  say('dist/web is up to date');
  process.exit(0);
}

let vite;
try {
  vite = await import('vite');
} catch {
  // A production install (npm ci --omit=dev) has no Vite; it serves whatever build it was given.
  console.warn(
    existsSync(join(OUT, 'index.html'))
      ? 'build-web: Vite is not installed; serving the existing dist/web, which may be stale'
      : 'build-web: Vite is not installed and dist/web is missing; the pages will say the UI is not built',
  );
  process.exit(0);
}

await withLock(LOCK, async () => {
  if (!force && upToDate(hash)) return say('dist/web was built meanwhile');
  const tmp = join(root, 'dist', `.web-tmp-${process.pid}`);
  const old = join(root, 'dist', `.web-old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  try {
    await vite.build({
      configFile: join(root, 'web', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
  } catch (error) {
    // A failed build leaves the previous dist/web in place and no half-written directory behind.
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(join(tmp, '.build-hash'), hash);
  if (existsSync(OUT)) renameSync(OUT, old);
  renameSync(tmp, OUT);
  rmSync(old, { recursive: true, force: true });
  say(`built dist/web in ${Date.now() - started} ms`);
});
