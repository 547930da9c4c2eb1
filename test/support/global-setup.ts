import type { TestProject } from 'vitest/node';
import { findPgBin, startPgCluster } from './postgres-cluster.ts';
import { ensureWebBuilt } from './web-build.ts';
import type { PgCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the run's PostgreSQL cluster, or '' when PostgreSQL tests are skipped. */
    pgUrl: string;
  }
}

let cluster: PgCluster | null = null;

export async function setup(project: TestProject): Promise<void> {
  // Every test that reaches a page route (browser, fuzzing, headers) needs the built UI; build it once here
  // rather than rely on whichever test file happens to run first.
  ensureWebBuilt();
  if (process.env['REPLAY_TEST_PG_URL']) {
    project.provide('pgUrl', process.env['REPLAY_TEST_PG_URL']);
    return;
  }
  const bin = findPgBin();
  if (!bin) {
    if (process.env['CI'] === 'true') {
      throw new Error(
        'CI=true but no PostgreSQL server binaries under /usr/lib/postgresql: install postgresql',
      );
    }
    const banner = '!'.repeat(78);
    console.warn(
      `\n${banner}\n  PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin):\n` +
        `  the PostgreSQL half of the suite is SKIPPED. apt-get install postgresql to run it.\n${banner}\n`,
    );
    project.provide('pgUrl', '');
    return;
  }
  cluster = await startPgCluster(bin);
  project.provide('pgUrl', cluster.url);
}

export function teardown(): void {
  cluster?.stop();
  cluster = null;
}
