import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import type { Command } from 'commander';
import { databaseOptions } from '../config.ts';
import type { Config } from '../config.ts';
import { createDb } from '../store/database.ts';
import { DumpError } from '../store/dump/dump.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';
import { terminalProgress } from './progress.ts';

/**
 * `replay import <file>`: loads an export into an empty database (migrated first), all or nothing. A bad
 * line is reported with its number and exit code 1.
 */
export function registerImportCommand(program: Command, config: () => Config): void {
  program
    .command('import <file>')
    .description(
      'load a `replay export` file (JSON Lines; "-" for stdin) into an empty database, all or nothing',
    )
    .option('--replace', 'delete every row of the database first (in the same transaction)')
    .action(async (file: string, opts: { replace?: boolean }) => {
      if (file !== '-' && !existsSync(file)) {
        console.error(`replay: ${file}: no such file`);
        process.exitCode = 1;
        return;
      }
      const cfg = config();
      const handle = createDb(cfg.db, databaseOptions(cfg));
      const store = new Store(handle);
      let lines: Interface | null = null;
      try {
        await migrateToLatest(handle.db);
        // Opened only now: readline drops the lines it reads before anyone iterates over them.
        const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
        lines = createInterface({ input, crlfDelay: Infinity });
        const { rows, header } = await store.importDump(
          lines,
          { replace: opts.replace === true },
          terminalProgress('import'),
        );
        console.error(
          `imported ${rows} rows of ${Object.keys(header.tables).length} tables (export of ${header.exported_at}, schema ${header.schema})`,
        );
      } catch (error) {
        if (!(error instanceof DumpError)) throw error;
        console.error(`replay: import failed, nothing was imported: ${error.message}`);
        process.exitCode = 1;
      } finally {
        lines?.close();
        await store.close();
      }
    });
}
