import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { databaseOptions } from '../config.ts';
import type { Config } from '../config.ts';
import { isAreaType } from '../domain/area-types.ts';
import {
  CommentImportError,
  parseJsonFile,
  planImport,
  readArtalk,
  readMapping,
  readWaline,
} from '../domain/comment-import.ts';
import type { CommentSource } from '../domain/comment-import.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';

/**
 * `replay import-comments --from waline|artalk FILE --map MAPPING.json`: another comment system's export
 * into Replay comment areas (docs/data.md), all or nothing; problems are listed with record numbers.
 */
export function registerImportCommentsCommand(program: Command, config: () => Config): void {
  program
    .command('import-comments <file>')
    .description('import a Waline export or an Artalk Artrans file into comment areas, all or nothing')
    .requiredOption('--from <system>', 'waline or artalk', (v: string) => {
      if (v !== 'waline' && v !== 'artalk') throw new InvalidArgumentError('expected waline or artalk');
      return v;
    })
    .requiredOption('--map <file>', 'JSON mapping of page URLs or paths to comment areas')
    .action(async (file: string, opts: { from: CommentSource; map: string }) => {
      try {
        const mapping = readMapping(parseJsonFile(readText(opts.map), opts.map), isAreaType);
        const doc = parseJsonFile(readText(file), file);
        const comments = opts.from === 'waline' ? readWaline(doc) : readArtalk(doc);
        const plan = planImport(comments, mapping);
        const cfg = config();
        const handle = createDb(cfg.db, databaseOptions(cfg));
        const store = new Store(handle);
        try {
          await migrateToLatest(handle.db);
          const done = await store.importComments(plan, opts.from, {
            ...(mapping.owner === undefined ? {} : { defaultOwner: mapping.owner }),
            now: Math.floor(Date.now() / 1000),
          });
          console.log(
            `imported ${done.comments} comments into ${done.areas} areas from ${done.authors} authors` +
              (done.likers ? ` (${done.likers} placeholder likers)` : '') +
              (plan.skipped ? `; skipped ${plan.skipped} held back by ${opts.from} (pending or spam)` : ''),
          );
        } finally {
          await store.close();
        }
      } catch (error) {
        if (!(error instanceof CommentImportError)) throw error;
        console.error(`replay: import failed, nothing was imported: ${error.message}`);
        process.exitCode = 1;
      }
    });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommentImportError(
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}
