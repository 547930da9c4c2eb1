import { describe, expect, it } from 'vitest';
import type { Measurement, ScenarioResult } from '../../bench/lib/report.ts';
import type { Scenario, SystemName } from '../../bench/lib/scenarios.ts';
import { evaluateTargets } from '../../bench/lib/targets.ts';

function run(rps: number, cpuMs: number, extra: Partial<Measurement> = {}): Measurement {
  return {
    rps,
    p50Ms: 1,
    p99Ms: 2,
    rssMb: 150,
    cpuMsPerAnswer: cpuMs,
    bytesPerAnswer: 100,
    foreign: 0,
    requests: rps,
    failures: 0,
    firstFailure: '',
    ...extra,
  };
}

function result(id: string, m: Measurement, latency?: Measurement): ScenarioResult {
  const system = id.split('/')[0] as SystemName;
  const scenario: Scenario = { id, system, title: id, request: 'GET /', okPrefix: '{', build: () => [] };
  return { scenario, runs: [m], ...(latency ? { latencyRuns: [latency] } : {}) };
}

/** One run where every SQLite figure sits just on its goal and every PostgreSQL one just misses. */
function fixture(): ScenarioResult[] {
  return [
    result('hello/json', run(50_000, 0.02)),
    result('floor/post', run(10_000, 0.1)),
    result('floor/get', run(20_000, 0.05)),
    result('waline/comment-post', run(10, 100)),
    result('waline/comment-list', run(20, 50)),
    result('sqlite/heartbeat', run(8_000, 0.125)),
    result('sqlite/history-report', run(8_000, 0.125)),
    result('sqlite/nav', run(16_000, 0.0625)),
    result('sqlite/reply-page1-1k', run(1_000, 0.9), run(500, 1, { p99Ms: 2 })),
    result('sqlite/reply-page1-1m', run(1_000, 0.9, { rssMb: 200 }), run(500, 1, { p99Ms: 3 })),
    result('sqlite/reply-add', run(600, 1)),
    result('postgres/heartbeat', run(5_999, 0.2)),
    result('postgres/history-report', run(6_000, 0.2)),
    result('postgres/nav', run(15_999, 0.1)),
    result('postgres/reply-page1-1k', run(999, 2), run(500, 1, { p99Ms: 2 })),
    result('postgres/reply-page1-1m', run(999, 2, { rssMb: 201 }), run(500, 1, { p99Ms: 3.01 })),
    result('postgres/reply-add', run(599, 3)),
  ];
}

describe('bench targets (issue #16 goals)', () => {
  const targets = evaluateTargets(fixture(), ['1k', '1m'], 64);
  const verdict = Object.fromEntries(targets.map((t) => [t.name, t.met]));

  it('checks exactly the goals, with their thresholds', () => {
    expect(verdict).toEqual({
      'sqlite: heartbeat vs the POST floor': true,
      'sqlite: progress report vs the POST floor': true,
      'sqlite: nav vs the GET floor': true,
      'sqlite: /x/v2/reply page 1 (1k area) vs Waline list': true,
      'sqlite: /x/v2/reply page 1 (1k area) CPU per page': true,
      'sqlite: reply/add vs Waline comment POST': true,
      'sqlite: /x/v2/reply p99, 1m area vs 1k area': true,
      'sqlite: peak RSS under load': true,
      'postgres: heartbeat vs the POST floor': false,
      'postgres: progress report vs the POST floor': true,
      'postgres: nav vs the GET floor': false,
      'postgres: /x/v2/reply page 1 (1k area) vs Waline list': false,
      'postgres: reply/add vs Waline comment POST': false,
      'postgres: /x/v2/reply p99, 1m area vs 1k area': false,
      'postgres: peak RSS under load': false,
    });
    const goals = Object.fromEntries(targets.map((t) => [t.name, t.goal]));
    expect(goals['sqlite: heartbeat vs the POST floor']).toBe('≥ 0.8× POST floor');
    expect(goals['postgres: heartbeat vs the POST floor']).toBe('≥ 0.6× POST floor');
    expect(goals['postgres: reply/add vs Waline comment POST']).toBe('≥ 60× Waline POST');
  });

  it('quotes CPU ms per answer beside every rate ratio', () => {
    const heartbeat = targets.find((t) => t.name === 'sqlite: heartbeat vs the POST floor')!;
    expect(heartbeat.byCpu).toBe('0.80× (0.125 vs 0.100 ms) — met');
    for (const t of targets.filter((x) => x.goal.startsWith('≥'))) expect(t.byCpu).toMatch(/ ms\) — /);
  });

  it('leaves a goal unevaluated when its scenario or reference was not measured', () => {
    const partial = evaluateTargets(
      fixture().filter((r) => r.scenario.id !== 'waline/comment-list'),
      ['1k', '1m'],
      64,
    );
    const page = partial.find((t) => t.name === 'sqlite: /x/v2/reply page 1 (1k area) vs Waline list')!;
    expect(page.met).toBeNull();
  });
});
