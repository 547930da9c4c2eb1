#!/usr/bin/env node
// Builds the web UI (web/ → dist/web) when its sources changed since the last build; `--force` always builds.
// Run by `npm start` (prestart) and by the tests that need the UI, so a fresh clone needs no extra step.
// Concurrent runs (parallel test files) take turns through a lock directory; the new build replaces the old
// one only once complete, so a running server never serves half a build.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['web', 'src/client', 'src/domain', 'package-lock.json'];
const OUT = join(root, 'dist', 'web');
const STAMP = join(OUT, '.build-hash');
const LOCK = join(root, 'dist', '.web-build.lock');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');
const say = (line) => quiet || console.log(`build-web: ${line}`);

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.'))
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function inputHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => files(join(root, p)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const upToDate = (hash) => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;

async function withLock(work) {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than five minutes belongs to a build that died.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* taken and released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const hash = inputHash();
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

await withLock(async () => {
  if (!force && upToDate(hash)) return say('dist/web was built meanwhile');
  const tmp = join(root, 'dist', `.web-tmp-${process.pid}`);
  const old = join(root, 'dist', `.web-old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  await vite.build({
    configFile: join(root, 'web', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  });
  writeFileSync(join(tmp, '.build-hash'), hash);
  if (existsSync(OUT)) renameSync(OUT, old);
  renameSync(tmp, OUT);
  rmSync(old, { recursive: true, force: true });
  say(`built dist/web in ${Date.now() - started} ms`);
});
