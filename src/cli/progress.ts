import type * as CliProgress from 'cli-progress';
import type { DumpProgress } from '../store/dump/dump.ts';
import { lazyModule } from '../lazy-module.ts';

/** Loaded only when a bar is shown (every command, `serve` included, is in the one CLI program). */
const cliProgress = lazyModule<typeof CliProgress>('cli-progress');

/**
 * A progress bar on stderr while a person watches (both stdout and stderr are terminals); nothing at all
 * when the output goes to a file, a pipe or a log, so scripts see only their data.
 */
export function terminalProgress(label: string): DumpProgress {
  if (!process.stderr.isTTY || !process.stdout.isTTY) {
    return { start: () => undefined, advance: () => undefined, stop: () => undefined };
  }
  const { SingleBar, Presets } = cliProgress();
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} rows`,
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    start(total) {
      bar.start(total, 0);
      started = true;
    },
    advance(rows) {
      if (started) bar.increment(rows);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
