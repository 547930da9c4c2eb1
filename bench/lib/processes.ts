import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * The system under test (a Replay node, its PostgreSQL, a reference server) runs on SERVER_CORE; the load
 * generator and this orchestrator on LOAD_CORE, so neither steals cycles from the other.
 */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

export function canPin(): boolean {
  return cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
}

/**
 * Niceness of everything the bench starts. On a shared machine it keeps other work from taking the
 * measured cores (CFS gives a nice −10 task about nine times the share of a nice 0 one); without the
 * privilege to raise priority, `nice` warns and runs the command as it is.
 */
const NICE = '-10';

/**
 * `taskset -c <core> nice -n -10 cmd args…` when pinning is possible; taskset and nice exec, so the pid
 * is the command's.
 */
export function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return canPin()
    ? ['taskset', ['-c', String(core), 'nice', '-n', NICE, command, ...args]]
    : ['nice', ['-n', NICE, command, ...args]];
}

/** Moves a running process (all its threads) onto one core at the bench's niceness; children inherit both. */
export function pinPid(pid: number, core: number): void {
  spawnSync('renice', ['-n', NICE, '-p', String(pid)], { stdio: 'ignore' });
  if (canPin()) spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process has gone. */
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  core?: number;
  logFile: string;
}

/** Starts a pinned child whose output goes to a log file (kept for a post-mortem when it fails). */
export function startProcess(options: StartOptions): ServerProcess {
  const [command, args] =
    options.core === undefined
      ? [options.command, options.args]
      : pinned(options.core, options.command, options.args);
  const log = createWriteStream(options.logFile);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${command}`);
  const pid = child.pid;
  return {
    name: options.name,
    child,
    pid,
    logFile: options.logFile,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls a URL until it answers (any HTTP status) or the process dies or the time runs out. */
export async function waitForHttp(url: string, server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void server.exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`${server.name} exited during start-up; see ${server.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${server.name} did not answer ${url}; see ${server.logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A process and all its descendants (a cluster master's workers, PostgreSQL's backends). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (children) out.push(...children.split(/\s+/).map(Number));
      } catch {
        // The task ended while we looked.
      }
    }
  }
  return out;
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak resident memory of a process tree over one measurement. The kernel's high-water mark (VmHWM) is
 * reset before the measurement by writing 5 to clear_refs; where that is refused, a 100 ms sampler of
 * VmRSS stands in (it can miss a short spike).
 */
export class PeakRss {
  private sampled = 0;
  private timer: NodeJS.Timeout | null = null;
  private resetWorked = true;

  constructor(private readonly rootPids: readonly number[]) {}

  start(): void {
    this.sampled = 0;
    this.resetWorked = true;
    for (const pid of this.pids()) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        this.resetWorked = false;
      }
    }
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Peak RSS in MiB since start(). */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    const pids = this.pids();
    const hwm = pids.reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0);
    return (this.resetWorked ? Math.max(hwm, this.sampled) : this.sampled) / 1024;
  }

  private sample(): void {
    const rss = this.pids().reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
    this.sampled = Math.max(this.sampled, rss);
  }

  private pids(): number[] {
    return this.rootPids.flatMap((pid) => processTree(pid));
  }
}

/**
 * CPU time (user + system, clock ticks) a process tree has used so far, including what the roots' exited
 * children used (`cutime + cstime`): a PostgreSQL backend that the pool closes during a run (idle timeout)
 * takes its CPU out of the live tree, and without the postmaster's reaped-children time a run could come
 * out cheaper than it was, even negative.
 */
export function treeTicks(pids: readonly number[]): number {
  let ticks = 0;
  for (const root of pids) {
    const tree = processTree(root);
    for (const pid of tree) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
        if (pid === root) ticks += Number(fields[13]) + Number(fields[14]);
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return ticks;
}

/**
 * Waits until a process tree has stopped using CPU (under 10 % of a core over 250 ms), at most `maxMs`.
 * A server that fell behind keeps answering its queue after the load generator stopped (Waline's list
 * has seconds of work queued at 64 connections); measured round-robin, the next scenario on the same core
 * would otherwise share it with that backlog. Returns how long it waited.
 */
export async function settle(pids: readonly number[], maxMs = 20_000): Promise<number> {
  const start = performance.now();
  const windowMs = 250;
  let before = treeTicks(pids);
  while (performance.now() - start < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = treeTicks(pids);
    if (((now - before) * 1000) / CLOCK_TICKS < windowMs * 0.1) break;
    before = now;
  }
  return performance.now() - start;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ). */
export const CLOCK_TICKS =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Busy and total ticks of one core from /proc/stat. */
function coreTicks(core: number): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `));
  const v = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - (v[3] ?? 0) - (v[4] ?? 0), total };
}

/**
 * How much of the server core went to processes that are not the system under test during one
 * measurement (0–1): the shared-machine noise behind a figure, reported next to it.
 */
export class ForeignLoad {
  private start = { busy: 0, total: 0, ours: 0 };

  constructor(
    private readonly core: number,
    private readonly ourPids: () => readonly number[],
  ) {}

  begin(): void {
    this.start = { ...coreTicks(this.core), ours: treeTicks(this.ourPids()) };
  }

  end(): number {
    const now = coreTicks(this.core);
    const ours = treeTicks(this.ourPids());
    const total = now.total - this.start.total;
    if (total <= 0) return 0;
    const foreign = now.busy - this.start.busy - (ours - this.start.ours);
    return Math.min(1, Math.max(0, foreign / total));
  }
}
