import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

/** What every bench script shares: where it works, how it reads its options, what it sends and prints. */

export const ROOT = join(import.meta.dirname, '..', '..');
/** Databases, logs and profiles of a run (git-ignored). */
export const WORK = join(ROOT, 'bench', '.work');

/** A commander option parser for counts and seconds. */
export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** The head of every successful Bilibili envelope. */
export const OK = '{"code":0,';
export const FORM = 'application/x-www-form-urlencoded';
export const BROWSER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

export const f0 = (n: number): string => Math.round(n).toLocaleString('en-US');
export const f1 = (n: number): string => n.toFixed(1);
export const f2 = (n: number): string => n.toFixed(2);
export const f3 = (n: number): string => n.toFixed(3);

/** The options every feature bench takes (`bench/analytics.ts`, `message-center.ts`, `toolkit.ts`). */
export interface FeatureBenchOptions {
  db: string[];
  runs: number;
  duration: number;
  connections: number;
}

export function featureBenchCommand(name: string, description: string, runs: number): Command {
  return new Command(name)
    .description(description)
    .option('--db <dialect...>', 'sqlite and/or postgres', ['sqlite'])
    .option('--runs <n>', 'measured runs per side (median reported)', positive, runs)
    .option('--duration <s>', 'seconds per measured run', positive, 5)
    .option('--connections <n>', 'concurrent connections', positive, 32);
}

/** The last line of a bench's section: the command that printed it. */
export function commandLine(script: string): string {
  const args = process.argv.slice(2).join(' ');
  return `Command: \`node ./bin/run-ts.js ${script}${args ? ` ${args}` : ''}\``;
}
