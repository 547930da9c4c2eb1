import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import type { PgCluster } from '../test/support/postgres-cluster.ts';
import { freePort } from '../test/support/postgres-cluster.ts';
import { ROOT, WORK, positive } from './lib/common.ts';
import { ensureWrk, runLoad } from './lib/load.ts';
import type { RequestSpec } from './lib/load.ts';
import {
  CLOCK_TICKS,
  ForeignLoad,
  LOAD_CORE,
  PeakRss,
  SERVER_CORE,
  canPin,
  pinPid,
  settle,
  startProcess,
  treeTicks,
  waitForHttp,
} from './lib/processes.ts';
import type { ServerProcess } from './lib/processes.ts';
import { monotonicUs, summariseProfile } from './lib/profile.ts';
import { renderReport, replaceExtras, summarise } from './lib/report.ts';
import type { Measurement, ScenarioProfile, ScenarioResult, SeedRecord, TargetResult } from './lib/report.ts';
import {
  BENCH_FIRST_MID,
  BENCH_UNAME_PREFIX,
  createBenchArchives,
  createBenchDatabase,
  createBenchUsers,
  machineInfo,
  startBenchPostgres,
  startReplay,
} from './lib/replay.ts';
import type { BenchDatabase, ReplayNode } from './lib/replay.ts';
import {
  FLOOR_GET_SCENARIO,
  FLOOR_POST_SCENARIO,
  HELLO_SCENARIO,
  WALINE_LIST_PATH,
  WALINE_POST_PATH,
  replayScenarios,
  walineScenarios,
} from './lib/scenarios.ts';
import type { ReplayFixture, Scenario, SystemName } from './lib/scenarios.ts';
import { seedArea } from './lib/seed-comments.ts';
import { evaluateTargets } from './lib/targets.ts';
import { verifySeed } from './lib/verify-seed.ts';
import type { SeededArea } from './lib/seed-comments.ts';
import { findExtras, runExtra } from './lib/extras.ts';
import type { ExtraSection } from './lib/extras.ts';
import { ensureWaline, startWaline } from './lib/waline.ts';
import type { WalineNode } from './lib/waline.ts';

/**
 * `npm run bench`: Replay on SQLite and PostgreSQL against a bare Fastify hello-world (the ceiling), the
 * floor (the least a Fastify server of Bilibili's form-and-cookie API does) and Waline (a peer), measured
 * in one run, written to BENCHMARKS.md. See README's "Benchmarks" and the
 * report itself for the method.
 */

const PEERS = join(ROOT, 'bench', '.peers');

interface Options {
  quick: boolean;
  scenario: string[];
  runs?: number;
  duration?: number;
  connections: number;
  profile: boolean;
  cpuProf?: string[];
  out?: string;
  extras?: string[] | boolean;
  extrasOnly: boolean;
  serverEnv: string[];
}

const program = new Command('bench')
  .description('Load benchmarks of Replay against a Fastify hello-world and Waline; writes BENCHMARKS.md')
  .option('--quick', 'smoke run: 1 run of 1 s per scenario, areas of 1k and 10k comments', false)
  .option(
    '--scenario <id...>',
    'only scenarios whose id contains one of these (e.g. sqlite/heartbeat, reply-page1, waline)',
  )
  .option('--runs <n>', 'measured runs per scenario (median reported)', positive)
  .option('--duration <s>', 'seconds per measured run', positive)
  .option('--connections <n>', 'concurrent connections', positive, 64)
  .option('--no-profile', 'do not profile the scenarios behind missed targets')
  .option('--cpu-prof <id...>', 'also profile these scenarios (ids containing one of these)')
  .option('--out <file>', 'report file (default BENCHMARKS.md for a full run, bench/.work/ otherwise)')
  .option(
    '--server-env <KEY=VALUE...>',
    "settings for the Replay nodes of the scenarios (not the feature benches), e.g. REPLAY_PG_PREPARED_STATEMENTS=0 for one side of an A/B; the report's method names them, values included",
    [],
  )
  .option(
    '--extras [name...]',
    'after the scenarios, also run the standalone feature benches (bench/analytics.ts, bench/message-center.ts, bench/toolkit.ts; all present, or those named) and append their sections',
  )
  .option(
    '--extras-only',
    'run only the feature benches (all present, or those named by --extras) and put their sections into the existing report (BENCHMARKS.md or --out) in place of the previous ones',
    false,
  );

const log = (line: string) => console.log(line);

function progressBar(label: string): (done: number, total: number) => void {
  let lastShown = -1;
  return (done, total) => {
    const share = total ? done / total : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const text = `  seeding ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)} % ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${text}${done >= total ? '\n' : ''}`);
    } else {
      const step = Math.floor(share * 4);
      if (step !== lastShown || done >= total) log(text);
      lastShown = step;
    }
  };
}

/** A `{n}`-free copy of a request for the probe, sent with fetch. */
async function send(baseUrl: string, spec: RequestSpec): Promise<{ status: number; body: string }> {
  const token = `probe${Math.random().toString(36).slice(2, 8)}`;
  const response = await fetch(baseUrl + spec.path.replaceAll('{n}', token), {
    method: spec.method,
    headers: spec.headers ?? {},
    ...(spec.body === undefined ? {} : { body: spec.body.replaceAll('{n}', token) }),
  });
  return { status: response.status, body: await response.text() };
}

interface ReplaySystem {
  dialect: 'sqlite' | 'postgres';
  database: BenchDatabase;
  node: ReplayNode;
  fixture: ReplayFixture;
}

/** Fixtures through the admin API, then the bulk seed straight into the (stopped) server's database. */
async function prepareReplay(
  dialect: 'sqlite' | 'postgres',
  pg: PgCluster | null,
  sizes: readonly { label: string; total: number }[],
  userCount: number,
  archiveCount: number,
  seeds: SeedRecord[],
): Promise<ReplaySystem> {
  log(`[${dialect}] creating the database, users with sessions, videos and comment areas`);
  const database = await createBenchDatabase(dialect, WORK, pg?.url ?? null);
  let node: ReplayNode | null = null;
  try {
    node = await startReplay({
      name: `replay-${dialect}-setup`,
      db: database.target,
      workDir: WORK,
      env: serverEnv,
    });
    const users = await createBenchUsers(node.admin, userCount);
    const owner = users[0]!.mid;
    const archives = await createBenchArchives(node.admin, archiveCount, owner, 'bench video');
    const areaArchives = await createBenchArchives(node.admin, sizes.length + 1, owner, 'bench comment area');
    await node.server.stop();

    const authors = { firstMid: BENCH_FIRST_MID, count: userCount, unamePrefix: BENCH_UNAME_PREFIX };
    const seedOne = async (label: string, oid: number, total: number): Promise<SeededArea> => {
      const started = performance.now();
      const area = await seedArea(
        { dialect, target: database.target },
        { type: 1, oid },
        total,
        authors,
        Math.floor(Date.now() / 1000),
        progressBar(`${dialect} ${label}`),
      );
      seeds.push({ system: dialect, label, comments: total, seconds: (performance.now() - started) / 1000 });
      return area;
    };
    const areas: ReplayFixture['areas'] = [];
    for (const [i, size] of sizes.entries()) {
      areas.push({ label: size.label, area: await seedOne(size.label, areaArchives[i]!.aid, size.total) });
    }
    const writeArea = await seedOne('write area', areaArchives[sizes.length]!.aid, 1000);

    node = await startReplay({
      name: `replay-${dialect}`,
      db: database.target,
      workDir: WORK,
      env: serverEnv,
    });
    const nav = (await (
      await fetch(`${node.url}/x/web-interface/nav`, { headers: { cookie: users[0]!.cookie } })
    ).json()) as { data?: { wbi_img?: { img_url: string; sub_url: string } } };
    const stem = (url: string) => url.slice(url.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
    const img = nav.data?.wbi_img;
    if (!img) throw new Error(`[${dialect}] nav gave no wbi_img`);
    const fixture: ReplayFixture = {
      users,
      archives,
      areas,
      writeArea,
      wbi: { imgKey: stem(img.img_url), subKey: stem(img.sub_url) },
    };
    for (const { label, area } of areas) {
      const read = await verifySeed(node.url, users[1]!.cookie, area);
      if (read === 'missing') {
        log(`[${dialect}] /x/v2/reply is not in this build: the seeded areas are not read back`);
        break;
      }
      if (read.length)
        throw new Error(`[${dialect}] the ${label} seed reads back wrong:\n  ${read.join('\n  ')}`);
      log(
        `[${dialect}] ${label} area read back through the API: ${area.roots} roots, ${area.total} comments, thread of ${area.busyReplies} ✓`,
      );
    }
    return { dialect, database, node, fixture };
  } catch (error) {
    await node?.server.stop();
    await database.drop();
    throw error;
  }
}

/** Stops what the run started (servers, databases, the PostgreSQL cluster), newest first. */
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      console.error(error);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers and the PostgreSQL cluster`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** The feature benches asked for (`true`: all present), run one after another. */
async function runExtras(wanted: string[] | true): Promise<ExtraSection[]> {
  const { present, missing } = findExtras(ROOT, wanted === true ? [] : wanted);
  for (const name of missing) log(`extra bench/${name}.ts is not in this checkout: skipped`);
  const sections: ExtraSection[] = [];
  for (const name of present) {
    log(`extra: bench/${name}.ts`);
    const section = await runExtra(ROOT, name, log);
    log(`  [${name}] ${section.ok ? 'done' : 'FAILED'} in ${Math.round(section.seconds)} s`);
    sections.push(section);
  }
  return sections;
}

/** `--server-env`: added to the environment of every Replay node this run starts. */
let serverEnv: NodeJS.ProcessEnv = {};

function parseServerEnv(pairs: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--server-env: expected KEY=VALUE, got ${JSON.stringify(pair)}`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

async function main(): Promise<void> {
  const opts = program.parse(process.argv).opts<Options>();
  serverEnv = parseServerEnv(opts.serverEnv);
  if (opts.extrasOnly) {
    const out = opts.out ?? join(ROOT, 'BENCHMARKS.md');
    const sections = await runExtras(opts.extras === undefined || opts.extras === false ? true : opts.extras);
    if (!sections.length)
      throw new Error('no feature bench found (bench/analytics.ts, message-center.ts, toolkit.ts)');
    writeFileSync(out, replaceExtras(existsSync(out) ? readFileSync(out, 'utf8') : '', sections));
    log(
      `feature bench sections (${sections.map((x) => x.name).join(', ')}) written to ${relative(process.cwd(), out)}`,
    );
    return;
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  mkdirSync(WORK, { recursive: true });
  pinPid(process.pid, LOAD_CORE);

  const quick = opts.quick;
  const runs = opts.runs ?? (quick ? 1 : 3);
  const durationS = opts.duration ?? (quick ? 1 : 5);
  const warmupS = 1;
  const connections = opts.connections;
  const sizes = quick
    ? [
        { label: '1k', total: 1_000 },
        { label: '10k', total: 10_000 },
      ]
    : [
        { label: '1k', total: 1_000 },
        { label: '100k', total: 100_000 },
        { label: '1m', total: 1_000_000 },
      ];
  const partial =
    quick || (opts.scenario?.length ?? 0) > 0 || opts.runs !== undefined || opts.duration !== undefined;
  const out = opts.out ?? (partial ? join(WORK, 'BENCHMARKS.partial.md') : join(ROOT, 'BENCHMARKS.md'));
  const wrk = ensureWrk(log);
  const machine = machineInfo();
  log(
    `bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${runs} run(s) × ${durationS} s, ${connections} connections${canPin() ? `, servers on core ${SERVER_CORE}, load on core ${LOAD_CORE}` : ', NOT pinned (taskset or a second core missing)'}`,
  );

  // Replay runs as `npm start` runs it: the compiled JavaScript in dist/ (bin/replay.js falls back to the
  // TypeScript sources through tsx when dist/ is stale, which costs ~50 MB of RSS for tsx's loader thread).
  const buildScript = join(ROOT, 'bin', 'build-server.js');
  if (existsSync(buildScript)) {
    log('building the server into dist/ (bin/build-server.js, as `npm start` does)');
    const built = spawnSync(process.execPath, [buildScript], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('bin/build-server.js failed: the server could not be built');
  }

  // The scenario list, then the systems it needs.
  const fixtures = new Map<'sqlite' | 'postgres', ReplayFixture>();
  const fixtureOf = (d: 'sqlite' | 'postgres') => () => {
    const f = fixtures.get(d);
    if (!f) throw new Error(`${d} fixture not ready`);
    return f;
  };
  const labels = sizes.map((s) => s.label);
  const all: Scenario[] = [
    HELLO_SCENARIO,
    FLOOR_POST_SCENARIO,
    FLOOR_GET_SCENARIO,
    ...walineScenarios(),
    ...replayScenarios('sqlite', labels, fixtureOf('sqlite')),
    ...replayScenarios('postgres', labels, fixtureOf('postgres')),
  ];
  const wanted = opts.scenario ?? [];
  // The references are always measured: every ratio of the report is taken within one run.
  const reference = (s: Scenario) => s.system === 'hello' || s.system === 'floor';
  const selected = all.filter(
    (s) => reference(s) || wanted.length === 0 || wanted.some((w) => s.id.includes(w)),
  );
  const systems = new Set<SystemName>(selected.map((s) => s.system));
  if (selected.every(reference))
    throw new Error(`no scenario matches ${wanted.join(', ')}; ids: ${all.map((s) => s.id).join(', ')}`);

  const seeds: SeedRecord[] = [];
  const urls = new Map<SystemName, string>();
  const processes = new Map<SystemName, ServerProcess>();
  const replay = new Map<'sqlite' | 'postgres', ReplaySystem>();
  let pg: PgCluster | null = null;
  let postmaster = 0;
  let waline: WalineNode | null = null;
  const results: ScenarioResult[] = selected.map((scenario) => ({ scenario, runs: [] }));
  const targets: TargetResult[] = [];
  const profiles: ScenarioProfile[] = [];

  try {
    const helloPort = await freePort();
    const hello = startProcess({
      name: 'hello-world',
      command: process.execPath,
      args: [
        join(ROOT, 'bin', 'run-ts.js'),
        join(ROOT, 'bench', 'servers', 'hello-world.ts'),
        String(helloPort),
      ],
      core: SERVER_CORE,
      logFile: join(WORK, 'hello-world.log'),
    });
    cleanups.push(() => hello.stop());
    urls.set('hello', `http://127.0.0.1:${helloPort}`);
    processes.set('hello', hello);
    await waitForHttp(`${urls.get('hello')}/`, hello);

    const floorPort = await freePort();
    const floor = startProcess({
      name: 'floor',
      command: process.execPath,
      args: [join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'bench', 'servers', 'floor.ts'), String(floorPort)],
      core: SERVER_CORE,
      logFile: join(WORK, 'floor.log'),
    });
    cleanups.push(() => floor.stop());
    urls.set('floor', `http://127.0.0.1:${floorPort}`);
    processes.set('floor', floor);
    await waitForHttp(`${urls.get('floor')}/x/web-interface/nav`, floor);

    if (systems.has('waline')) {
      ensureWaline(PEERS, log);
      log('[waline] starting (SQLite storage, Akismet off, OAuth list from a loopback stub)');
      const w = await startWaline({
        peersDir: PEERS,
        workDir: WORK,
        listPath: WALINE_LIST_PATH,
        listSize: 1000,
        postPath: WALINE_POST_PATH,
      });
      waline = w;
      cleanups.push(() => w.stop());
      urls.set('waline', w.url);
      processes.set('waline', w.server);
    }

    if (systems.has('postgres')) {
      const started = await startBenchPostgres();
      pg = started?.cluster ?? null;
      if (started) postmaster = started.postmaster;
      if (!pg) {
        log(
          '[postgres] PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): PostgreSQL scenarios skipped',
        );
        for (const r of results) if (r.scenario.system === 'postgres') r.skipped = 'PostgreSQL not installed';
        systems.delete('postgres');
      } else {
        const cluster = pg;
        cleanups.push(() => Promise.resolve(cluster.stop()));
      }
    }
    for (const dialect of ['sqlite', 'postgres'] as const) {
      if (!systems.has(dialect)) continue;
      const users = quick ? 100 : 500;
      const system = await prepareReplay(dialect, pg, sizes, users, quick ? 8 : 64, seeds);
      cleanups.unshift(async () => {
        await (replay.get(dialect)?.node.server.stop() ?? Promise.resolve());
        await system.database.drop();
      });
      replay.set(dialect, system);
      fixtures.set(dialect, system.fixture);
      urls.set(dialect, system.node.url);
      processes.set(dialect, system.node.server);
    }

    // Probe: each scenario's first requests must succeed, or it is skipped with the answer as the reason.
    for (const result of results) {
      if (result.skipped) continue;
      const base = urls.get(result.scenario.system)!;
      const specs = result.scenario.build().slice(0, 4);
      for (const spec of specs) {
        const answer = await send(base, spec);
        if (answer.status === 404) {
          result.skipped = `${spec.method} ${spec.path.split('?')[0]} is not in this build (HTTP 404)`;
          break;
        }
        if (answer.status !== 200 || !answer.body.startsWith(result.scenario.okPrefix)) {
          result.skipped = `probe answered HTTP ${answer.status}: ${answer.body.slice(0, 160)}`;
          break;
        }
      }
      if (result.skipped) log(`  ${result.scenario.id}: SKIPPED (${result.skipped})`);
    }
    const active = results.filter((r) => !r.skipped);

    const measure = async (
      result: ScenarioResult,
      seconds: number,
      tag: string,
      conns = connections,
    ): Promise<Measurement> => {
      if (result.scenario.system === 'waline') waline?.prunePosts();
      const profiling = profileTarget.get(result.scenario.system);
      const server = profiling?.server ?? processes.get(result.scenario.system)!;
      const rss = new PeakRss([server.pid]);
      const foreign = new ForeignLoad(SERVER_CORE, () =>
        [...processes.values(), ...(profiling ? [profiling.server] : [])]
          .map((p) => p.pid)
          .concat(postmaster ? [postmaster] : []),
      );
      // The system's own CPU time per answer: it moves much less than req/s when other work shares the machine.
      const own = [server.pid, ...(result.scenario.system === 'postgres' && postmaster ? [postmaster] : [])];
      const ticksBefore = treeTicks(own);
      rss.start();
      foreign.begin();
      const load = await runLoad(wrk, {
        baseUrl: profiling?.url ?? urls.get(result.scenario.system)!,
        requests: result.scenario.build(),
        okPrefix: result.scenario.okPrefix,
        connections: conns,
        durationS: seconds,
        tag,
        workDir: WORK,
      });
      const cpuMs = ((treeTicks(own) - ticksBefore) * 1000) / CLOCK_TICKS;
      // The answers still queued when wrk stopped are not counted, and must not run into the next scenario.
      await settle(own);
      return {
        ...load,
        rssMb: rss.stop(),
        foreign: foreign.end(),
        cpuMsPerAnswer: load.requests ? cpuMs / load.requests : NaN,
      };
    };
    const tagBase = Date.now().toString(36);

    log(`warming up ${active.length} scenarios (${warmupS} s each)`);
    for (const [i, result] of active.entries()) await measure(result, warmupS, `${tagBase}w${i}`);

    const total = active.length * runs;
    let step = 0;
    for (let round = 1; round <= runs; round++) {
      for (const [i, result] of active.entries()) {
        const m = await measure(result, durationS, `${tagBase}r${round}s${i}`);
        result.runs.push(m);
        step++;
        log(
          `[${String(step).padStart(String(total).length)}/${total}] ${result.scenario.id.padEnd(28)} run ${round}/${runs}  ${Math.round(m.rps).toLocaleString('en-US').padStart(7)} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms  CPU ${m.cpuMsPerAnswer.toFixed(3)} ms/answer  RSS ${Math.round(m.rssMb)} MB  other load ${Math.round(m.foreign * 100)} %${m.failures ? `  ERRORS ${m.failures}: ${m.firstFailure.slice(0, 120)}` : ''}`,
        );
      }
    }

    // The p99 target compares areas by the latency of a request itself: one connection, round-robin.
    const probes = active.filter((r) => r.scenario.id.includes('/reply-page1-'));
    if (probes.length) log(`latency one request at a time: ${probes.length} scenarios × ${runs} runs`);
    for (let round = 1; round <= runs; round++) {
      for (const [i, result] of probes.entries()) {
        const m = await measure(result, durationS, `${tagBase}l${round}s${i}`, 1);
        (result.latencyRuns ??= []).push(m);
        log(
          `  ${result.scenario.id.padEnd(28)} run ${round}/${runs}  one at a time: ${Math.round(m.rps).toLocaleString('en-US')} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms${m.failures ? `  ERRORS ${m.failures}` : ''}`,
        );
      }
    }

    targets.push(
      ...evaluateTargets(
        results,
        sizes.map((s) => s.label),
        connections,
      ),
    );

    // One profile per scenario: those behind missed targets, and those asked for.
    const reasons = new Map<string, string[]>();
    const want = (id: string, reason: string) => reasons.set(id, [...(reasons.get(id) ?? []), reason]);
    if (opts.profile)
      for (const t of targets) if (t.met === false && t.profileOf) want(t.profileOf, `missed “${t.name}”`);
    for (const r of active)
      if ((opts.cpuProf ?? []).some((w) => r.scenario.id.includes(w))) want(r.scenario.id, 'requested');
    for (const [id, why] of reasons) {
      const result = results.find((r) => r.scenario.id === id);
      const system = result ? replay.get(result.scenario.system as 'sqlite' | 'postgres') : undefined;
      if (!result || !system) continue;
      log(`profiling ${id} (${why.join('; ')})`);
      const found = await profileScenario(system, result, measure, durationS, `${tagBase}p`);
      if (found) profiles.push({ scenarioId: id, reasons: why, ...found });
      processes.set(system.dialect, system.node.server);
      urls.set(system.dialect, system.node.url);
    }
  } finally {
    await cleanUp();
  }

  // Sources edited during the run make dist/ stale, and bin/replay.js then starts later nodes from the
  // sources through tsx: the report says so rather than mixing the two silently.
  const distStale =
    existsSync(buildScript) &&
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('./bin/build-state.js'); process.exit(m.serverBuildUpToDate() ? 0 : 1);",
      ],
      { cwd: ROOT },
    ).status !== 0;
  if (distStale)
    log('WARNING: the sources changed during the run; nodes started after that ran them through tsx');

  const extras = opts.extras ? await runExtras(opts.extras) : [];

  const ratioRefs = new Map<string, { label: string; rps: number; cpuMs: number }[]>();
  const refOf = (id: string, label: string) => {
    const r = results.find((x) => x.scenario.id === id);
    const s = r ? summarise(r) : null;
    return { label, rps: s?.rps ?? NaN, cpuMs: s?.cpuMs ?? NaN };
  };
  for (const r of results) {
    if (r.scenario.id.endsWith('/reply-add'))
      ratioRefs.set(r.scenario.id, [refOf('waline/comment-post', 'Waline POST')]);
    if (r.scenario.id.includes('/reply-page1-'))
      ratioRefs.set(r.scenario.id, [refOf('waline/comment-list', 'Waline list')]);
  }

  const findingsFile = join(ROOT, 'bench', 'findings.md');
  const report = renderReport(
    {
      machine,
      pinning: canPin()
        ? `the server under test (the Replay node and, for PostgreSQL, the whole database cluster; or the reference server) on core ${SERVER_CORE}; wrk and this orchestrator on core ${LOAD_CORE} (\`taskset\`).`
        : 'none (taskset or a second core is missing): figures are not comparable with pinned runs.',
      command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      settings: { runs, durationS, warmupS, connections },
      startedAt,
      elapsedS: (performance.now() - t0) / 1000,
      loadBefore,
      loadAfter: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
      serverCommands: [
        `taskset -c ${SERVER_CORE} node --max-semi-space-size=8 --heap-growing-percent=30 bin/replay.js serve --db <file|postgres://…> --no-demo --port <p>` +
          (distStale
            ? ' (dist/ compiled by bin/build-server.js at the start of the run, as `npm start` does; **the sources changed during the run, so nodes started after that ran them through tsx**)'
            : ' (running dist/, compiled by bin/build-server.js at the start of the run, as `npm start` does)') +
          ` with REPLAY_ADMIN_TOKEN, REPLAY_LOG_LEVEL=warn, REPLAY_COMMENT_RATE_LIMIT_BURST=0, REPLAY_COMMENT_RATE_LIMIT_HOURLY=0${Object.entries(
            serverEnv,
          )
            .map(([k, v]) => `, ${k}=${v}`)
            .join('')}` +
          " (SQLite: its default synchronous=FULL, WAL; PostgreSQL: the test suite's throwaway cluster, fsync=off)",
        `taskset -c ${SERVER_CORE} node bin/run-ts.js bench/servers/hello-world.ts <p>`,
        `taskset -c ${SERVER_CORE} node bin/run-ts.js bench/servers/floor.ts <p>`,
        `taskset -c ${SERVER_CORE} node vanilla.js <p> in bench/.peers/node_modules/@waline/vercel with SQLITE_PATH=…, AKISMET_KEY=false, OAUTH_URL=<loopback stub>, IPQPS=0`,
      ],
      loadCommand: `taskset -c ${LOAD_CORE} wrk -t1 -c${connections} -d${durationS}s --timeout 10s -s bench/.work/load-<tag>.lua <url> -- <tag>`,
      seeds,
      results,
      targets,
      profiles,
      findings: existsSync(findingsFile) && !partial ? readFileSync(findingsFile, 'utf8') : '',
      extras,
      partial,
    },
    ratioRefs,
  );
  writeFileSync(out, report);
  log('');
  for (const t of targets)
    log(
      `target ${t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.measured} (goal ${t.goal})`,
    );
  log(`report written to ${relative(process.cwd(), out)} (${Math.round((performance.now() - t0) / 1000)} s)`);
}

/**
 * Runs one scenario against a fresh node under `node --cpu-prof` and summarises the main thread's
 * profile (tsx's loader thread writes a second, irrelevant one). The regular node is restarted after.
 */
async function profileScenario(
  system: ReplaySystem,
  result: ScenarioResult,
  measure: (result: ScenarioResult, seconds: number, tag: string) => Promise<Measurement>,
  durationS: number,
  tag: string,
): Promise<{ profile: ReturnType<typeof summariseProfile>; file: string } | null> {
  const dir = join(WORK, 'profiles', result.scenario.id.replace('/', '-'));
  const window = { fromUs: 0, toUs: 0 };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await system.node.server.stop();
  try {
    system.node = await startReplay({
      name: `replay-${system.dialect}-profile`,
      db: system.database.target,
      workDir: WORK,
      cpuProfileDir: dir,
      env: serverEnv,
    });
    profileTarget.set(system.dialect, system.node);
    // A short warm-up first (JIT, caches), left out of the summary like the start-up.
    await measure(result, 1, `${tag}w${result.scenario.id.replace(/\W/g, '')}`);
    window.fromUs = monotonicUs();
    await measure(result, durationS, `${tag}${result.scenario.id.replace(/\W/g, '')}`);
    window.toUs = monotonicUs();
  } finally {
    // SIGTERM: the profile is written as the process exits.
    await system.node.server.stop();
    profileTarget.delete(system.dialect);
    system.node = await startReplay({
      name: `replay-${system.dialect}`,
      db: system.database.target,
      workDir: WORK,
      env: serverEnv,
    });
  }
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread.
  const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  return file && window.toUs
    ? { profile: summariseProfile(join(dir, file), window), file: relative(ROOT, join(dir, file)) }
    : null;
}

/** While a scenario is profiled, its system's load goes to the profiled node. */
const profileTarget = new Map<string, ReplayNode>();

await main();
