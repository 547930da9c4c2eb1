#!/usr/bin/env node
// Compiles src/ to JavaScript in dist/ (tsc -p tsconfig.build.json: .js, .d.ts and source maps, relative
// `.ts` imports rewritten to `.js`) when the sources changed since the last build; `--force` always builds.
// Run by `npm start` (prestart) and `npm run build`, so production runs plain JavaScript and needs no
// TypeScript runtime. Until a build matches the sources, bin/replay.js runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import {
  ROOT,
  SERVER_INPUTS,
  SERVER_STAMP,
  files,
  inputHash,
  stampMatches,
  withLock,
} from './build-state.js';

const DIST = join(ROOT, 'dist');
const ENTRY = join(DIST, 'cli', 'main.js');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');
const say = (line) => quiet || console.log(`build-server: ${line}`);
const upToDate = (hash) => existsSync(ENTRY) && stampMatches(SERVER_STAMP, hash);

const hash = inputHash(SERVER_INPUTS);
if (!force && upToDate(hash)) {
  say('dist/ is up to date');
  process.exit(0);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // A production install (npm ci --omit=dev) has no TypeScript; it runs whatever build it was given.
  if (existsSync(ENTRY)) {
    console.warn('build-server: TypeScript is not installed; running the existing dist/, which may be stale');
    process.exit(0);
  }
  console.error('build-server: TypeScript is not installed and dist/ is missing: build with a full install');
  console.error('  (npm ci && npm run build), then ship dist/ with the production install');
  process.exit(1);
}

/** Drops outputs whose source is gone (a deleted or renamed file), so dist/ mirrors src/ exactly. */
function dropOrphans() {
  for (const file of files(DIST)) {
    const rel = relative(DIST, file);
    if (rel.split(/[\\/]/)[0] === 'web') continue;
    const base = rel.replace(/(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/, '');
    if (base !== rel && !existsSync(join(ROOT, 'src', `${base}.ts`))) rmSync(file);
  }
}

await withLock(join(DIST, '.server-build.lock'), async () => {
  if (!force && upToDate(hash)) return say('dist/ was built meanwhile');
  const started = Date.now();
  // No stamp while dist/ is being written: bin/replay.js meanwhile runs the sources.
  rmSync(SERVER_STAMP, { force: true });
  if (force) rmSync(join(DIST, '.tsbuildinfo'), { force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(
      `build-server: tsc failed (exit ${run.status ?? run.signal}); dist/ is not marked as built`,
    );
    process.exitCode = 1;
    return;
  }
  dropOrphans();
  // The hash taken before compiling: a source edited during the build leaves dist/ marked stale.
  writeFileSync(SERVER_STAMP, hash);
  say(`built dist/ in ${Date.now() - started} ms`);
});
