import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { databaseOptions } from '../config.ts';
import type { Config } from '../config.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';
import { terminalProgress } from './progress.ts';

/** `replay export [file]`: the whole database as JSON Lines (docs/data.md), to a file or stdout. */
export function registerExportCommand(program: Command, config: () => Config): void {
  program
    .command('export [file]')
    .description('write the whole database as JSON Lines (to stdout when no file is given)')
    .action(async (file: string | undefined) => {
      const cfg = config();
      const handle = createDb(cfg.db, databaseOptions(cfg));
      const store = new Store(handle);
      const toStdout = file === undefined || file === '-';
      // A file appears under its name only once complete: a failed export leaves no half file behind.
      const partial = toStdout ? null : `${file}.partial`;
      const out: Writable = partial === null ? process.stdout : createWriteStream(partial);
      try {
        await migrateToLatest(handle.db);
        const header = await store.exportDump((line) => writeTo(out, line), terminalProgress('export'));
        if (partial !== null) {
          await new Promise<void>((resolve, reject) =>
            out.end((e?: Error | null) => (e ? reject(e) : resolve())),
          );
          renameSync(partial, file!);
          const rows = Object.values(header.tables).reduce((a, b) => a + b, 0);
          console.error(`exported ${rows} rows of ${Object.keys(header.tables).length} tables to ${file}`);
        }
      } catch (error) {
        if (partial !== null) {
          out.destroy();
          rmSync(partial, { force: true });
        }
        throw error;
      } finally {
        await store.close();
      }
    });
}

function writeTo(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    out.once('error', onError);
    const done = () => {
      out.off('error', onError);
      resolve();
    };
    if (out.write(chunk)) done();
    else out.once('drain', done);
  });
}
