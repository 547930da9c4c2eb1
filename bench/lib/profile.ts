import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Sampled time excluding idle, ms. */
  busyMs: number;
  /** Share of busy time in (garbage collector). */
  gcShare: number;
  /** Self time by function, largest first. */
  functions: { name: string; share: number }[];
  /** Self time by where the code lives (a package, a source file of Replay, node internals). */
  places: { place: string; share: number }[];
}

const ROOT = relative('/', new URL('../..', import.meta.url).pathname);

function placeOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return `npm:${pkg[1]}`;
  const at = path.indexOf(ROOT);
  return at >= 0 ? path.slice(at + ROOT.length + 1) : path;
}

/** Now on the clock V8 stamps profiles with (CLOCK_MONOTONIC, µs), shared by every process here. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Self-time breakdown of a V8 .cpuprofile (what `node --cpu-prof` writes). `window` keeps only the
 * samples taken while the load ran, so start-up (module compilation, migrations) does not blur it.
 */
export function summariseProfile(
  file: string,
  window?: { fromUs: number; toUs: number },
  top = 12,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    // A sample's time is the delta to the next sample.
    const { samples, timeDeltas } = profile;
    let at = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      at += timeDeltas[i] ?? 0;
      if (window && (at < window.fromUs || at > window.toUs)) continue;
      const dt = timeDeltas[i + 1] ?? 0;
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, dt));
    }
  } else {
    for (const n of profile.nodes) self.set(n.id, n.hitCount ?? 0);
  }
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    if (functionName === '(garbage collector)') gc += us;
    const place = functionName.startsWith('(') ? functionName : placeOf(url);
    const name = functionName.startsWith('(')
      ? functionName
      : `${functionName || '(anonymous)'} ${placeOf(url)}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    places.set(place, (places.get(place) ?? 0) + us);
  }
  const ranked = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    busyMs: busy / 1000,
    gcShare: busy ? gc / busy : 0,
    functions: ranked(functions).map(([name, us]) => ({ name, share: us / busy })),
    places: ranked(places).map(([place, us]) => ({ place, share: us / busy })),
  };
}
