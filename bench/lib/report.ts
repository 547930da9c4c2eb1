import { EXTRA_BENCHES } from './extras.ts';
import type { ProfileSummary } from './profile.ts';
import type { Scenario } from './scenarios.ts';

export interface Measurement {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
  /** CPU time the system under test (server, and PostgreSQL for its scenarios) spent per answer. */
  cpuMsPerAnswer: number;
  bytesPerAnswer: number;
  /** Share of the server core other processes of the machine took during the run (0–1). */
  foreign: number;
  requests: number;
  failures: number;
  firstFailure: string;
}

export interface ScenarioResult {
  scenario: Scenario;
  runs: Measurement[];
  /**
   * The same requests one at a time (one connection): the latency of a request itself, without the
   * queueing of a saturated server. Taken for the list pages whose p99 is compared across area sizes.
   */
  latencyRuns?: Measurement[];
  /** Why it was not measured (e.g. the endpoint is not in this build). */
  skipped?: string;
}

export interface TargetResult {
  name: string;
  goal: string;
  measured: string;
  /** The same ratio from CPU time per answer (capacity of one dedicated core), when it applies. */
  byCpu?: string;
  /** null: could not be evaluated in this run (a scenario was skipped or filtered out). */
  met: boolean | null;
  /** The scenario profiled when the target is missed. */
  profileOf?: string;
}

export interface ScenarioProfile {
  scenarioId: string;
  /** Why it was profiled: the missed targets, or "requested". */
  reasons: string[];
  profile: ProfileSummary;
  file: string;
}

export interface SeedRecord {
  system: string;
  label: string;
  comments: number;
  seconds: number;
}

export interface ReportInput {
  machine: { cpu: string; cores: number; node: string; os: string; memGiB: number };
  pinning: string;
  command: string;
  settings: { runs: number; durationS: number; warmupS: number; connections: number };
  startedAt: Date;
  elapsedS: number;
  loadBefore: string;
  loadAfter: string;
  serverCommands: string[];
  loadCommand: string;
  seeds: SeedRecord[];
  results: ScenarioResult[];
  targets: TargetResult[];
  profiles: ScenarioProfile[];
  findings: string;
  /** Sections printed by the standalone feature benches (`--extras`), appended as they are. */
  extras?: { name: string; markdown: string; seconds: number }[];
  partial: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
  foreign: number;
  cpuMs: number;
  kbPerAnswer: number;
  failures: number;
  requests: number;
}

export function summarise(result: ScenarioResult): Summary | null {
  if (result.skipped || result.runs.length === 0) return null;
  return summariseRuns(result.runs);
}

/** The one-connection latency probe of a scenario, when it was taken. */
export function summariseLatency(result: ScenarioResult): Summary | null {
  if (result.skipped || !result.latencyRuns?.length) return null;
  return summariseRuns(result.latencyRuns);
}

function summariseRuns(runs: readonly Measurement[]): Summary {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
    foreign: median(runs.map((r) => r.foreign)),
    cpuMs: median(runs.map((r) => r.cpuMsPerAnswer)),
    kbPerAnswer: median(runs.map((r) => r.bytesPerAnswer)) / 1024,
    failures: runs.reduce((s, r) => s + r.failures, 0),
    requests: runs.reduce((s, r) => s + r.requests, 0),
  };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');
export const ratio = (n: number) => (Number.isFinite(n) ? (n >= 10 ? n.toFixed(0) : n.toFixed(2)) : '–');
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

export function renderReport(
  input: ReportInput,
  ratioRefs: Map<string, { label: string; rps: number; cpuMs: number }[]>,
): string {
  const { machine, settings } = input;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  const hello = input.results.find((r) => r.scenario.system === 'hello');
  const helloSum = hello ? summarise(hello) : null;
  const floorOf = (id: string) => {
    const r = input.results.find((x) => x.scenario.id === id);
    return r ? summarise(r) : null;
  };
  const floorPost = floorOf('floor/post');
  const floorGet = floorOf('floor/get');
  /** Against the floor of the same method: by req/s, and in parentheses by CPU ms per answer. */
  const timesFloor = (s: Scenario, sum: Summary): string => {
    if (s.system === 'hello') return '';
    if (s.system === 'floor') return '1';
    const floor = s.request.startsWith('POST') ? floorPost : floorGet;
    return floor ? `${ratio(sum.rps / floor.rps)} (CPU ${ratio(floor.cpuMs / sum.cpuMs)})` : '–';
  };

  push(
    '# Benchmarks',
    '',
    input.partial
      ? '> **Partial run** (`--quick` or `--scenario`): figures below are a smoke test, not the published results.'
      : '> Generated by `npm run bench`; every figure below comes from one run of it (a feature bench section refreshed on its own says when it ran). Re-run it to check them on your machine.',
    '',
    '## Machine and method',
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB RAM; ${machine.os}; Node ${machine.node}.`,
    `- Run: ${input.startedAt.toISOString()}, ${Math.round(input.elapsedS)} s in total. Load average before / after: ${input.loadBefore} / ${input.loadAfter}.`,
    `- Command: \`${input.command}\`.`,
    `- Pinning: ${input.pinning}`,
    `- Load: ${settings.connections} connections over loopback, ${settings.durationS} s per measurement after a ${settings.warmupS} s warm-up, **median of ${settings.runs} runs**; the scenarios are measured round-robin (every scenario once per round), so slow drift of the machine hits all of them alike and ratios are taken within this one run. After each measurement the bench waits until the server has stopped using CPU (a server that fell behind is still answering its queue when wrk stops), so no scenario shares its core with the previous one's backlog.`,
    `- Load generator: \`${input.loadCommand}\`. The Lua script rotates through 1,024 prepared requests per scenario (distinct users, each with its own session cookie and csrf token; distinct videos, comments and cursors), fills a unique token into each comment text, and counts every answer that is not HTTP 200 with the scenario's success prefix (\`{"code":0,\` for Replay) as an error.`,
    `- Servers: ${input.serverCommands.map((c) => `\`${c}\``).join('; ')}.`,
    "- *CPU ms/answer*: CPU time (user + system) the system under test spent per answer during the run: the server process, plus the whole PostgreSQL cluster for the PostgreSQL scenarios, plus Waline's worker. It moves much less than req/s when other work shares the machine (contention for caches and memory still inflates it), so it is the figure to compare when *other load* is high; 1000 / it is roughly the rate one dedicated core could sustain.",
    "- *× hello*: req/s as a share of the hello-world's; in parentheses the same ratio from CPU ms per answer (hello-world's / the scenario's). *× peer*: the same against Waline's comment list (list pages) or comment POST (reply/add).",
    "- *× floor*: req/s as a share of the floor reference server's for the same method (POST scenarios against the POST floor, GET scenarios against the GET floor; see `floor/post` and `floor/get` below); in parentheses the same ratio from CPU ms per answer (the floor's / the scenario's), which other load on the machine moves much less.",
    "- *other load*: the share of the server core that processes outside the bench used during the run (median over runs), from /proc/stat minus the system under test's own CPU time: a figure taken next to a high one was measured on a busy machine. Servers, PostgreSQL and wrk run at nice −10 to keep such noise small.",
    "- Latency is wrk's (from the request being written to the answer being read); p50/p99 are medians over the runs of each run's percentile. Peak RSS is the server process's VmHWM (reset before each measurement through /proc/<pid>/clear_refs; for Waline, its master and worker together), the highest over the runs.",
    '',
  );

  if (input.seeds.length) {
    push('### Seeded comment areas', '', '| database | area | comments | seeded in |', '|---|---|---:|---:|');
    for (const s of input.seeds)
      push(`| ${s.system} | ${s.label} | ${int(s.comments)} | ${s.seconds.toFixed(1)} s |`);
    push(
      '',
      'Each area: level-1 comments with 0–3 replies each plus one busy thread (about N/200 replies, every fifth a level-3 reply), written with set-based SQL (generate_series / a recursive CTE) in one transaction, then read back through the API (page counts, the busy thread, thread fields) before any load.',
      '',
    );
  }

  push(
    '## Results',
    '',
    '| scenario | request | req/s | p50 ms | p99 ms | CPU ms/answer | peak RSS MB | KB/answer | errors | × hello | × floor | × peer | other load |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const result of input.results) {
    const s = result.scenario;
    const sum = summarise(result);
    if (!sum) {
      push(
        `| ${s.id} | \`${s.request}\` | – | – | – | – | – | – | – | – | – | skipped: ${result.skipped ?? 'no data'} | – |`,
      );
      continue;
    }
    const peers = (ratioRefs.get(s.id) ?? [])
      .map((p) => `${ratio(sum.rps / p.rps)} (CPU ${ratio(p.cpuMs / sum.cpuMs)}; ${p.label})`)
      .join(', ');
    const timesHello =
      s.system === 'hello'
        ? '1'
        : helloSum
          ? `${ratio(sum.rps / helloSum.rps)} (CPU ${ratio(helloSum.cpuMs / sum.cpuMs)})`
          : '–';
    push(
      `| ${s.id} | \`${s.request}\` | ${int(sum.rps)} | ${ms(sum.p50Ms)} | ${ms(sum.p99Ms)} | ${sum.cpuMs.toFixed(3)} | ${int(sum.rssMb)} | ${sum.kbPerAnswer.toFixed(1)} | ${sum.failures ? `**${int(sum.failures)}**` : '0'} | ${timesHello} | ${timesFloor(s, sum)} | ${peers || ''} | ${Math.round(sum.foreign * 100)} % |`,
    );
  }
  push('', 'What each scenario does:', '');
  for (const result of input.results) push(`- \`${result.scenario.id}\`: ${result.scenario.title}.`);
  const failing = input.results.filter((r) => r.runs.some((m) => m.failures > 0));
  if (failing.length) {
    push('', 'Errors seen (first failing answer of each scenario):', '');
    for (const r of failing) {
      const first = r.runs.find((m) => m.firstFailure)?.firstFailure ?? '';
      push(`- \`${r.scenario.id}\`: ${first.replaceAll('|', '\\|').slice(0, 200)}`);
    }
  }

  const probed = input.results.filter((r) => summariseLatency(r));
  if (probed.length) {
    push(
      '',
      '### One request at a time',
      '',
      'The list pages whose p99 is compared across area sizes, measured again with one connection (`wrk -c1`, same requests, median of the runs): the latency of a request itself. At 64 connections a saturated server answers each request after about 64 / rate of queueing, and the p99 there is decided by how the event loop happens to order that queue (a plain `node:http` server doing the same amount of work per request shows the same second-long tail), not by the area.',
      '',
      '| scenario | req/s | p50 ms | p99 ms | runs |',
      '|---|---:|---:|---:|---:|',
    );
    for (const r of probed) {
      const l = summariseLatency(r)!;
      push(
        `| ${r.scenario.id} | ${int(l.rps)} | ${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${r.latencyRuns!.length} |`,
      );
    }
  }

  push(
    '',
    '## Targets',
    '',
    'Judged on the measured rates, as the targets are stated. The last column gives the same ratio from CPU time per answer (what one dedicated core would sustain), a cross-check that other load on the machine moves much less.',
    '',
    '| target | goal | measured | result | by CPU time per answer |',
    '|---|---|---|---|---|',
  );
  for (const t of input.targets) {
    const verdict = t.met === null ? 'not evaluated' : t.met ? 'met' : '**missed**';
    push(`| ${t.name} | ${t.goal} | ${t.measured} | ${verdict} | ${t.byCpu ?? ''} |`);
  }

  if (input.profiles.length) {
    push('', '## Profiles', '');
    push(
      "Each scenario behind a missed target (and any asked for with `--cpu-prof`) was run once more against a fresh server started with `node --cpu-prof`; the tables give self time as a share of the busy (non-idle) samples of the server's main thread.",
      '',
    );
    for (const { scenarioId, reasons, profile: p, file } of input.profiles) {
      push(
        `### ${scenarioId}`,
        '',
        `Profiled because: ${reasons.join('; ')}. ${Math.round(p.busyMs)} ms of busy samples, garbage collection ${pct(p.gcShare)}; profile \`${file}\` (open it in Chrome DevTools → Performance).`,
        '',
        '| where | self time |',
        '|---|---:|',
        ...p.places.slice(0, 8).map((x) => `| ${x.place} | ${pct(x.share)} |`),
        '',
        '| function | self time |',
        '|---|---:|',
        ...p.functions.slice(0, 12).map((x) => `| \`${x.name.replaceAll('|', '\\|')}\` | ${pct(x.share)} |`),
        '',
      );
    }
  }

  if (input.findings.trim()) push('', input.findings.trim(), '');
  if (input.extras?.length) push('', renderExtras(input.extras));
  return `${lines.join('\n')}\n`;
}

/** The heading that starts the feature benches' part of a report (what `--extras-only` replaces). */
export const EXTRAS_HEADING = '# Feature benchmarks';

/** What a feature bench printed, and how long it ran and when. */
export interface ExtraRecord {
  name: string;
  markdown: string;
  seconds: number;
  /** When it started (ISO 8601). */
  at?: string;
}

/** Marks where a feature bench's section starts, so one can be replaced alone (`--extras-only --extras …`). */
const sectionMark = (name: string) => `<!-- extra: ${name} -->`;
const SECTION_MARK = /^<!-- extra: ([\w-]+) -->$/gm;

function sectionBlock(e: ExtraRecord): string {
  const when = e.at ? `, started ${e.at.replace(/\.\d+Z$/, 'Z')}` : '';
  return `${sectionMark(e.name)}\n${e.markdown}\n\n_\`bench/${e.name}.ts\`: ${Math.round(e.seconds)} s${when}._`;
}

function extrasPart(blocks: readonly string[]): string {
  const lines = [
    EXTRAS_HEADING,
    '',
    'Run by `npm run bench -- --extras` after the scenarios above, or by `npm run bench -- --extras-only [--extras <name…>]` on their own (which replaces just those sections); each section is what that script printed, on the same machine, with how long it ran and when under it.',
  ];
  for (const block of blocks) lines.push('', block);
  return `${lines.join('\n')}\n`;
}

/** The sections of the standalone feature benches (`--extras`), under one heading. */
export function renderExtras(extras: readonly ExtraRecord[]): string {
  return extrasPart(extras.map(sectionBlock));
}

/**
 * `report` with the feature-bench sections of `extras` in place of the sections of the same benches; the
 * other benches' sections stay as they were. A report whose feature-bench part has no section marks (an
 * older one) has that whole part replaced.
 */
export function replaceExtras(report: string, extras: readonly ExtraRecord[]): string {
  const at = report.indexOf(`\n${EXTRAS_HEADING}\n`);
  const head = (at === -1 ? report : report.slice(0, at)).trimEnd();
  const blocks = new Map<string, string>();
  if (at !== -1) {
    const part = report.slice(at);
    const marks = [...part.matchAll(SECTION_MARK)];
    marks.forEach((m, i) => {
      const end = i + 1 < marks.length ? marks[i + 1]!.index : part.length;
      blocks.set(m[1]!, part.slice(m.index, end).trim());
    });
  }
  for (const e of extras) blocks.set(e.name, sectionBlock(e));
  const order = (name: string) => {
    const i = (EXTRA_BENCHES as readonly string[]).indexOf(name);
    return i === -1 ? Infinity : i;
  };
  const names = [...blocks.keys()].sort((x, y) => order(x) - order(y));
  return `${head}\n\n${extrasPart(names.map((n) => blocks.get(n)!))}`;
}
