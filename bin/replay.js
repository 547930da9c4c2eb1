#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=30
// Entry of the `replay` command. It runs the compiled JavaScript in dist/ when that build matches the
// sources (`npm start` and `npm run build` make it: bin/build-server.js), so production needs no TypeScript
// runtime. Otherwise — a checkout whose sources changed since the last build, as in development and in the
// tests — it runs the sources through tsx (a dev dependency), so a checkout needs no build step either.
// The server's answers are large (a comment page is 100+ KB) and short-lived: 8 MB semi-spaces (V8's
// default is 16) keep the young generation, and with it the process, about 30 MB smaller under load at the
// same throughput (bench/findings.md). Requests in flight survive scavenges and are promoted, and V8 lets the
// old generation grow to up to four times what was live before collecting it (50–100 MB of garbage under
// the deep-cursor bench, never handed back); a 30 % growing factor keeps it near the live size for ~2 % more
// CPU in major GCs (issue #16's peak RSS). `npm start` passes the same flags; `node bin/replay.js` does not.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, serverBuildUpToDate } from './build-state.js';

const built = join(ROOT, 'dist', 'cli', 'main.js');

async function sourceEntry() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return '../src/cli/main.ts';
  } catch {
    return undefined;
  }
}

let entry;
// dist/ when it matches the sources, or when there are no sources beside it (a deployment of the build).
if (existsSync(built) && (!existsSync(join(ROOT, 'src')) || serverBuildUpToDate())) {
  entry = '../dist/cli/main.js';
} else {
  entry = await sourceEntry();
  if (!entry && existsSync(built)) {
    // Without tsx (npm ci --omit=dev) the build it was given is all there is, stale or not.
    console.warn('replay: dist/ is older than the sources and tsx is not installed; running dist/');
    entry = '../dist/cli/main.js';
  }
  if (!entry) {
    console.error('replay: no build in dist/ and no tsx to run the sources: run `npm run build` first');
    process.exit(1);
  }
}
const { runCli } = await import(entry);
await runCli(process.argv);
