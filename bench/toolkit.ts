import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PgCluster } from '../test/support/postgres-cluster.ts';
import { OK, WORK, f0, f2, f3, positive, commandLine, featureBenchCommand } from './lib/common.ts';
import type { FeatureBenchOptions } from './lib/common.ts';
import { measureAtOnce } from './lib/at-once.ts';
import { ensureWrk, runLoad } from './lib/load.ts';
import type { RequestSpec } from './lib/load.ts';
import { CLOCK_TICKS, LOAD_CORE, pinPid, processTree, settle, treeTicks } from './lib/processes.ts';
import { median } from './lib/report.ts';
import {
  createBenchArchives,
  createBenchDatabase,
  createBenchUsers,
  machineInfo,
  startBenchPostgres,
  startReplay,
} from './lib/replay.ts';
import type { BenchDatabase, ReplayNode } from './lib/replay.ts';
import { benchHeartbeats } from './lib/scenarios.ts';

/**
 * The toolkit's cost on the hot path (issue 13): `POST /x/click-interface/web/heartbeat` on a server with
 * the toolkit off (no toolkit hook exists) and on one with it on — the request journal recording every
 * request and two fault rules configured that do not match the heartbeat (one checked on arrival, by
 * path; one after authentication, by user) — in the same run. Both servers run at once over their own
 * database, seeded alike. On SQLite each measured run loads both at once over the same seconds (they share
 * the server core), so the machine's other load, which comes and goes within seconds here, falls on both
 * sides of every pair alike: in an A/A control the pairs agreed within 6 %, where alternating runs
 * (`--alternate`: off, on, then on, off, …) moved by up to 40 % in the same hour. On PostgreSQL both
 * databases live in one cluster, whose CPU could not be told apart between the servers, so its runs
 * alternate. CPU is the server tree's (and PostgreSQL's) user+system time per answer, from the start of
 * a run until the server is idle again. The bound: on ≤ off × 1.05.
 *
 * `--load paced` (or `--load saturated paced`) offers both servers one rate instead, 60 % of what the on
 * server sustained saturated: saturated, the dearer server answers fewer heartbeats per group commit, which
 * could raise its CPU per answer by more than its own work. At `e85d6ce` both loads gave the same ratio
 * (mean 1.041 ± 0.009 saturated, 1.043 ± 0.008 paced, paced then by a fixed pause after each answer;
 * now by a fixed schedule, bench/lib/load.ts), so the default is the shorter, saturated one.
 *
 * `node ./bin/run-ts.js bench/toolkit.ts [--db sqlite,postgres] [--runs 15] [--duration 5] [--alternate]
 *   [--load saturated paced]`.
 * Prints a markdown section. Loopback only; every loop is bounded by count and time.
 */

const HEARTBEAT = '/x/click-interface/web/heartbeat';
/** The bound on the toolkit's extra CPU per heartbeat. */
const BOUND = 1.05;

interface Options extends FeatureBenchOptions {
  control: boolean;
  load: string[];
  alternate: boolean;
  journalSize?: number;
  cpuProf?: string;
}

const program = featureBenchCommand(
  'toolkit',
  'heartbeat CPU per answer: toolkit off vs on (journal recording, non-matching fault rules)',
  // Fifteen pairs: with five, one noisy pair moved the median ratio by 0.02, the bound's whole margin.
  15,
)
  .option(
    '--journal-size <n>',
    'REPLAY_TOOLKIT_JOURNAL_SIZE of the on server (default: the default, 1000)',
    positive,
  )
  .option(
    '--load <kind...>',
    'saturated (as many answers as each server gives) and/or paced (both offered one rate)',
    ['saturated'],
  )
  .option('--control', 'A/A control: the "on" server runs with the toolkit off too (the noise floor)', false)
  .option('--alternate', 'measure the servers one after the other (off, on, on, off, …), each alone', false)
  .option('--cpu-prof <dir>', 'run both servers under --cpu-prof, profiles written to this folder');

const log = (line: string) => console.error(line);

interface Side {
  name: 'off' | 'on';
  node: ReplayNode;
  database: BenchDatabase;
  requests: RequestSpec[];
  /** Heartbeats answered over the whole life of the server, warm-up included (the profile's span). */
  answered: number;
}

interface Run {
  cpuMs: number;
  requests: number;
  rps: number;
  p50Ms: number;
  failures: number;
}

async function measure(
  wrk: string,
  side: Side,
  own: () => number[],
  durationS: number,
  connections: number,
  tag: string,
  rateRps?: number,
): Promise<Run> {
  const before = treeTicks(own());
  const load = await runLoad(wrk, {
    baseUrl: side.node.url,
    requests: side.requests,
    okPrefix: OK,
    connections,
    durationS,
    tag,
    workDir: WORK,
    ...(rateRps === undefined ? {} : { rateRps }),
  });
  // The heartbeat's batched writes land after the load: counted until the tree is idle again.
  await settle(own());
  const cpuMs = ((treeTicks(own()) - before) * 1000) / CLOCK_TICKS;
  if (load.failures > 0) log(`  ${tag}: ${load.failures} failures, first: ${load.firstFailure}`);
  return { cpuMs, requests: load.requests, rps: load.rps, p50Ms: load.p50Ms, failures: load.failures };
}

/** Both servers under load at once over the same seconds (`measureAtOnce`). */
async function measureTogether(
  wrk: string,
  sides: readonly Side[],
  own: (side: Side) => () => number[],
  durationS: number,
  connections: number,
  tag: string,
  rateRps?: number,
): Promise<Run[]> {
  const results = await measureAtOnce(
    wrk,
    sides.map((side) => ({
      own: own(side),
      load: {
        baseUrl: side.node.url,
        requests: side.requests,
        okPrefix: OK,
        connections,
        durationS,
        tag: `${side.name}-${tag}`,
        workDir: WORK,
        ...(rateRps === undefined ? {} : { rateRps }),
      },
    })),
  );
  return sides.map((side, i) => {
    const r = results[i]!;
    if (r.failures > 0) log(`  ${side.name}-${tag}: ${r.failures} failures, first: ${r.firstFailure}`);
    return { cpuMs: r.cpuMs, requests: r.requests, rps: r.rps, p50Ms: r.p50Ms, failures: r.failures };
  });
}

/** Both servers measured at once: unless asked not to, or on PostgreSQL, whose one cluster serves both. */
function together(opts: Options, dialect: 'sqlite' | 'postgres'): boolean {
  return !opts.alternate && dialect === 'sqlite';
}

const perAnswer = (r: Run) => (r.requests ? r.cpuMs / r.requests : NaN);

async function startSide(
  name: 'off' | 'on',
  dialect: 'sqlite' | 'postgres',
  pgUrl: string | null,
  opts: Options,
): Promise<Side> {
  const database = await createBenchDatabase(dialect, WORK, pgUrl);
  const node = await startReplay({
    name: `toolkit-${name}-${dialect}`,
    db: database.target,
    workDir: WORK,
    env:
      name === 'on' && !opts.control
        ? {
            REPLAY_TOOLKIT: 'on',
            ...(opts.journalSize ? { REPLAY_TOOLKIT_JOURNAL_SIZE: String(opts.journalSize) } : {}),
          }
        : { REPLAY_TOOLKIT: 'off' },
    ...(opts.cpuProf ? { cpuProfileDir: opts.cpuProf } : {}),
  });
  const users = await createBenchUsers(node.admin, 64);
  const archives = await createBenchArchives(node.admin, 4, users[0]!.mid, '工具箱');
  return { name, node, database, requests: benchHeartbeats(users, archives), answered: 0 };
}

async function benchDialect(
  wrk: string,
  dialect: 'sqlite' | 'postgres',
  pg: { cluster: PgCluster; postmaster: number } | null,
  opts: Options,
  lines: string[],
): Promise<void> {
  const sides: Side[] = [];
  try {
    for (const name of ['off', 'on'] as const) {
      log(`${dialect}: starting the toolkit-${name} server`);
      sides.push(await startSide(name, dialect, pg?.cluster.url ?? null, opts));
    }
    const [off, on] = sides as [Side, Side];
    // Both fault rules are checked on every heartbeat and match none: the arrival rule differs in its
    // path, the after-authentication rule in its user (a mid no bench user has).
    const rules = opts.control
      ? []
      : [
          await on.node.admin.faults.add({ method: 'POST', path: '/x/v2/reply/**', code: -412 }),
          await on.node.admin.faults.add({ path: '/x/click-interface/**', mid: 1, code: -352 }),
        ];
    const own = (side: Side) => () => [
      ...processTree(side.node.server.pid),
      ...(dialect === 'postgres' && pg ? processTree(pg.postmaster) : []),
    ];
    // Warm-up: the JIT, SQLite's page cache and the first batches, on both sides alike.
    for (let w = 0; w < 2; w++)
      for (const side of sides)
        side.answered += (
          await measure(wrk, side, own(side), 3, opts.connections, `warm-${side.name}`)
        ).requests;

    /**
     * The measured pairs under one load. Saturated, the two servers share the core as the scheduler
     * splits it, so the dearer one answers fewer heartbeats, commits smaller groups and pays each group's
     * fixed cost over fewer answers: its CPU per answer rises by more than its own work per request.
     * Paced, both are offered one rate (60 % of what the on server sustained saturated), commit alike,
     * and differ only by what the toolkit does per request: the like-for-like figure the bound is held to.
     */
    const measureRuns = async (load: string, rateRps?: number): Promise<Record<'off' | 'on', Run[]>> => {
      const runs: Record<'off' | 'on', Run[]> = { off: [], on: [] };
      for (let r = 0; r < opts.runs; r++) {
        const tag = `${load.slice(0, 3)}${r}`;
        if (together(opts, dialect)) {
          const pair = await measureTogether(wrk, sides, own, opts.duration, opts.connections, tag, rateRps);
          sides.forEach((side, i) => {
            const run = pair[i]!;
            runs[side.name].push(run);
            side.answered += run.requests;
            log(
              `  ${dialect} ${load} ${side.name} #${r + 1}: ${f0(run.rps)} req/s, ${f3(perAnswer(run))} ms CPU/answer`,
            );
          });
          continue;
        }
        for (const side of r % 2 === 0 ? [off, on] : [on, off]) {
          const run = await measure(
            wrk,
            side,
            own(side),
            opts.duration,
            opts.connections,
            `${side.name}-${tag}`,
            rateRps,
          );
          runs[side.name].push(run);
          side.answered += run.requests;
          log(
            `  ${dialect} ${load} ${side.name} #${r + 1}: ${f0(run.rps)} req/s, ${f3(perAnswer(run))} ms CPU/answer` +
              (run.failures ? `, ${run.failures} failures` : ''),
          );
        }
      }
      return runs;
    };
    const loads: { label: string; runs: Record<'off' | 'on', Run[]> }[] = [];
    let saturatedRate: number | undefined;
    for (const load of opts.load) {
      if (load === 'saturated') {
        const runs = await measureRuns(load);
        saturatedRate = median(runs.on.map((r) => r.rps));
        loads.push({ label: 'saturated', runs });
      } else if (load === 'paced') {
        // Without a saturated load first, one short one finds the rate to pace at.
        saturatedRate ??= together(opts, dialect)
          ? (await measureTogether(wrk, sides, own, 3, opts.connections, 'rate'))[1]!.rps
          : (await measure(wrk, on, own(on), 3, opts.connections, 'rate')).rps;
        const rate = 0.6 * saturatedRate;
        loads.push({
          label: `paced (${f0(rate)} req/s offered to each)`,
          runs: await measureRuns('paced', rate),
        });
      } else throw new Error(`unknown --load ${load}`);
    }
    let hits = 0;
    if (!opts.control) {
      const journal = await on.node.admin.journal.list({ path: HEARTBEAT, limit: 1 });
      if (journal.length === 0) throw new Error('the toolkit-on server journaled no heartbeat');
      const listed = await on.node.admin.faults.list();
      hits = listed.filter((r) => rules.some((x) => x.id === r.id)).reduce((n, r) => n + r.hits, 0);
      if (listed.length !== rules.length || hits !== 0) throw new Error(`fault rules hit: ${hits}`);
    }

    lines.push('', `#### ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
    for (const { label, runs } of loads) {
      const cpu = (name: 'off' | 'on') => median(runs[name].map(perAnswer));
      const rps = (name: 'off' | 'on') => median(runs[name].map((r) => r.rps));
      const p50 = (name: 'off' | 'on') => median(runs[name].map((r) => r.p50Ms));
      const failures = (name: 'off' | 'on') => runs[name].reduce((n, r) => n + r.failures, 0);
      const ratio = cpu('on') / cpu('off');
      // Each run's on/off ratio with the run of the other side next to it: the machine's drift (warm-up, other
      // load) falls on both runs of a pair alike, so the median pair ratio is the steadier figure.
      const pairRatios = runs.on.map((run, r) => perAnswer(run) / perAnswer(runs.off[r]!));
      const paired = median(pairRatios);
      // The paired ratios' mean and two standard errors of it (about a 95 % interval at 15 pairs).
      const mean = pairRatios.reduce((a, b) => a + b, 0) / pairRatios.length;
      const spread =
        pairRatios.length < 2
          ? 0
          : 2 *
            Math.sqrt(
              pairRatios.reduce((a, b) => a + (b - mean) ** 2, 0) /
                (pairRatios.length - 1) /
                pairRatios.length,
            );
      lines.push(
        '',
        `##### ${label}`,
        '',
        '| toolkit | CPU ms / answer (median) | req/s (median) | p50 ms | failures | runs (CPU ms / answer) |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        ...(['off', 'on'] as const).map(
          (name) =>
            `| ${name === 'off' ? 'off (no hook)' : opts.control ? 'off too (A/A control)' : 'on: journal + 2 fault rules, none matching'} | ${f3(cpu(name))} | ${f0(rps(name))} | ${f2(p50(name))} | ${failures(name)} | ${runs[name].map((r) => f3(perAnswer(r))).join(', ')} |`,
        ),
        '',
        `On / off, medians: **${f2(ratio)}**; median of the ${pairRatios.length} paired runs' ratios ` +
          `(${pairRatios.map(f2).join(', ')}): **${f2(paired)}**; their mean ${f3(mean)} ± ${f3(spread)} ` +
          `(two standard errors) — bound ${f2(BOUND)}: ` +
          `${Math.max(ratio, paired) <= BOUND ? 'met' : Math.min(ratio, paired) <= BOUND ? 'met by one figure of two' : '**missed**'}. ` +
          (opts.control
            ? 'Control run: both servers with the toolkit off; the ratio is the noise floor of this machine.'
            : `The on server's journal held the heartbeats; its rules were hit ${hits} times.`),
      );
    }
  } finally {
    for (const side of sides) {
      await side.node.server.stop();
      await side.database.drop();
    }
  }
  const profiles = opts.cpuProf ? sides.map((side) => profileOf(opts.cpuProf!, side)) : [];
  const [offProfile, onProfile] = [
    profiles.find((p) => p.side === 'off'),
    profiles.find((p) => p.side === 'on'),
  ];
  if (offProfile && onProfile) {
    const us = (ms: number, side: ProfileFigures) => f2((1000 * ms) / Math.max(1, side.answered));
    const pct = (ms: number, side: ProfileFigures) =>
      `${((100 * ms) / Math.max(1, side.busyMs)).toFixed(2)} %`;
    lines.push(
      '',
      `Profile (\`--cpu-prof\`, self time of each server's main thread over its whole run, start-up and ` +
        `seeding included, per heartbeat answered): the toolkit's own functions ${us(onProfile.toolkitMs, onProfile)} µs ` +
        `(${pct(onProfile.toolkitMs, onProfile)} of the on server's busy samples); garbage collection ` +
        `${us(onProfile.gcMs, onProfile)} µs on (${pct(onProfile.gcMs, onProfile)}) vs ` +
        `${us(offProfile.gcMs, offProfile)} µs off (${pct(offProfile.gcMs, offProfile)}); all busy samples ` +
        `${us(onProfile.busyMs, onProfile)} µs on vs ${us(offProfile.busyMs, offProfile)} µs off.`,
    );
  }
}

/**
 * The toolkit's own code: its hooks, journal, fault matcher, state gate, events, clock and cluster — as
 * sources (run through tsx) or as the build in dist/ (bin/replay.js runs that when it matches the sources).
 */
const TOOLKIT_CODE =
  /\/(src|dist)\/(http\/plugins\/toolkit-hooks|http\/admin\/toolkit-state\.routes|services\/toolkit\/[a-z-]+)\.(ts|js)$/;

interface ProfileFigures {
  side: 'off' | 'on';
  answered: number;
  /** Sampled CPU of the main thread, idle left out. */
  busyMs: number;
  gcMs: number;
  /** Self time in the toolkit's own functions. */
  toolkitMs: number;
}

/**
 * With `--cpu-prof`: where a server's sampled CPU went. The shares come from the same samples of the same
 * process, so the machine's other load does not move them as it moves the run-to-run CPU per answer.
 */
function profileOf(dir: string, side: Side): ProfileFigures {
  const figures: ProfileFigures = {
    side: side.name,
    answered: side.answered,
    busyMs: 0,
    gcMs: 0,
    toolkitMs: 0,
  };
  const pid = side.node.server.pid;
  const file = readdirSync(dir).find((f) => f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile'));
  if (!file) return figures;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i]!)!;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    figures.busyMs += ms;
    if (frame.functionName === '(garbage collector)') figures.gcMs += ms;
    else if (TOOLKIT_CODE.test(frame.url)) figures.toolkitMs += ms;
  }
  return figures;
}

async function main(): Promise<void> {
  const opts = program.parse(process.argv).opts<Options>();
  mkdirSync(WORK, { recursive: true });
  if (opts.cpuProf) mkdirSync(opts.cpuProf, { recursive: true });
  pinPid(process.pid, LOAD_CORE);
  const wrk = ensureWrk(log);
  const machine = machineInfo();
  const lines: string[] = [
    '### Toolkit: journal and fault matcher on the heartbeat',
    '',
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; both servers (and PostgreSQL) pinned to one ` +
      'core, wrk and this script on the other; ' +
      (opts.alternate
        ? 'runs alternate between the servers. '
        : 'on SQLite each run loads both servers at once (a wrk each), so both share the server core over the ' +
          'same seconds; on PostgreSQL (one cluster for both) runs alternate between the servers. ') +
      'CPU is the measured ' +
      'server tree’s user+system time per answered heartbeat, until it is idle again. ' +
      `${opts.runs} runs of ${opts.duration} s per side, ${opts.connections} connections.`,
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
      await benchDialect(wrk, dialect, pg, opts, lines);
    }
  } finally {
    pg?.cluster.stop();
  }
  lines.push('', commandLine('bench/toolkit.ts'));
  console.log(lines.join('\n'));
}

await main();
