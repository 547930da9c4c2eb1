import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The standalone benches that measure one feature each and print a markdown section (`bench/<name>.ts`,
 * run as `node bin/run-ts.js bench/<name>.ts`). `npm run bench -- --extras` runs those present after the
 * main scenarios and appends their sections to the report; a new one joins by being added here.
 */
export const EXTRA_BENCHES = ['analytics', 'message-center', 'toolkit'] as const;

export interface ExtraSection {
  name: string;
  /** When the bench started (ISO 8601). */
  at: string;
  /** The markdown the bench printed, or why there is none. */
  markdown: string;
  seconds: number;
  ok: boolean;
}

/** The extras asked for (all when `wanted` is empty) that exist in this checkout, and those missing. */
export function findExtras(
  root: string,
  wanted: readonly string[],
): { present: string[]; missing: string[] } {
  const names = wanted.length ? wanted : EXTRA_BENCHES;
  const present: string[] = [];
  const missing: string[] = [];
  for (const name of names) (existsSync(join(root, 'bench', `${name}.ts`)) ? present : missing).push(name);
  return { present, missing };
}

/**
 * The section of a bench's standard output: from its first markdown heading on (progress lines printed
 * before it are left out); the whole output when it has no heading.
 */
export function sectionOf(stdout: string): string {
  const lines = stdout.split('\n');
  const first = lines.findIndex((l) => /^#{1,3} /.test(l));
  return (first === -1 ? lines : lines.slice(first)).join('\n').trim();
}

/** Runs one extra bench with its defaults; its progress (stderr) goes to `log`, line by line. */
export function runExtra(root: string, name: string, log: (line: string) => void): Promise<ExtraSection> {
  const started = performance.now();
  const at = new Date().toISOString();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'run-ts.js'), join(root, 'bench', `${name}.ts`)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-2000);
      for (const line of chunk.split('\n')) if (line.trim()) log(`  [${name}] ${line}`);
    });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const ok = code === 0;
      resolve({
        name,
        at,
        seconds,
        ok,
        markdown: ok
          ? sectionOf(stdout)
          : `## bench/${name}.ts\n\nThe run failed (exit ${code}); its last output:\n\n\`\`\`\n${(stderrTail || stdout.slice(-2000)).trim()}\n\`\`\``,
      });
    });
  });
}
