import { median, ratio, summarise, summariseLatency } from './report.ts';
import type { ScenarioResult, Summary, TargetResult } from './report.ts';

/**
 * The goals of issue #16, each from figures of this one run: the write paths against the floor of the same
 * method, the comment paths against Waline, the list page's CPU and its latency across area sizes, and
 * the peak RSS. Each rate ratio is also given from CPU ms per answer, which other load moves much less.
 */
export function evaluateTargets(
  results: ScenarioResult[],
  areaLabels: string[],
  connections: number,
): TargetResult[] {
  const sum = (id: string) => {
    const r = results.find((x) => x.scenario.id === id);
    return r ? summarise(r) : null;
  };
  const latency = (id: string) => {
    const r = results.find((x) => x.scenario.id === id);
    return r ? summariseLatency(r) : null;
  };
  const floorPost = sum('floor/post');
  const floorGet = sum('floor/get');
  const walinePost = sum('waline/comment-post');
  const walineList = sum('waline/comment-list');
  const out: TargetResult[] = [];
  const rpsRatio = (name: string, id: string, ref: Summary | null, refName: string, goal: number) => {
    const s = sum(id);
    if (!s || !ref) {
      out.push({ name, goal: `≥ ${goal}× ${refName}`, measured: 'not measured', met: null });
      return;
    }
    const r = s.rps / ref.rps;
    const byCpu = ref.cpuMs / s.cpuMs;
    out.push({
      name,
      goal: `≥ ${goal}× ${refName}`,
      measured: `${ratio(r)}× (${Math.round(s.rps).toLocaleString('en-US')} vs ${Math.round(ref.rps).toLocaleString('en-US')} req/s)`,
      byCpu: `${ratio(byCpu)}× (${s.cpuMs.toFixed(3)} vs ${ref.cpuMs.toFixed(3)} ms) — ${byCpu >= goal ? 'met' : 'missed'}`,
      met: r >= goal,
      profileOf: id,
    });
  };
  const smallest = areaLabels[0]!;
  const largest = areaLabels[areaLabels.length - 1]!;
  for (const d of ['sqlite', 'postgres']) {
    const postFloorGoal = d === 'sqlite' ? 0.8 : 0.6;
    rpsRatio(`${d}: heartbeat vs the POST floor`, `${d}/heartbeat`, floorPost, 'POST floor', postFloorGoal);
    rpsRatio(
      `${d}: progress report vs the POST floor`,
      `${d}/history-report`,
      floorPost,
      'POST floor',
      postFloorGoal,
    );
    rpsRatio(`${d}: nav vs the GET floor`, `${d}/nav`, floorGet, 'GET floor', 0.8);
    const page1 = `${d}/reply-page1-${smallest}`;
    rpsRatio(
      `${d}: /x/v2/reply page 1 (${smallest} area) vs Waline list`,
      page1,
      walineList,
      'Waline list',
      50,
    );
    if (d === 'sqlite') {
      const s = sum(page1);
      const name = `${d}: /x/v2/reply page 1 (${smallest} area) CPU per page`;
      out.push(
        s
          ? {
              name,
              goal: '≤ 0.9 ms',
              measured: `${s.cpuMs.toFixed(3)} ms (${Math.round(s.rps).toLocaleString('en-US')} pages/s)`,
              met: s.cpuMs <= 0.9,
              profileOf: page1,
            }
          : { name, goal: '≤ 0.9 ms', measured: 'not measured', met: null },
      );
    }
    rpsRatio(`${d}: reply/add vs Waline comment POST`, `${d}/reply-add`, walinePost, 'Waline POST', 60);
    const small = latency(`${d}/reply-page1-${smallest}`);
    const large = latency(`${d}/reply-page1-${largest}`);
    const name = `${d}: /x/v2/reply p99, ${largest} area vs ${smallest} area`;
    if (small && large) {
      const r = large.p99Ms / small.p99Ms;
      const loaded = [sum(`${d}/reply-page1-${largest}`), sum(`${d}/reply-page1-${smallest}`)];
      out.push({
        name,
        goal: '≤ 1.5×',
        measured:
          `${ratio(r)}× (${large.p99Ms.toFixed(2)} vs ${small.p99Ms.toFixed(2)} ms, one request at a time; ` +
          `at ${connections} connections ${loaded.map((l) => l?.p99Ms.toFixed(0) ?? '–').join(' vs ')} ms)`,
        met: r <= 1.5,
        profileOf: `${d}/reply-page1-${largest}`,
      });
    } else out.push({ name, goal: '≤ 1.5×', measured: 'not measured', met: null });
    const own = results.filter((r) => r.scenario.system === d && summarise(r));
    if (own.length) {
      const worst = own.reduce((a, b) => (summarise(a)!.rssMb >= summarise(b)!.rssMb ? a : b));
      const peak = summarise(worst)!.rssMb;
      out.push({
        name: `${d}: peak RSS under load`,
        goal: '≤ 200 MB',
        measured: `${Math.round(peak)} MB (highest in ${worst.scenario.id}; median over scenarios ${Math.round(median(own.map((r) => summarise(r)!.rssMb)))} MB)`,
        met: peak <= 200,
        profileOf: worst.scenario.id,
      });
    } else
      out.push({ name: `${d}: peak RSS under load`, goal: '≤ 200 MB', measured: 'not measured', met: null });
  }
  return out;
}
