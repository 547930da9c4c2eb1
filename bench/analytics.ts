import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createAdminClient } from '../src/client/index.ts';
import { BUCKETS } from '../src/domain/watch-analytics.ts';
import { createDb } from '../src/store/database.ts';
import { Store } from '../src/store/store.ts';
import type { PgCluster } from '../test/support/postgres-cluster.ts';
import { freePort } from '../test/support/postgres-cluster.ts';
import {
  BROWSER_UA,
  FORM,
  OK,
  ROOT,
  WORK,
  f0,
  f2,
  f3,
  positive,
  commandLine,
  featureBenchCommand,
} from './lib/common.ts';
import type { FeatureBenchOptions } from './lib/common.ts';
import { ensureWrk, runLoad } from './lib/load.ts';
import type { RequestSpec } from './lib/load.ts';
import {
  CLOCK_TICKS,
  LOAD_CORE,
  SERVER_CORE,
  pinPid,
  settle,
  startProcess,
  treeTicks,
  waitForHttp,
} from './lib/processes.ts';
import { playerHeartbeatForm } from './lib/scenarios.ts';
import { median } from './lib/report.ts';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_ENV,
  createBenchArchives,
  createBenchDatabase,
  createBenchUsers,
  machineInfo,
  startBenchPostgres,
} from './lib/replay.ts';
import type { BenchArchive, BenchUser, ReplayNode } from './lib/replay.ts';

/**
 * What the watch analytics (issue 15) cost, in one run per database:
 * (a) `POST /x/click-interface/web/heartbeat` CPU per answer with analytics recording on and off
 *     (`REPLAY_WATCH_ANALYTICS`): two servers over two fresh databases of the same dialect, loaded in
 *     turn (on, off, on, off, …) so the machine's other load falls on both alike. Three loads: signed-in
 *     playback (sessions advancing 15 s per heartbeat), anonymous playback (devices by buvid3, each with
 *     a counted start), and signed-in heartbeats that each start a new play (the worst case for the
 *     analytics: every heartbeat a new session row, viewer row and daily row).
 * (b) the admin analytics read of an archive (`GET /admin/api/v1/archives/:aid/analytics`, 30 days, with
 *     its retention curve) for an archive with 1k recorded play sessions and one with 1M, seeded straight
 *     into the analytics tables as the watch batch would have left them: median latency and CPU per read.
 *
 * `node ./bin/run-ts.js bench/analytics.ts [--db sqlite postgres] [--runs 3] [--duration 5] [--cpu-prof dir]`.
 * Prints a markdown section. Loopback only; every loop is bounded by count and time.
 */

interface Options extends FeatureBenchOptions {
  sessions: number;
  part: string[];
  cpuProf?: string;
}

const program = featureBenchCommand(
  'analytics',
  'heartbeat CPU with watch analytics on vs off; analytics reads at 1k vs 1M play sessions',
  3,
)
  .option('--sessions <n>', 'play sessions of the big archive', positive, 1_000_000)
  .option('--part <name...>', 'heartbeat and/or read', ['heartbeat', 'read'])
  .option('--cpu-prof <dir>', 'run the heartbeat servers under --cpu-prof, profiles written to this folder');

const log = (line: string) => console.error(line);

/** A Replay server as `startReplay` starts one, with extra environment (the analytics switch). */
async function startNode(
  name: string,
  db: string,
  env: NodeJS.ProcessEnv,
  cpuProfileDir?: string,
): Promise<ReplayNode> {
  const port = await freePort();
  const server = startProcess({
    name,
    command: process.execPath,
    args: [
      '--max-semi-space-size=8',
      // The profile is written when the server exits on SIGTERM (one file per side: on, off).
      ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
      join(ROOT, 'bin', 'replay.js'),
      'serve',
      '--db',
      db,
      '--no-demo',
      '--port',
      String(port),
    ],
    env: { ...BENCH_ENV, ...env },
    cwd: ROOT,
    core: SERVER_CORE,
    logFile: join(WORK, `${name}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/x/web-interface/nav`, server);
  return { url, server, admin: createAdminClient({ baseUrl: url, token: BENCH_ADMIN_TOKEN }) };
}

interface Side {
  cpuMs: number;
  requests: number;
  rps: number;
  p50Ms: number;
  failures: number;
}

const perAnswer = (s: Side): number => (s.requests ? s.cpuMs / s.requests : NaN);

async function measure(
  wrk: string,
  url: string,
  own: () => number[],
  requests: RequestSpec[],
  durationS: number,
  connections: number,
  tag: string,
  okPrefix = OK,
  rateRps?: number,
): Promise<Side> {
  await settle(own());
  const before = treeTicks(own());
  const load = await runLoad(wrk, {
    baseUrl: url,
    requests,
    okPrefix,
    connections,
    durationS,
    tag,
    workDir: WORK,
    ...(rateRps === undefined ? {} : { rateRps }),
  });
  // The group commit's last batches and PostgreSQL's work for them belong to this run.
  await settle(own());
  const cpuMs = ((treeTicks(own()) - before) * 1000) / CLOCK_TICKS;
  if (load.failures > 0) log(`  ${tag}: ${load.failures} failures, first: ${load.firstFailure}`);
  return { cpuMs, requests: load.requests, rps: load.rps, p50Ms: load.p50Ms, failures: load.failures };
}

const browser = (cookie: string, bvid: string): Record<string, string> => ({
  Cookie: cookie,
  'User-Agent': BROWSER_UA,
  Referer: `https://www.bilibili.com/video/${bvid}`,
  Origin: 'https://www.bilibili.com',
  'Content-Type': FORM,
});

/**
 * Playback: each session's heartbeats in order, 15 s apart (a start, then playing), sessions interleaved
 * so that consecutive requests belong to different sessions as with many players. A session reports its
 * 40 × 15 s within seconds here, while the server counts at most the seconds since the session's first
 * heartbeat plus 60 (docs/api/analytics.md). So a heartbeat adds watch time and coverage only when it
 * reports more than was counted and the clock has allowed more since: past the first minute, about a
 * second per session and second of wall time (more at once after a pause, such as the other server's
 * runs). The passes wrk makes through the list keep writing some watch time and retention, but less per
 * heartbeat than real playback's 15 s.
 */
function playback(
  viewers: { cookie: string; user?: { mid: number; csrf: string } }[],
  archives: BenchArchive[],
  sessionsPer: number,
  steps: number,
): RequestSpec[] {
  const sessions: { v: (typeof viewers)[0]; a: BenchArchive; id: string }[] = [];
  viewers.forEach((v, i) => {
    for (let k = 0; k < sessionsPer; k++) {
      sessions.push({ v, a: archives[(i + k) % archives.length]!, id: randomBytes(16).toString('hex') });
    }
  });
  const out: RequestSpec[] = [];
  for (let step = 0; step < steps; step++) {
    for (const s of sessions) {
      const video = { aid: s.a.aid, cid: s.a.cids[0]!, duration: s.a.duration };
      out.push({
        method: 'POST',
        path: '/x/click-interface/web/heartbeat',
        headers: browser(s.v.cookie, s.a.bvid),
        body: playerHeartbeatForm({
          video,
          played: Math.min(step * 15, video.duration),
          session: s.id,
          playType: step === 0 ? 1 : 0,
          ...(s.v.user ? { user: s.v.user } : {}),
        }),
      });
    }
  }
  return out;
}

// --- (a) heartbeat CPU with analytics on vs off ------------------------------------------------------

interface Pair {
  label: string;
  load: string;
  on: Side[];
  off: Side[];
}

async function benchHeartbeat(
  wrk: string,
  dialect: 'sqlite' | 'postgres',
  pgCluster: { cluster: PgCluster; postmaster: number } | null,
  opts: Options,
  lines: string[],
): Promise<void> {
  const dbs = [
    await createBenchDatabase(dialect, WORK, pgCluster?.cluster.url ?? null),
    await createBenchDatabase(dialect, WORK, pgCluster?.cluster.url ?? null),
  ];
  const nodes: ReplayNode[] = [];
  try {
    nodes.push(
      await startNode(
        `analytics-on-${dialect}`,
        dbs[0]!.target,
        { REPLAY_WATCH_ANALYTICS: 'true' },
        opts.cpuProf && join(opts.cpuProf, `on-${dialect}`),
      ),
    );
    nodes.push(
      await startNode(
        `analytics-off-${dialect}`,
        dbs[1]!.target,
        { REPLAY_WATCH_ANALYTICS: 'false' },
        opts.cpuProf && join(opts.cpuProf, `off-${dialect}`),
      ),
    );
    // The same users and archives on both (same mids, same aids: fresh databases, same creation order).
    const fixtures: { users: BenchUser[]; archives: BenchArchive[] }[] = [];
    for (const node of nodes) {
      const users = await createBenchUsers(node.admin, 64);
      const archives = await createBenchArchives(node.admin, 8, users[0]!.mid, '统计');
      fixtures.push({ users, archives });
    }
    const postmaster = pgCluster?.postmaster;
    const ownOf = (node: ReplayNode) => () => [node.server.pid, ...(postmaster ? [postmaster] : [])];
    const loads = (f: (typeof fixtures)[0]): { label: string; requests: RequestSpec[] }[] => [
      {
        label: 'signed-in playback (64 users × 4 sessions, 40 heartbeats each)',
        requests: playback(
          f.users.map((u) => ({ cookie: u.cookie, user: u })),
          f.archives,
          4,
          40,
        ),
      },
      {
        // 8 devices (within the per-address cap of 10) on each of the 8 archives: every start counts.
        label: 'anonymous playback (8 devices × 8 archives, 40 heartbeats each)',
        requests: playback(
          Array.from({ length: 8 }, (_, i) => ({ cookie: `buvid3=bench-device-${i}-infoc` })),
          f.archives,
          8,
          40,
        ),
      },
      {
        label: 'signed-in, every heartbeat a new play (worst case)',
        requests: f.users.map((u, i) => {
          const a = f.archives[i % f.archives.length]!;
          return {
            method: 'POST' as const,
            path: '/x/click-interface/web/heartbeat',
            headers: browser(u.cookie, a.bvid),
            body: playerHeartbeatForm({
              video: { aid: a.aid, cid: a.cids[0]!, duration: a.duration },
              played: 30,
              session: 'n{n}',
              playType: 1,
              user: u,
            }),
          };
        }),
      },
    ];
    const pairs: Pair[] = [];
    for (let l = 0; l < 3; l++) {
      const label = loads(fixtures[0]!)[l]!.label;
      const specs = nodes.map((_, i) => loads(fixtures[i]!)[l]!.requests);
      // Warm-up of both (JIT, caches, the first pass of the sessions).
      for (let i = 0; i < 2; i++) {
        await measure(wrk, nodes[i]!.url, ownOf(nodes[i]!), specs[i]!, 2, opts.connections, `warm${l}-${i}`);
      }
      // Saturated (as many answers as each side gives), then paced: both sides offered one fixed rate
      // (60 % of what the analytics side sustained). At saturation the faster side also commits bigger
      // groups, which lowers its CPU per answer by itself; paced, both answer alike and commit alike.
      const run = async (load: string, rateRps?: number): Promise<Pair> => {
        const pair: Pair = { label, load, on: [], off: [] };
        for (let r = 0; r < opts.runs; r++) {
          for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
            const side = await measure(
              wrk,
              nodes[i]!.url,
              ownOf(nodes[i]!),
              specs[i]!,
              opts.duration,
              opts.connections,
              `${i === 0 ? 'on' : 'off'}${l}-${load.slice(0, 3)}${r}`,
              OK,
              rateRps,
            );
            (i === 0 ? pair.on : pair.off).push(side);
          }
          log(
            `  ${label}, ${load}, run ${r + 1}: on ${f3(perAnswer(pair.on[r]!))} ms/answer ${f0(pair.on[r]!.rps)} req/s; ` +
              `off ${f3(perAnswer(pair.off[r]!))} ms/answer ${f0(pair.off[r]!.rps)} req/s`,
          );
        }
        return pair;
      };
      const saturated = await run('saturated');
      pairs.push(saturated);
      const rate = 0.6 * median(saturated.on.map((x) => x.rps));
      const pair = await run(`paced ${f0(rate)} req/s`, rate);
      pairs.push(pair);
    }
    const row = (label: string, side: string, sides: Side[]) =>
      `| ${label} | ${side} | ${f3(median(sides.map(perAnswer)))} | ${sides.map((s) => f3(perAnswer(s))).join(' / ')} | ${f0(median(sides.map((s) => s.rps)))} | ${f2(median(sides.map((s) => s.p50Ms)))} | ${sides.reduce((n, s) => n + s.failures, 0)} |`;
    lines.push(
      '',
      `##### Heartbeat CPU, analytics on vs off (${opts.runs} × ${opts.duration} s per side and load, ${opts.connections} connections, alternating)`,
      '',
      '| heartbeats | load | analytics | CPU ms / answer (median) | per run | req/s | p50 ms | failures |',
      '|---|---|---|---:|---|---:|---:|---:|',
      ...pairs.flatMap((p) => [
        row(`${p.label} | ${p.load}`, 'on', p.on),
        row(`${p.label} | ${p.load}`, 'off', p.off),
      ]),
      '',
      `On / off, CPU per answer (target ≤ 1.10), medians: ${pairs
        .map(
          (p) =>
            `${p.label}, ${p.load}: **${f3(median(p.on.map(perAnswer)) / median(p.off.map(perAnswer)))}**`,
        )
        .join('; ')}. Paced rows compare one operating point (same offered rate, so alike group commits).`,
    );
  } finally {
    for (const node of nodes) await node.server.stop();
    for (const db of dbs) await db.drop();
  }
}

// --- (b) analytics read at 1k vs 1M play sessions ----------------------------------------------------

const DAYS = 30;

/**
 * `count` play sessions of one part over the last 30 days, as the watch batch would have recorded them:
 * a session row each (its covered buckets a prefix of the part), one viewer row each (every session a
 * different viewer, the most rows a read could face), and the daily and retention aggregates they add up
 * to. Written in chunks of 20 000 rows through the store's connection.
 */
async function seedSessions(store: Store, aid: number, cid: number, count: number): Promise<void> {
  const today = Math.floor(Date.now() / 86_400_000);
  const hex = (k: number) => {
    const digits = new Array<number>(BUCKETS / 4).fill(0);
    for (let b = 0; b < k; b++) digits[b >> 2]! |= 1 << (b % 4);
    return digits.map((d) => d.toString(16)).join('');
  };
  const covered = Array.from({ length: BUCKETS + 1 }, (_, k) => hex(k));
  const daily = new Map<number, { plays: number; watch: number; completed: number; kept: number }>();
  const retention = new Map<string, number>();
  const CHUNK = 20_000;
  for (let from = 0; from < count; from += CHUNK) {
    const n = Math.min(CHUNK, count - from);
    const sessions = {
      mid: new Array<number>(n),
      key: new Array<string>(n),
      day: new Array<number>(n),
      watched: new Array<number>(n),
      covered: new Array<string>(n),
      flags: new Array<number>(n),
    };
    for (let j = 0; j < n; j++) {
      const i = from + j;
      const day = today - (i % DAYS);
      // Deterministic spread: buckets watched 1..100, watch time 1 s per bucket of a 600 s part × 6.
      const k = 1 + ((i * 7919) % BUCKETS);
      const watched = k * 6;
      const d = daily.get(day) ?? { plays: 0, watch: 0, completed: 0, kept: 0 };
      d.plays++;
      d.watch += watched;
      if (k === BUCKETS) d.completed++;
      if (watched >= 3) d.kept++;
      daily.set(day, d);
      retention.set(`${day}:0`, (retention.get(`${day}:0`) ?? 0) + 1);
      if (k < BUCKETS) retention.set(`${day}:${k}`, (retention.get(`${day}:${k}`) ?? 0) - 1);
      sessions.mid[j] = 1_000_000 + i;
      sessions.key[j] = `seed-${aid}-${i}`;
      sessions.day[j] = day;
      sessions.watched[j] = watched;
      sessions.covered[j] = covered[k]!;
      sessions.flags[j] = (k === BUCKETS ? 1 : 0) | (watched >= 3 ? 2 : 0);
    }
    await store.transaction(async (tx) => {
      const rows = sessions.mid.map((mid, j) => ({
        mid,
        session_key: sessions.key[j]!,
        aid,
        cid,
        day: sessions.day[j]!,
        watched: sessions.watched[j]!,
        started: sessions.day[j]! * 86_400,
        covered: sessions.covered[j]!,
        flags: sessions.flags[j]!,
        position: 0,
      }));
      // SQLite's bound-parameter limit (32 766): 10 columns × 2 000 rows per statement.
      for (let i = 0; i < rows.length; i += 2000) {
        await tx.db
          .insertInto('analytics_sessions')
          .values(rows.slice(i, i + 2000))
          .execute();
        await tx.db
          .insertInto('analytics_viewers')
          .values(rows.slice(i, i + 2000).map((r) => ({ aid, cid, day: r.day, mid: r.mid })))
          .execute();
      }
    });
  }
  await store.transaction(async (tx) => {
    await tx.db
      .insertInto('analytics_daily')
      .values(
        [...daily].map(([day, d]) => ({
          aid,
          cid,
          day,
          plays: d.plays,
          viewers: d.plays,
          watch_time: d.watch,
          completed: d.completed,
          kept: d.kept,
        })),
      )
      .execute();
    await tx.db
      .insertInto('analytics_retention')
      .values(
        [...retention].map(([key, delta]) => {
          const [day, bucket] = key.split(':').map(Number) as [number, number];
          return { aid, cid, day, bucket, delta };
        }),
      )
      .execute();
  });
}

async function benchRead(
  wrk: string,
  dialect: 'sqlite' | 'postgres',
  pgCluster: { cluster: PgCluster; postmaster: number } | null,
  opts: Options,
  lines: string[],
): Promise<void> {
  const db = await createBenchDatabase(dialect, WORK, pgCluster?.cluster.url ?? null);
  let node: ReplayNode | null = null;
  try {
    node = await startNode(`analytics-read-${dialect}`, db.target, {});
    const users = await createBenchUsers(node.admin, 2);
    const [small, big] = await createBenchArchives(node.admin, 2, users[0]!.mid, '统计读取');
    const store = new Store(createDb(db.target, { poolSize: 2 }));
    const t0 = performance.now();
    try {
      await seedSessions(store, small!.aid, small!.cids[0]!, 1000);
      await seedSessions(store, big!.aid, big!.cids[0]!, opts.sessions);
      if (dialect === 'postgres') await sql`ANALYZE`.execute(store.db);
    } finally {
      await store.close();
    }
    log(`  seeded ${f0(opts.sessions + 1000)} play sessions in ${f0(performance.now() - t0)} ms`);
    const started = node;
    const own = () => [started.server.pid, ...(pgCluster ? [pgCluster.postmaster] : [])];
    const rows: { label: string; side: Side }[] = [];
    for (const [label, archive] of [
      ['1k', small!],
      [f0(opts.sessions), big!],
    ] as const) {
      const request: RequestSpec = {
        method: 'GET',
        path: `/admin/api/v1/archives/${archive.aid}/analytics`,
        headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      };
      const check = (await started.admin.analytics.archive(archive.aid)).totals.plays;
      log(`  ${label}: the read reports ${f0(check)} plays over 30 days`);
      await measure(wrk, started.url, own, [request], 1, 8, `read-warm-${label}`, '{"aid":');
      const sides: Side[] = [];
      for (let r = 0; r < opts.runs; r++) {
        sides.push(
          await measure(
            wrk,
            started.url,
            own,
            [request],
            Math.min(opts.duration, 3),
            8,
            `read-${label}-${r}`,
            '{"aid":',
          ),
        );
      }
      const side: Side = {
        cpuMs: 0,
        requests: median(sides.map((s) => s.requests)),
        rps: median(sides.map((s) => s.rps)),
        p50Ms: median(sides.map((s) => s.p50Ms)),
        failures: sides.reduce((n, s) => n + s.failures, 0),
      };
      side.cpuMs = median(sides.map(perAnswer)) * side.requests;
      rows.push({ label, side });
      log(`  read ${label}: ${f3(perAnswer(side))} ms/answer, p50 ${f2(side.p50Ms)} ms`);
    }
    const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
    lines.push(
      '',
      `##### Analytics read, 1k vs ${f0(opts.sessions)} recorded play sessions (${opts.runs} × ${Math.min(opts.duration, 3)} s each, 8 connections)`,
      '',
      '`GET /admin/api/v1/archives/:aid/analytics` (last 30 days, totals, days, 100-point retention curve, online now).',
      '',
      '| play sessions | CPU ms / read | p50 ms | req/s | failures |',
      '|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.label} | ${f3(perAnswer(r.side))} | ${f2(r.side.p50Ms)} | ${f0(r.side.rps)} | ${r.side.failures} |`,
      ),
      '',
      `${b.label} / 1k: CPU per read **${f2(perAnswer(b.side) / perAnswer(a.side))}**, p50 **${f2(b.side.p50Ms / a.side.p50Ms)}**.`,
    );
  } finally {
    await node?.server.stop();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const opts = program.parse(process.argv).opts<Options>();
  mkdirSync(WORK, { recursive: true });
  pinPid(process.pid, LOAD_CORE);
  const wrk = ensureWrk(log);
  const machine = machineInfo();
  const lines: string[] = [
    '### Watch analytics',
    '',
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; server (and PostgreSQL) pinned to one core, ` +
      'wrk and this script on the other. CPU is the server tree’s user+system time per answered request, ' +
      'counted until the server is idle again (the group commit’s last batches included).',
  ];
  let pg: { cluster: PgCluster; postmaster: number } | null = null;
  try {
    for (const dialect of opts.db) {
      if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`unknown --db ${dialect}`);
      if (dialect === 'postgres' && !pg) {
        pg = await startBenchPostgres();
        if (!pg) {
          log('no PostgreSQL binaries: skipping postgres');
          continue;
        }
      }
      log(`${dialect}: starting`);
      lines.push('', `#### ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
      if (opts.part.includes('heartbeat')) await benchHeartbeat(wrk, dialect, pg, opts, lines);
      if (opts.part.includes('read')) await benchRead(wrk, dialect, pg, opts, lines);
    }
  } finally {
    pg?.cluster.stop();
  }
  lines.push('', commandLine('bench/analytics.ts'));
  console.log(lines.join('\n'));
}

await main();
