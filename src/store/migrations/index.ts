import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import * as foundation from './2026-11-22-01-foundation.ts';
import * as comments from './2026-11-22-02-comments.ts';
import * as history from './2026-11-22-04-history.ts';
import * as emotes from './2026-11-22-03-emotes.ts';
import * as rateLimits from './2026-11-22-05-rate-limits.ts';

/** All migrations, in order. Names are dated and sort lexically; a released one is never edited. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-22-01-foundation': foundation,
  '2026-11-22-02-comments': comments,
  '2026-11-22-04-history': history,
  '2026-11-22-03-emotes': emotes,
  '2026-11-22-05-rate-limits': rateLimits,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Brings the schema up to date; throws (naming the migration) if one fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Features are developed in parallel, so a dated migration may land after a later-dated one has run.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(
      failed ? `migration ${failed.migrationName} failed: ${reason}` : `cannot migrate: ${reason}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
