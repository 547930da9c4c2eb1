// What bin/build-web.js, bin/build-server.js and bin/replay.js share: a content hash of a build's inputs
// (a build is up to date when the hash stamped into its output matches), and a lock so that concurrent
// builds (parallel test files, `npm start` beside a test run) take turns.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every file under `path` (or `path` itself), sorted, skipping node_modules and dot-files. */
export function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.'))
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** sha256 over the names and contents of every file under `inputs` (paths relative to the root). */
export function inputHash(inputs) {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((p) => files(join(ROOT, p)))) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export const stampMatches = (stamp, hash) => existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;

/** Runs `work` holding the lock directory `lock`; a lock older than five minutes belongs to a dead build. */
export async function withLock(lock, work) {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* taken and released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// The server build (bin/build-server.js): src/ compiled by tsc into dist/ (dist/web is the UI's build).
// The lockfile is an input because the emitted declarations depend on the dependencies' types.
export const SERVER_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
export const SERVER_STAMP = join(ROOT, 'dist', '.server-build-hash');

/** True when dist/ holds the compiled server of exactly the current sources. */
export const serverBuildUpToDate = () =>
  existsSync(SERVER_STAMP) && stampMatches(SERVER_STAMP, inputHash(SERVER_INPUTS));
