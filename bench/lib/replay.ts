import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAdminClient } from '../../src/client/index.ts';
import type { AdminClient } from '../../src/client/index.ts';
import { findPgBin, freePort, startPgCluster } from '../../test/support/postgres-cluster.ts';
import type { PgCluster } from '../../test/support/postgres-cluster.ts';
import { SERVER_CORE, pinPid, processTree, startProcess, waitForHttp } from './processes.ts';
import type { ServerProcess } from './processes.ts';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Bench configuration of the server under test: comment rate limits lifted (thousands of comments a
 * second from a few hundred users is the point of the measurement), logs at warn. Everything else is
 * the production default.
 */
export const BENCH_ENV: NodeJS.ProcessEnv = {
  REPLAY_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
  REPLAY_LOG_LEVEL: 'warn',
  REPLAY_COMMENT_RATE_LIMIT_BURST: '0',
  REPLAY_COMMENT_RATE_LIMIT_HOURLY: '0',
};

/** A throwaway PostgreSQL cluster (as the tests start one), pinned to the server core. */
export async function startBenchPostgres(): Promise<{ cluster: PgCluster; postmaster: number } | null> {
  const bin = findPgBin();
  if (!bin) return null;
  const cluster = await startPgCluster(bin);
  // The postmaster is the parent of every backend; pinning it (and what it has forked so far) puts the
  // database on the same core as the Replay node: the system under test gets one core in total.
  try {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    let stat: string;
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
    } finally {
      await client.end();
    }
    const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    for (const pid of processTree(postmaster)) pinPid(pid, SERVER_CORE);
    return { cluster, postmaster };
  } catch (error) {
    cluster.stop();
    throw error;
  }
}

export interface BenchDatabase {
  dialect: 'sqlite' | 'postgres';
  target: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(
  dialect: 'sqlite' | 'postgres',
  workDir: string,
  pgAdminUrl: string | null,
): Promise<BenchDatabase> {
  const name = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (dialect === 'sqlite') {
    const file = join(workDir, `${name}.db`);
    return {
      dialect,
      target: file,
      drop: () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
        return Promise.resolve();
      },
    };
  }
  if (!pgAdminUrl) throw new Error('no PostgreSQL cluster');
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    target: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface ReplayNode {
  url: string;
  server: ServerProcess;
  admin: AdminClient;
}

/**
 * `node bin/replay.js serve --db … --no-demo --port …` pinned to the server core. `cpuProfileDir` runs it
 * under `--cpu-prof` (the profile is written when it exits on SIGTERM).
 */
export async function startReplay(options: {
  name: string;
  db: string;
  workDir: string;
  cpuProfileDir?: string;
  /** Added to BENCH_ENV (e.g. `REPLAY_TOOLKIT: 'on'`). */
  env?: NodeJS.ProcessEnv;
}): Promise<ReplayNode> {
  const port = await freePort();
  // As `npm start` and the `replay` command run the server (see bin/replay.js).
  const nodeFlags = [
    '--max-semi-space-size=8',
    '--heap-growing-percent=30',
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    // E.g. `BENCH_NODE_FLAGS=--trace-gc`: the collections of each server, in its log under bench/.work/.
    ...(process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? []),
  ];
  const server = startProcess({
    name: options.name,
    command: process.execPath,
    args: [
      ...nodeFlags,
      join(ROOT, 'bin', 'replay.js'),
      'serve',
      '--db',
      options.db,
      '--no-demo',
      '--port',
      String(port),
    ],
    env: { ...BENCH_ENV, ...(options.env ?? {}) },
    cwd: ROOT,
    core: SERVER_CORE,
    logFile: join(options.workDir, `${options.name}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/x/web-interface/nav`, server);
  return { url, server, admin: createAdminClient({ baseUrl: url, token: BENCH_ADMIN_TOKEN }) };
}

export interface BenchUser {
  mid: number;
  uname: string;
  cookie: string;
  csrf: string;
  accessKey: string;
}

export const BENCH_FIRST_MID = 10_000_001;
export const BENCH_UNAME_PREFIX = 'bench_';

/** Users with real sessions issued through the admin API (POST /users, POST /users/:mid/sessions). */
export async function createBenchUsers(admin: AdminClient, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array<BenchUser>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const mid = BENCH_FIRST_MID + i;
      const uname = `${BENCH_UNAME_PREFIX}${mid}`;
      await admin.createUser({ mid, uname, level: 1 + (i % 6), vip_type: i % 3 === 0 ? 2 : 0 });
      const session = await admin.issueSession(mid);
      users[i] = {
        mid,
        uname,
        cookie: session.cookie_header,
        csrf: session.cookies.bili_jct,
        accessKey: session.access_key,
      };
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return users;
}

export interface BenchArchive {
  aid: number;
  bvid: string;
  cids: number[];
  duration: number;
}

export async function createBenchArchives(
  admin: AdminClient,
  count: number,
  ownerMid: number,
  titlePrefix: string,
): Promise<BenchArchive[]> {
  const out: BenchArchive[] = [];
  for (let i = 0; i < count; i++) {
    const archive = await admin.createArchive({
      title: `${titlePrefix} ${i + 1}`,
      owner_mid: ownerMid,
      pages: [
        { part: 'P1', duration: 600 },
        { part: 'P2', duration: 900 },
      ],
    });
    out.push({
      aid: archive.aid,
      bvid: archive.bvid,
      cids: archive.pages.map((p) => p.cid),
      duration: 600,
    });
  }
  return out;
}

/** Node's version and the CPU model, for the report. */
export function machineInfo(): { cpu: string; cores: number; node: string; os: string; memGiB: number } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  let os = 'Linux';
  try {
    os = /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // Not every system has it.
  }
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  const mem = /^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  return {
    cpu: model,
    cores: cpus().length,
    node: process.version,
    os: `${os}, kernel ${kernel}`,
    memGiB: Math.round(Number(mem ?? 0) / 1024 / 1024),
  };
}
