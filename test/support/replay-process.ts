import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_TOKEN } from './harness.ts';
import { freePort } from './postgres-cluster.ts';

/**
 * The real `replay serve` as a child process, so that it can be killed like a production process: SIGKILL
 * gives it no chance to flush, close or roll anything back.
 */

const ROOT = join(import.meta.dirname, '..', '..');

export interface ReplayProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few kilobytes the process printed, for failure messages. */
  output(): string;
}

const running = new Set<ChildProcess>();

export async function spawnReplay(db: string, env: Record<string, string> = {}): Promise<ReplayProcess> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    ['bin/replay.js', 'serve', '--db', db, '--port', String(port), '--no-demo'],
    {
      cwd: ROOT,
      env: { ...process.env, REPLAY_ADMIN_TOKEN: ADMIN_TOKEN, REPLAY_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(proc);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  let output = '';
  // Keep reading after the start line too: a full pipe would block the server's logging.
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8192);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      const match = /Replay listening on (http:\/\/\S+) /.exec(output);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]!);
      }
    }, 20);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited during start:\n${output}`));
    });
  });
  return { proc, url, exited, output: () => output };
}

/** SIGKILL: the process dies between any two instructions, mid-transaction or mid-response. */
export async function killReplay(p: ReplayProcess): Promise<void> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await p.exited;
}

/** SIGTERM: the graceful drain of src/main.ts. */
export async function stopReplay(p: ReplayProcess): Promise<void> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
  await p.exited;
}

/** For afterEach: no server outlives its test, whatever failed. */
export function killAllReplays(): void {
  for (const proc of running) proc.kill('SIGKILL');
}
