import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import * as foundation from './2026-11-22-01-foundation.ts';
import * as comments from './2026-11-22-02-comments.ts';
import * as history from './2026-11-22-04-history.ts';
import * as emotes from './2026-11-22-03-emotes.ts';
import * as rateLimits from './2026-11-22-05-rate-limits.ts';
import * as devices from './2026-12-05-01-devices.ts';
import * as tvLogin from './2026-12-05-03-tv-login.ts';
import * as cookieRefresh from './2026-12-05-02-cookie-refresh.ts';
import * as replyDedupe from './2026-12-05-06-reply-dedupe.ts';
import * as seasons from './2026-12-05-05-seasons.ts';
import * as emoteSettings from './2026-12-05-04-emote-settings.ts';
import * as notices from './2026-12-05-07-notices.ts';
import * as accounts from './2026-12-05-08-accounts.ts';
import * as onlineAndToview from './2026-12-05-09-online-and-toview.ts';
import * as outbox from './2026-12-05-10-outbox.ts';
import * as toolkit from './2026-12-05-11-toolkit.ts';
import * as analytics from './2026-12-05-12-analytics.ts';
import * as auditLog from './2026-12-05-13-audit-log.ts';
import * as toolkitCluster from './2026-12-06-01-toolkit-cluster.ts';
import * as onlineViewers from './2026-12-06-02-online-viewers.ts';
import * as toolkitJournalTime from './2026-12-06-03-toolkit-journal-time.ts';
import * as analyticsSessionStart from './2026-12-06-04-analytics-session-start.ts';
import * as webhookDeliveryStates from './2026-12-07-01-webhook-delivery-states.ts';

/** All migrations, in order. Names are dated and sort lexically; a released one is never edited. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-22-01-foundation': foundation,
  '2026-11-22-02-comments': comments,
  '2026-11-22-04-history': history,
  '2026-11-22-03-emotes': emotes,
  '2026-11-22-05-rate-limits': rateLimits,
  '2026-12-05-01-devices': devices,
  '2026-12-05-03-tv-login': tvLogin,
  '2026-12-05-02-cookie-refresh': cookieRefresh,
  '2026-12-05-06-reply-dedupe': replyDedupe,
  '2026-12-05-05-seasons': seasons,
  '2026-12-05-04-emote-settings': emoteSettings,
  '2026-12-05-07-notices': notices,
  '2026-12-05-08-accounts': accounts,
  '2026-12-05-09-online-and-toview': onlineAndToview,
  '2026-12-05-10-outbox': outbox,
  '2026-12-05-11-toolkit': toolkit,
  '2026-12-05-12-analytics': analytics,
  '2026-12-05-13-audit-log': auditLog,
  '2026-12-06-01-toolkit-cluster': toolkitCluster,
  '2026-12-06-02-online-viewers': onlineViewers,
  '2026-12-06-03-toolkit-journal-time': toolkitJournalTime,
  '2026-12-06-04-analytics-session-start': analyticsSessionStart,
  '2026-12-07-01-webhook-delivery-states': webhookDeliveryStates,
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
