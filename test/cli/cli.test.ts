import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { NavData } from '../../src/client/index.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'replay.js');
const ENV = { ...process.env, REPLAY_LOG_LEVEL: 'warn', REPLAY_ADMIN_TOKEN: 'cli-test-admin-token-123' };

function replay(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env: ENV, timeout: 30_000 });
}

describe.each(dialects())('replay CLI (%s)', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('migrate, user add|ban, archive add, session issue, seed demo', async () => {
    const db = await createTestDatabase(dialect);
    cleanups.push(() => db.drop());
    const migrated = await replay(['--db', db.target, 'migrate']);
    expect(migrated.stdout).toMatch(/applied: 2026-11-22-01-foundation/);
    expect((await replay(['--db', db.target, 'migrate'])).stdout).toContain('schema is up to date');

    const added = await replay([
      '--db',
      db.target,
      'user',
      'add',
      '--uname',
      'cliuser',
      '--password',
      'cli-pass',
      '--mid',
      '777',
    ]);
    expect(added.stdout).toContain('created user mid=777 uname=cliuser');
    await expect(replay(['--db', db.target, 'user', 'add', '--uname', 'cliuser'])).rejects.toMatchObject({
      code: 2,
      // A BiliError in English words with its code, the web UI's wording.
      stderr: 'replay: That name is already taken: uname cliuser (code -652)\n',
    });
    // A given mid leaves room for the automatic ones: the same cap as the admin API's.
    const refused = (await replay([
      ...['--db', db.target, 'user', 'add', '--uname', 'topuser', '--mid', String(2 ** 53 - 1)],
    ]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('mid must be 1 to');

    const archive = await replay([
      '--db',
      db.target,
      'archive',
      'add',
      '--title',
      'CLI video',
      '--owner',
      '777',
      '--aid',
      '170001',
      '--part',
      'Intro:30',
      '--part',
      'Main:90',
    ]);
    expect(archive.stdout).toContain('created av170001 BV17x411w7KC "CLI video"');
    expect(archive.stdout).toMatch(/P1 cid=\d+ 30s Intro/);
    expect(archive.stdout).toMatch(/P2 cid=\d+ 90s Main/);

    const issued = await replay(['--db', db.target, 'session', 'issue', '777']);
    const cookieLine = /^Cookie: (.+)$/m.exec(issued.stdout)![1]!;
    expect(cookieLine).toMatch(
      /SESSDATA=.+; bili_jct=[0-9a-f]{32}; DedeUserID=777; DedeUserID__ckMd5=[0-9a-f]{16}; sid=\w{8}/,
    );
    expect(issued.stdout).toMatch(/^access_key: [0-9a-f]{32}$/m);

    expect((await replay(['--db', db.target, 'user', 'ban', '777'])).stdout).toContain(
      'banned mid=777 (cliuser)',
    );
    expect((await replay(['--db', db.target, 'user', 'ban', '777', '--unban'])).stdout).toContain(
      'unbanned mid=777',
    );
    expect((await replay(['--db', db.target, 'seed', 'demo'])).stdout).toContain('demo fixture loaded');
    expect((await replay(['--db', db.target, 'seed', 'demo'])).stdout).toContain(
      'demo fixture already present',
    );
    // Eleven separate processes, each loading TypeScript through tsx: slow on a loaded two-core machine.
  }, 180_000);

  it('serve loads the demo into an empty database and prints a working Cookie header and curl line', async () => {
    const db = await createTestDatabase(dialect);
    cleanups.push(() => db.drop());
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--db', db.target, '--port', String(port)], {
      env: ENV,
    });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const deadline = Date.now() + 20_000;
      while (!out.includes('Sign in in a browser') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`Replay listening on http://127.0.0.1:${port}`);
      expect(out).toContain('Demo data loaded: uploader "bishi"');
      const header = /Cookie: (SESSDATA=[^\n]+)/.exec(out)![1]!;
      expect(out).toContain(`curl -s -H 'Cookie: ${header}' http://127.0.0.1:${port}/x/web-interface/nav`);
      const nav = await createClient({ baseUrl: `http://127.0.0.1:${port}`, cookies: header }).nav();
      expect(nav.code).toBe(0);
      expect((nav.data as NavData).uname).toBe('viewer');
      const admin = await fetch(`http://127.0.0.1:${port}/admin/api/v1/archives/2`, {
        headers: { authorization: `Bearer ${ENV.REPLAY_ADMIN_TOKEN}` },
      });
      expect(await admin.json()).toMatchObject({
        aid: 2,
        bvid: 'BV1xx411c7mD',
        pages: [{ cid: 62131, page: 1 }],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--no-demo leaves an empty database empty', async () => {
    const db = await createTestDatabase(dialect);
    cleanups.push(() => db.drop());
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--db', db.target, '--port', String(port), '--no-demo'],
      { env: ENV },
    );
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const deadline = Date.now() + 20_000;
      while (!out.includes('Admin API docs') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).not.toContain('Demo data loaded');
      const res = await fetch(`http://127.0.0.1:${port}/admin/api/v1/users/2`, {
        headers: { authorization: `Bearer ${ENV.REPLAY_ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(404);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('replay CLI configuration errors', () => {
  it.each([
    [['serve', '--port', 'abc'], /--port \/ REPLAY_PORT/],
    [['--db', 'mysql://nope', 'migrate'], /--db \/ REPLAY_DB/],
  ])('%j stops with a message naming the setting', async (args, pattern) => {
    const failure = (await replay(args).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(pattern);
  });

  it('a taken port or an unreachable database is one line, exit 1, no stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const taken = (await replay(['serve', '--db', ':memory:', '--port', String(port), '--no-demo']).catch(
        (e: unknown) => e,
      )) as { code: number; stderr: string };
      expect(taken.code).toBe(1);
      expect(taken.stderr.trim()).toBe(`replay: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      blocker.close();
    }
    const unreachable = (await replay(['--db', 'postgres://nobody@127.0.0.1:1/none', 'migrate']).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^replay: cannot open the database: .*ECONNREFUSED/);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('replay CLI: version, help, unknown commands, log format', () => {
  it('--version and -v print the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect((await replay(['--version'])).stdout).toBe(`${pkg.version}\n`);
    expect((await replay(['-v'])).stdout).toBe(`${pkg.version}\n`);
  });

  it('`replay help` is `replay --help`', async () => {
    const help = await replay(['help']);
    expect(help.stdout).toBe((await replay(['--help'])).stdout);
    expect(help.stdout).toMatch(/^Usage: replay \[options\] \[command\]/);
    expect(help.stdout).toMatch(/-v, --version/);
  });

  it('an unknown command is named, with the nearest one and where the list is; exit 1, nothing served', async () => {
    const typo = (await replay(['--db', ':memory:', 'migrat']).catch((e: unknown) => e)) as {
      code: number;
      stdout: string;
      stderr: string;
    };
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      `error: unknown command 'migrat' (Did you mean migrate?)\n` +
        `Run "replay help" to list the commands, or "replay help <command>" for one of them.\n`,
    );
    expect(typo.stdout).toBe('');
    const unknown = (await replay(['frobnicate']).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'\nRun "replay help"/);
  });

  /** Runs `serve` with stdout a pipe (not a terminal), asks for `nav?access_key=…`, returns what it printed. */
  async function serveOnce(env: Record<string, string>): Promise<string> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--db', ':memory:', '--port', String(port), '--no-demo'],
      {
        env: { ...ENV, ...env },
      },
    );
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const deadline = Date.now() + 20_000;
      while (!out.includes('Admin API docs') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(
        (await fetch(`http://127.0.0.1:${port}/x/web-interface/nav?access_key=do-not-log-me`)).status,
      ).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return out;
    } finally {
      child.kill('SIGKILL');
    }
  }

  it('logs JSON lines when stdout is not a terminal, one request line at debug, without the query', async () => {
    const out = await serveOnce({ REPLAY_LOG_LEVEL: 'debug' });
    const entries = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; path?: string; statusCode?: number });
    expect(entries.find((e) => e.msg.startsWith('Server listening at'))).toMatchObject({ level: 30 });
    const requests = entries.filter((e) => e.path !== undefined);
    expect(requests).toEqual([
      expect.objectContaining({ level: 20, path: '/x/web-interface/nav', statusCode: 200 }),
    ]);
    expect(out).not.toContain('do-not-log-me');
    // The start-up lines for people stay plain text.
    expect(out).toMatch(/^Replay listening on http:\/\/127\.0\.0\.1:\d+/m);
  });

  it('REPLAY_LOG_FORMAT=pretty: one readable line an entry; at info no request lines', async () => {
    const out = await serveOnce({ REPLAY_LOG_LEVEL: 'info', REPLAY_LOG_FORMAT: 'pretty' });
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
    expect(out).not.toMatch(/^\{/m);
    expect(out).not.toContain('/x/web-interface/nav');
  });
});
