import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects } from '../support/harness.ts';

// Production runs the compiled JavaScript (bin/build-server.js → dist/), with no TypeScript runtime: Node 20
// cannot load a `.ts` file, so every run below that works proves that what it touched is plain JavaScript.
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DIST_CLIENT = join(ROOT, 'dist', 'client', 'index.js');
const ENV = { ...process.env, REPLAY_LOG_LEVEL: 'warn' };
const node = (args: string[], timeout = 60_000) =>
  run(process.execPath, args, { cwd: ROOT, env: ENV, timeout, maxBuffer: 16 << 20 });

beforeAll(async () => {
  // A no-op when dist/ matches the sources; a full compile takes minutes on a loaded two-core machine.
  await node([join(ROOT, 'bin', 'build-server.js'), '--quiet'], 600_000);
}, 660_000);

describe('the built package', () => {
  it('is what bin/replay.js runs once built', async () => {
    const { stdout } = await node([
      '--input-type=module',
      '-e',
      "const m = await import('./bin/build-state.js'); console.log(m.serverBuildUpToDate());",
    ]);
    expect(stdout.trim()).toBe('true');
  });

  it('serves the typed client and the toolkit to plain JavaScript through package.json exports', async () => {
    // `replay/client` and `replay/testing` resolve by the package's own name, without the `replay-source`
    // condition the repository's tests use: the `import` condition, dist/.
    const script = `
      import * as pkg from 'replay/client';
      import { startReplay } from 'replay/testing';
      const direct = await import(process.argv[1]);
      const replay = await startReplay();
      try {
        const viewer = await replay.signedIn('builtjs');
        const client = pkg.createClient({ baseUrl: replay.url, cookies: viewer.cookies });
        const nav = await client.nav();
        console.log(JSON.stringify({
          resolved: import.meta.resolve('replay/client'),
          same: pkg.createClient === direct.createClient,
          bvid: pkg.av2bv(170001),
          code: nav.code,
          mid: nav.data?.mid,
          uname: nav.data?.uname,
          isLogin: nav.data?.isLogin,
          viewerMid: viewer.mid,
        }));
      } finally {
        await replay.stop();
      }`;
    const { stdout } = await node(['--input-type=module', '-e', script, pathToFileURL(DIST_CLIENT).href]);
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(out).toEqual({
      resolved: pathToFileURL(DIST_CLIENT).href,
      same: true,
      bvid: 'BV17x411w7KC',
      code: 0,
      mid: out['viewerMid'],
      uname: 'builtjs',
      isLogin: true,
      viewerMid: out['viewerMid'],
    });
    expect(typeof out['viewerMid']).toBe('number');
  });

  it("type-checks a user's code against the built declarations", async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const project = join(import.meta.dirname, 'fixtures', 'consumer', 'tsconfig.consumer.json');
    const checked = await node([tsc, '-p', project, '--listFiles'], 300_000);
    const files = checked.stdout.split('\n');
    // The declarations of dist/, not the sources: what a project using the package compiles against.
    expect(files).toContain(join(ROOT, 'dist', 'client', 'index.d.ts'));
    expect(files).toContain(join(ROOT, 'dist', 'testing', 'index.d.ts'));
    expect(files.some((f) => f.startsWith(join(ROOT, 'src') + '/'))).toBe(false);
  }, 300_000);
});

describe.each(dialects())('the built command line (%s)', (dialect) => {
  const work = mkdtempSync(join(tmpdir(), 'replay-built-cli-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // dist/cli/main.js imported by plain Node, as bin/replay.js does once the build is up to date.
  const cli = (args: string[]) =>
    node([
      '--input-type=module',
      '-e',
      "const { runCli } = await import('./dist/cli/main.js'); await runCli(['node', 'replay', ...process.argv.slice(1)]);",
      '--',
      ...args,
    ]);

  it('migrates, seeds, exports and imports from dist/', async () => {
    const source = await createTestDatabase(dialect);
    const target = await createTestDatabase(dialect);
    try {
      expect((await cli(['--db', source.target, 'migrate'])).stdout).toMatch(
        /applied: 2026-11-22-01-foundation/,
      );
      await cli(['--db', source.target, 'seed', 'demo']);
      const file = join(work, 'export.jsonl');
      expect((await cli(['--db', source.target, 'export', file])).stderr).toMatch(/exported \d+ rows/);
      expect(readFileSync(file, 'utf8')).toContain('"viewer"');
      expect((await cli(['--db', target.target, 'import', file])).stderr).toMatch(/imported \d+ rows/);
    } finally {
      await source.drop();
      await target.drop();
    }
  });
});
