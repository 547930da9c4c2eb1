import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { createDb, isPostgresUrl } from '../store/database.ts';
import { Store } from '../store/store.ts';

/**
 * `replay backup <file>`: a consistent copy of a SQLite database through SQLite's online backup API,
 * safe while the server keeps writing. PostgreSQL has its own tool for that; Replay prints the
 * `pg_dump` command for the configured database and exits 2 without writing anything.
 */
export function registerBackupCommand(program: Command, config: () => Config): void {
  program
    .command('backup <file>')
    .description('copy a SQLite database while the server runs (PostgreSQL: prints the pg_dump command)')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string, opts: { force?: boolean }) => {
      const target = config().db;
      if (isPostgresUrl(target)) {
        console.error(postgresInstructions(target, file));
        process.exitCode = 2;
        return;
      }
      if (existsSync(file) && !opts.force) {
        console.error(`replay: ${file} exists; pass --force to overwrite it`);
        process.exitCode = 1;
        return;
      }
      const store = new Store(createDb(target));
      try {
        const pages = await store.backupSqlite(file);
        if (pages !== null) console.error(`backed up ${pages} pages to ${file}`);
      } finally {
        await store.close();
      }
    });
}

/** The pg_dump / pg_restore lines for the URL's parts; the password stays out of the output. */
export function postgresInstructions(url: string, file: string): string {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  const parts = [
    `--host=${shellWord(decodeURIComponent(u.hostname) || 'localhost')}`,
    `--port=${u.port || '5432'}`,
    ...(u.username ? [`--username=${shellWord(decodeURIComponent(u.username))}`] : []),
  ];
  return [
    'replay: backup of a PostgreSQL database is done with pg_dump (same major version as the server):',
    '',
    `  pg_dump --format=custom --no-owner ${parts.join(' ')} --dbname=${shellWord(database)} --file=${shellWord(file)}`,
    '',
    'give the password through PGPASSWORD or ~/.pgpass; restore into an empty database with',
    '',
    `  pg_restore --no-owner ${parts.join(' ')} --dbname=<new database> ${shellWord(file)}`,
    '',
    'or use `replay export` / `replay import`, which also move data between SQLite and PostgreSQL.',
  ].join('\n');
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
