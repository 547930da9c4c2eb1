import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { Agent, request } from 'undici';
import { freePort } from '../test/support/postgres-cluster.ts';
import { OK, ROOT, WORK, positive } from './lib/common.ts';
import { BENCH_ADMIN_TOKEN, BENCH_ENV, createBenchArchives, createBenchUsers } from './lib/replay.ts';
import { median } from './lib/report.ts';
import { benchHeartbeats } from './lib/scenarios.ts';
import { createAdminClient } from '../src/client/index.ts';

/**
 * The toolkit's cost per heartbeat (issue 13) in instructions rather than CPU time: a server with the
 * toolkit off or on (journal and the toolkit bench's two fault rules, none matching) runs under valgrind's
 * callgrind; after a warm-up of heartbeats, its instructions (every thread, user space) are counted over a
 * fixed number of heartbeats and the batched writes that follow them. The machine's other load does not
 * change an instruction count, which the CPU-time bench (bench/toolkit.ts) cannot get below ±5 % here.
 * What is left between runs of one build is the JIT: which call sites are optimised by the counted window
 * changes from run to run (3–5 %), so compare per-function figures of two runs
 * (`callgrind_annotate <dir>/cg.<pid>.1`) for differences smaller than that. Kernel work (the fsync, socket
 * writes) is not counted, so the toolkit's share of instructions is an upper bound on its share of CPU.
 *
 * `node ./bin/run-ts.js bench/toolkit-instructions.ts [--runs 2] [--warm 8000] [--count 4000]`; needs
 * valgrind (Debian's package). Each run takes about a minute and a half. Loopback only; every loop is
 * bounded by count.
 */

const CONNECTIONS = 32;

const program = new Command('toolkit-instructions')
  .description('instructions per heartbeat under callgrind, toolkit off vs on')
  .option('--runs <n>', 'runs per side, alternating (median reported)', positive, 2)
  .option('--warm <n>', 'heartbeats before counting (the JIT settles)', positive, 8000)
  .option('--count <n>', 'heartbeats counted', positive, 4000);

interface Run {
  side: 'off' | 'on';
  perHeartbeat: number;
  dir: string;
}

async function measure(side: 'off' | 'on', warm: number, count: number): Promise<Run> {
  mkdirSync(WORK, { recursive: true });
  const dir = mkdtempSync(join(WORK, `callgrind-${side}-`));
  const port = await freePort();
  const server: ChildProcess = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${dir}/cg.%p`,
      process.execPath,
      '--max-semi-space-size=8',
      '--heap-growing-percent=30',
      join(ROOT, 'bin', 'replay.js'),
      'serve',
      '--no-demo',
      '--port',
      String(port),
      ...(side === 'on' ? ['--toolkit'] : []),
    ],
    { env: { ...process.env, ...BENCH_ENV, REPLAY_DB: join(dir, 'replay.db') }, stdio: 'ignore' },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUp(base, server);
    const admin = createAdminClient({ baseUrl: base, token: BENCH_ADMIN_TOKEN });
    const users = await createBenchUsers(admin, 64);
    const archives = await createBenchArchives(admin, 4, users[0]!.mid, '指令');
    if (side === 'on') {
      // The toolkit bench's rules: checked on every heartbeat, matching none.
      await admin.faults.add({ method: 'POST', path: '/x/v2/reply/**', code: -412 });
      await admin.faults.add({ path: '/x/click-interface/**', mid: 1, code: -352 });
    }
    const specs = benchHeartbeats(users, archives);
    const agent = new Agent({ connections: CONNECTIONS });
    const load = async (n: number, offset: number): Promise<void> => {
      let next = 0;
      const worker = async () => {
        while (next < n) {
          const spec = specs[(offset + next++) & 1023]!;
          const res = await request(`${base}${spec.path}`, {
            method: 'POST',
            headers: spec.headers,
            body: spec.body,
            dispatcher: agent,
          });
          const text = await res.body.text();
          if (!text.startsWith(OK))
            throw new Error(`heartbeat answered ${res.statusCode}: ${text.slice(0, 120)}`);
        }
      };
      await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    };
    await load(warm, 0);
    await sleep(1500);
    const pid = String(server.pid);
    execFileSync('callgrind_control', ['--instr=on', pid], { stdio: 'ignore' });
    await load(count, warm);
    // The batched writes of the last heartbeats land after their answers: counted too.
    await sleep(1500);
    execFileSync('callgrind_control', ['--instr=off', pid], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    await agent.close();
    const total = readdirSync(dir)
      .filter((f) => /^cg\.\d+\.\d+$/.test(f))
      .map((f) => Number(/^totals:\s*(\d+)/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? 0))
      .reduce((a, b) => a + b, 0);
    if (total === 0) throw new Error(`no callgrind dump in ${dir}`);
    return { side, perHeartbeat: total / count, dir };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode === null ? server.once('exit', resolve) : resolve(null)));
    rmSync(join(dir, 'replay.db'), { force: true });
  }
}

async function waitUp(base: string, server: ChildProcess): Promise<void> {
  // Valgrind starts Node slowly: up to two minutes.
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      await fetch(`${base}/x/web-interface/nav`);
      return;
    } catch {
      await sleep(500);
    }
  }
  throw new Error('server did not start');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const opts = program.parse().opts<{ runs: number; warm: number; count: number }>();
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is needed (apt-get install valgrind)');
  }
  // The server runs as `npm start` runs it, from dist/ (a stale build would run the sources through tsx).
  execFileSync(process.execPath, [join(ROOT, 'bin', 'build-server.js')], { cwd: ROOT, stdio: 'inherit' });
  const runs: Run[] = [];
  for (let r = 0; r < opts.runs; r++) {
    for (const side of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const run = await measure(side, opts.warm, opts.count);
      runs.push(run);
      console.error(
        `  ${side} #${r + 1}: ${Math.round(run.perHeartbeat)} instructions per heartbeat (${run.dir})`,
      );
    }
  }
  const of = (side: 'off' | 'on') => median(runs.filter((r) => r.side === side).map((r) => r.perHeartbeat));
  console.log(
    [
      `Instructions per heartbeat (callgrind, ${opts.count} heartbeats after ${opts.warm}, ${opts.runs} runs per side):`,
      `off ${Math.round(of('off'))}, on ${Math.round(of('on'))}; on / off ${(of('on') / of('off')).toFixed(3)}.`,
      `Command: \`node ./bin/run-ts.js bench/toolkit-instructions.ts --runs ${opts.runs} --warm ${opts.warm} --count ${opts.count}\``,
    ].join('\n'),
  );
}

await main();
