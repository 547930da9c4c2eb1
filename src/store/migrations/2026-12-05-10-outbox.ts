import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

// Frozen. Outbound notifications (DESIGN.md §9, docs/webhooks.md):
// - `outbox_events`: one row per domain event, written in the transaction (or the one statement) of its
//   cause; `fanned` = 0 until a dispatcher turned it into deliveries (keyset (fanned, id)).
// - `webhook_endpoints`: the operator's endpoints; `events` is a JSON array of event types.
// - `webhook_deliveries`: one job per (event, endpoint), claimed by `next_at` (Unix ms; a claim pushes it
//   past the send's timeout, so a crashed node's claim simply expires).
// - `webhook_attempts`: the delivery log, one row per HTTP attempt.
// - `user_mail`: a user's e-mail address and opt-out; `mail_queue` the reply/@ items waiting for their
//   recipient's next mail; `mail_recipients` when each recipient was last mailed (the digest limit).
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? sql`id bigserial PRIMARY KEY` : sql`id integer PRIMARY KEY AUTOINCREMENT`;

  await sql`CREATE TABLE outbox_events (
    ${id},
    event_id text NOT NULL UNIQUE,
    type text NOT NULL,
    time bigint NOT NULL,
    payload text NOT NULL,
    fanned integer NOT NULL DEFAULT 0
  )`.execute(db);
  await sql`CREATE INDEX outbox_events_pending ON outbox_events (fanned, id)`.execute(db);

  await sql`CREATE TABLE webhook_endpoints (
    ${id},
    url text NOT NULL,
    secret text NOT NULL,
    events text NOT NULL,
    enabled integer NOT NULL DEFAULT 1,
    description text NOT NULL DEFAULT '',
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  )`.execute(db);

  await sql`CREATE TABLE webhook_deliveries (
    ${id},
    endpoint_id bigint NOT NULL,
    event_id text NOT NULL,
    type text NOT NULL,
    payload text NOT NULL,
    time bigint NOT NULL,
    state text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_at bigint NOT NULL,
    UNIQUE (event_id, endpoint_id)
  )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at)`.execute(db);

  await sql`CREATE TABLE webhook_attempts (
    ${id},
    delivery_id bigint NOT NULL,
    endpoint_id bigint NOT NULL,
    event_id text NOT NULL,
    attempt integer NOT NULL,
    at bigint NOT NULL,
    status integer NOT NULL,
    latency_ms integer NOT NULL,
    error text NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX webhook_attempts_log ON webhook_attempts (endpoint_id, id)`.execute(db);

  await sql`CREATE TABLE user_mail (
    mid bigint PRIMARY KEY,
    email text NOT NULL DEFAULT '',
    opt_out integer NOT NULL DEFAULT 0,
    updated_at bigint NOT NULL
  )`.execute(db);

  await sql`CREATE TABLE mail_queue (
    ${id},
    recipient_mid bigint NOT NULL,
    event_id text NOT NULL,
    kind text NOT NULL,
    payload text NOT NULL,
    UNIQUE (event_id, recipient_mid)
  )`.execute(db);
  await sql`CREATE INDEX mail_queue_recipient ON mail_queue (recipient_mid, id)`.execute(db);

  await sql`CREATE TABLE mail_recipients (
    mid bigint PRIMARY KEY,
    last_sent_at bigint NOT NULL DEFAULT 0,
    lease_until bigint NOT NULL DEFAULT 0
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'mail_recipients',
    'mail_queue',
    'user_mail',
    'webhook_attempts',
    'webhook_deliveries',
    'webhook_endpoints',
    'outbox_events',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
