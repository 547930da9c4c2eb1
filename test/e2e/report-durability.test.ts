import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminClient, createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { ADMIN_TOKEN, createTestDatabase, dialects } from '../support/harness.ts';

/**
 * DESIGN.md §7: no acknowledged write may be lost when the process is killed at any moment. The real
 * server runs as a child process; reports stream at it until it is killed with SIGKILL (or stopped with
 * SIGTERM); after a restart on the same database every acknowledged report must be there.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const WORKERS = 16;
const LOAD_MS = 1500;

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

async function startChild(db: string): Promise<Child> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    ['bin/replay.js', 'serve', '--db', db, '--port', String(port), '--no-demo'],
    {
      cwd: ROOT,
      env: { ...process.env, REPLAY_ADMIN_TOKEN: ADMIN_TOKEN, REPLAY_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(proc);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Replay listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited during start:\n${output}`));
    });
  });
  return { proc, url, exited };
}

async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGTERM');
  await child.exited;
}

/** A viewer and one long archive per worker, so each worker's reports land in their own entry. */
async function setup(url: string): Promise<{ viewer: BiliClient; cookie: string; aids: number[] }> {
  const admin = createAdminClient({ baseUrl: url, token: ADMIN_TOKEN });
  const up = await admin.createUser({ uname: 'durable-uploader' });
  const viewer = await admin.createUser({ uname: 'durable-viewer' });
  const aids: number[] = [];
  for (let w = 0; w < WORKERS; w++) {
    const archive = await admin.createArchive({
      title: `durability ${w}`,
      owner_mid: up.mid,
      pages: [{ part: 'P1', duration: 86_400 }],
    });
    aids.push(archive.aid);
  }
  const session = await admin.issueSession(viewer.mid);
  return {
    viewer: createClient({ baseUrl: url, cookies: session.cookies }),
    cookie: session.cookie_header,
    aids,
  };
}

/** Stored progress per archive, read back through the API of a (restarted) server. */
async function storedProgress(url: string, cookie: string): Promise<Map<number, number>> {
  const list = (await createClient({ baseUrl: url, cookies: cookie }).history.cursor({ ps: 30 })).data!.list;
  return new Map(list.map((i) => [i.kid, i.progress]));
}

/**
 * Each worker reports progress 1, 2, 3, … for its archive, one request at a time, remembering the last
 * acknowledged value, until `stopped()` or its connection fails.
 */
function streamReports(
  viewer: BiliClient,
  aids: number[],
  cids: Map<number, number>,
  stopped: () => boolean,
) {
  const acked = new Map<number, number>();
  const workers = aids.map(async (aid) => {
    for (let progress = 1; !stopped(); progress++) {
      try {
        const body = await viewer.history.report({ aid, cid: cids.get(aid)!, progress });
        if (body.code !== 0) return;
        acked.set(aid, progress);
      } catch {
        return;
      }
    }
  });
  return { acked, done: Promise.all(workers) };
}

async function cidsOf(url: string, aids: number[]): Promise<Map<number, number>> {
  const admin = createAdminClient({ baseUrl: url, token: ADMIN_TOKEN });
  const entries = await Promise.all(
    aids.map(async (aid) => [aid, (await admin.getArchive(aid)).pages[0]!.cid]),
  );
  return new Map(entries as [number, number][]);
}

afterEach(() => {
  for (const proc of running) proc.kill('SIGKILL');
});

describe.each(dialects())('acknowledged reports survive the process (%s)', (dialect) => {
  it(
    'SIGKILL during a stream of reports: every acknowledged report is stored after restart',
    { timeout: 90_000 },
    async () => {
      const database = await createTestDatabase(dialect);
      try {
        const first = await startChild(database.target);
        const { viewer, cookie, aids } = await setup(first.url);
        const cids = await cidsOf(first.url, aids);

        let killed = false;
        const stream = streamReports(viewer, aids, cids, () => killed);
        await sleep(LOAD_MS);
        first.proc.kill('SIGKILL');
        killed = true;
        expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
        await stream.done;

        const total = [...stream.acked.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeGreaterThan(WORKERS * 5);

        const second = await startChild(database.target);
        try {
          const stored = await storedProgress(second.url, cookie);
          for (const aid of aids) {
            const acked = stream.acked.get(aid) ?? 0;
            const found = stored.get(aid) ?? 0;
            // At least the last acknowledged value; at most the one report that was in flight at the kill
            // (committed, never answered).
            expect({ aid, found: found >= acked && found <= acked + 1 }).toEqual({ aid, found: true });
          }
        } finally {
          await stop(second);
        }
      } finally {
        await database.drop();
      }
    },
  );

  it(
    'SIGTERM while reports are in flight: they are answered and stored, and the process exits 0',
    { timeout: 90_000 },
    async () => {
      const database = await createTestDatabase(dialect);
      try {
        const first = await startChild(database.target);
        const { viewer, cookie, aids } = await setup(first.url);
        const cids = await cidsOf(first.url, aids);

        let stopping = false;
        const stream = streamReports(viewer, aids, cids, () => stopping);
        await sleep(500);
        const signalled = Date.now();
        first.proc.kill('SIGTERM');
        stopping = true;
        expect(await first.exited).toEqual({ code: 0, signal: null });
        // Sockets of requests answered while closing do not hold the close for the 72-s keep-alive.
        expect(Date.now() - signalled).toBeLessThan(10_000);
        await stream.done;
        expect(stream.acked.size).toBe(WORKERS);

        const second = await startChild(database.target);
        try {
          const stored = await storedProgress(second.url, cookie);
          for (const aid of aids) {
            const acked = stream.acked.get(aid) ?? 0;
            const found = stored.get(aid) ?? 0;
            expect({ aid, found: found >= acked && found <= acked + 1 }).toEqual({ aid, found: true });
          }
        } finally {
          await stop(second);
        }
      } finally {
        await database.drop();
      }
    },
  );
});
