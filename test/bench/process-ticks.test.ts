import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CLOCK_TICKS, treeTicks } from '../../bench/lib/processes.ts';

// A root process that, when told, starts a child burning 300 ms of its own CPU, reaps it and says so.
const ROOT = `
const { spawnSync } = require('node:child_process');
process.stdin.once('data', () => {
  spawnSync(process.execPath, ['-e', 'const s = process.cpuUsage(); while ((process.cpuUsage(s).user + process.cpuUsage(s).system) < 300000);']);
  process.stdout.write('reaped\\n');
});
setInterval(() => {}, 1000);
`;

describe('treeTicks', () => {
  it('keeps the CPU of a child that exited during the measurement (the root reaped it)', async () => {
    const root = spawn(process.execPath, ['-e', ROOT], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = treeTicks([root.pid!]);
      root.stdin.write('go\n');
      await once(root.stdout, 'data');
      const after = treeTicks([root.pid!]);
      // 300 ms of the child's CPU, in clock ticks; the root itself used next to nothing meanwhile.
      expect(after - before).toBeGreaterThanOrEqual(0.25 * CLOCK_TICKS);
    } finally {
      root.kill('SIGKILL');
    }
  });
});
