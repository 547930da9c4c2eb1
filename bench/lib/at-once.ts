import { runLoad } from './load.ts';
import type { LoadOptions, LoadResult } from './load.ts';
import { CLOCK_TICKS, settle, treeTicks } from './processes.ts';

/** One server under load in `measureAtOnce`: its load and the processes whose CPU is its own. */
export interface AtOnceTarget {
  load: LoadOptions;
  own: () => number[];
}

export interface AtOnceResult extends LoadResult {
  /** The target's processes' user+system CPU from the start of the loads until all were idle again. */
  cpuMs: number;
}

/**
 * Loads every target at once, each from its own wrk (all on the load core), over the same seconds. An
 * A/B comparison measured so has whatever else the machine does then fall on both sides alike, which
 * alternating runs cannot promise when the other load comes and goes within seconds, as on this shared
 * machine (issue #13's bench: A/A pairs within 6 % this way, up to 40 % apart alternating). The servers
 * share the server core, so each answers about half as fast as alone; CPU per answer is still each one's
 * own, so targets must not share processes (one PostgreSQL cluster serving both cannot be split).
 */
export async function measureAtOnce(wrk: string, targets: readonly AtOnceTarget[]): Promise<AtOnceResult[]> {
  await Promise.all(targets.map((t) => settle(t.own())));
  const before = targets.map((t) => treeTicks(t.own()));
  const loads = await Promise.all(targets.map((t) => runLoad(wrk, t.load)));
  // Work a load left behind (a group commit's last batches) belongs to it.
  await Promise.all(targets.map((t) => settle(t.own())));
  return targets.map((t, i) => ({
    ...loads[i]!,
    cpuMs: ((treeTicks(t.own()) - before[i]!) * 1000) / CLOCK_TICKS,
  }));
}
