import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// The admin API's delivery log counts an endpoint's deliveries by state on every read
// (OutboxRepository.deliveryStates). Without an index that is a scan of every delivery kept (up to
// REPLAY_OUTBOX_RETENTION_DAYS of them, payloads included), which on SQLite blocks the event loop: 200 ms
// at 1M deliveries here, 26 ms counted from this index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, state)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX webhook_deliveries_endpoint`.execute(db);
}
