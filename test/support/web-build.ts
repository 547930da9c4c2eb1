import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds the web UI into dist/web when its sources changed since the last build (bin/build-web.js, which
 * serialises concurrent callers). Tests that load the pages call it first, so `vitest run` on a fresh clone
 * needs no separate build step.
 */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'build-web.js'), '--quiet'], {
    stdio: 'inherit',
  });
}
