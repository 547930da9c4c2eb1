import type { Insertable, Kysely, RawBuilder, Selectable } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import { insertForLiveUser, written } from './live-user.ts';
import type {
  MailQueueTable,
  OutboxEventsTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from '../tables/outbox.tables.ts';

export type OutboxEventRow = Selectable<OutboxEventsTable>;
export type NewOutboxEvent = Insertable<OutboxEventsTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
export type NewWebhookAttempt = Insertable<WebhookAttemptsTable>;
/** A delivery as the fan-out writes it: every column given. */
export type NewWebhookDelivery = Omit<WebhookDeliveryRow, 'id'>;
export type MailItemRow = Selectable<MailQueueTable>;
/** An outbox event written by the statement of its cause (a comment's insert adds `rpid` and `floor`). */
export interface CausedEvent {
  event_id: string;
  type: string;
  payload: string;
}

export interface AttemptResult {
  attempt: NewWebhookAttempt;
  outcome: { state: 'delivered' | 'dead' } | { state: 'pending'; nextAt: number };
}

export interface UserMail {
  mid: number;
  email: string;
  optOut: boolean;
}

/**
 * The outbox (DESIGN.md §9): event rows are written only inside the transaction (or the one statement) of
 * their cause; everything else here is the dispatcher's and the admin API's. Claims are single statements
 * that move a row's `next_at` / `lease_until` past the send's timeout, so two nodes never send one delivery
 * at once (PostgreSQL: `FOR UPDATE SKIP LOCKED`, nodes skip each other's rows instead of waiting; SQLite
 * serialises writers anyway) and a claim held by a node that died simply expires.
 */
export class OutboxRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
  }

  // --- event rows (inside the causing transaction) --------------------------------------------------

  /**
   * One statement for all rows, its text built once per row count: this runs inside every comment's
   * transaction, where building and compiling Kysely's query tree cost more than SQLite's insert.
   */
  async insertEvents(rows: readonly NewOutboxEvent[]): Promise<void> {
    if (rows.length === 0) return;
    const parameters: unknown[] = [];
    for (const r of rows) parameters.push(r.event_id, r.type, r.time, r.payload);
    await this.db.executeQuery(
      CompiledQuery.raw(insertText(this.postgres, 'outbox_events', EVENT_COLUMNS, rows.length), parameters),
    );
  }

  /**
   * PostgreSQL: the CTE body writing an event for the comment the CTE named `inserted` returns; the
   * comment's `rpid` and `floor` are merged into `payload` (ReplyRepository.insertRoot stays one statement).
   */
  static insertFromInserted(event: CausedEvent): RawBuilder<unknown> {
    return sql`INSERT INTO outbox_events (event_id, type, time, payload)
      SELECT ${event.event_id}::text, ${event.type}::text, inserted.ctime,
        (${event.payload}::jsonb || jsonb_build_object('rpid', inserted.rpid, 'floor', inserted.floor))::text
      FROM inserted`;
  }

  /** Prepared SQLite text of one event insert, for the watch batch writer's synchronous transaction. */
  static readonly SQLITE_INSERT =
    'INSERT INTO outbox_events (event_id, type, time, payload) VALUES (@event_id, @type, @time, @payload)';

  // --- fan-out -------------------------------------------------------------------------------------

  /** Events not yet turned into deliveries, oldest first, locked for this transaction (PostgreSQL). */
  async claimUnfanned(limit: number): Promise<OutboxEventRow[]> {
    let query = this.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('fanned', '=', 0)
      .orderBy('id')
      .limit(limit);
    if (this.postgres) query = query.forUpdate().skipLocked();
    return query.execute();
  }

  async markFanned(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('outbox_events')
      .set({ fanned: 1 })
      .where('id', 'in', [...ids])
      .execute();
  }

  /**
   * Returns the rows written (a delivery that exists already, fanned out before a crash, is not), built
   * from the caller's rows and the ids the insert returns: the payloads are not read back.
   */
  async insertDeliveries(rows: readonly NewWebhookDelivery[]): Promise<WebhookDeliveryRow[]> {
    if (rows.length === 0) return [];
    const parameters: unknown[] = [];
    for (const r of rows) {
      parameters.push(r.endpoint_id, r.event_id, r.type, r.payload, r.time, r.state, r.attempts, r.next_at);
    }
    const text = insertText(
      this.postgres,
      'webhook_deliveries',
      DELIVERY_COLUMNS,
      rows.length,
      DELIVERY_TAIL,
    );
    const { rows: ids } = await this.db.executeQuery<{ id: number; event_id: string; endpoint_id: number }>(
      CompiledQuery.raw(text, parameters),
    );
    const byKey = new Map(rows.map((r) => [`${r.endpoint_id}|${r.event_id}`, r]));
    return ids.map((inserted) => {
      const row = byKey.get(`${Number(inserted.endpoint_id)}|${inserted.event_id}`)!;
      return { ...row, id: Number(inserted.id) };
    });
  }

  async insertMailItems(rows: readonly Insertable<MailQueueTable>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('mail_queue')
      .values([...rows])
      .onConflict((oc) => oc.columns(['event_id', 'recipient_mid']).doNothing())
      .execute();
    const mids = [...new Set(rows.map((r) => r.recipient_mid))];
    await this.db
      .insertInto('mail_recipients')
      .values(mids.map((mid) => ({ mid, last_sent_at: 0, lease_until: 0 })))
      .onConflict((oc) => oc.column('mid').doNothing())
      .execute();
  }

  // --- webhook deliveries --------------------------------------------------------------------------

  /** Pending deliveries due at `nowMs`, claimed until `leaseUntil` (one statement). */
  async claimDueDeliveries(nowMs: number, leaseUntil: number, limit: number): Promise<WebhookDeliveryRow[]> {
    const lock = this.postgres ? sql`FOR UPDATE SKIP LOCKED` : sql``;
    const { rows } = await sql<WebhookDeliveryRow>`UPDATE webhook_deliveries SET next_at = ${leaseUntil}
      WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ${nowMs}
        ORDER BY next_at, id LIMIT ${limit} ${lock}
      ) AND state = 'pending' AND next_at <= ${nowMs}
      RETURNING *`.execute(this.db);
    return rows.map(normaliseDelivery);
  }

  /**
   * The outcomes of one pass's attempts: the log rows and each delivery's new state, in the caller's
   * transaction (one per pass: the delivered ones, the usual case, in one statement).
   */
  async recordAttempts(results: readonly AttemptResult[]): Promise<void> {
    if (results.length === 0) return;
    const parameters: unknown[] = [];
    for (const { attempt: a } of results) {
      parameters.push(
        a.delivery_id,
        a.endpoint_id,
        a.event_id,
        a.attempt,
        a.at,
        a.status,
        a.latency_ms,
        a.error,
      );
    }
    await this.db.executeQuery(
      CompiledQuery.raw(
        insertText(this.postgres, 'webhook_attempts', ATTEMPT_COLUMNS, results.length),
        parameters,
      ),
    );
    const delivered = results.filter((r) => r.outcome.state === 'delivered');
    if (delivered.length > 0) {
      await this.db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ state: 'delivered', attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          delivered.map((r) => r.attempt.delivery_id),
        )
        .execute();
    }
    for (const { attempt, outcome } of results) {
      if (outcome.state === 'delivered') continue;
      await this.db
        .updateTable('webhook_deliveries')
        .set({
          state: outcome.state,
          attempts: attempt.attempt,
          ...(outcome.state === 'pending' ? { next_at: outcome.nextAt } : {}),
        })
        .where('id', '=', attempt.delivery_id)
        .execute();
    }
  }

  /** The delivery log of an endpoint, newest first, before attempt id `before`. */
  async attempts(
    endpointId: number,
    before: number | undefined,
    limit: number,
  ): Promise<WebhookAttemptRow[]> {
    let query = this.db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId);
    if (before !== undefined) query = query.where('id', '<', before);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      delivery_id: Number(r.delivery_id),
      endpoint_id: Number(r.endpoint_id),
      at: Number(r.at),
    }));
  }

  async deliveryStates(endpointId: number): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('endpoint_id', '=', endpointId)
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  // --- endpoints -----------------------------------------------------------------------------------

  async createEndpoint(row: Insertable<WebhookEndpointsTable>): Promise<WebhookEndpointRow> {
    const created = await this.db
      .insertInto('webhook_endpoints')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
    return normaliseEndpoint(created);
  }

  async updateEndpoint(
    id: number,
    patch: Partial<Omit<Insertable<WebhookEndpointsTable>, 'id' | 'created_at'>>,
  ): Promise<WebhookEndpointRow | undefined> {
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && normaliseEndpoint(row);
  }

  async deleteEndpoint(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    // Its pending deliveries go with it; the log stays readable until the endpoint id is reused (never).
    await this.db
      .deleteFrom('webhook_deliveries')
      .where('endpoint_id', '=', id)
      .where('state', '=', 'pending')
      .execute();
    return Number(result.numDeletedRows) > 0;
  }

  async endpoint(id: number): Promise<WebhookEndpointRow | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && normaliseEndpoint(row);
  }

  async endpoints(): Promise<WebhookEndpointRow[]> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
    return rows.map(normaliseEndpoint);
  }

  /**
   * Retention: fanned events, finished deliveries and log rows older than the cutoffs go (pending work
   * never does). Returns the rows deleted.
   */
  async prune(beforeSeconds: number, beforeMs: number): Promise<number> {
    const events = await this.db
      .deleteFrom('outbox_events')
      .where('fanned', '=', 1)
      .where('time', '<', beforeSeconds)
      .executeTakeFirst();
    const deliveries = await this.db
      .deleteFrom('webhook_deliveries')
      .where('state', '<>', 'pending')
      .where('next_at', '<', beforeMs)
      .executeTakeFirst();
    const attempts = await this.db
      .deleteFrom('webhook_attempts')
      .where('at', '<', beforeMs)
      .executeTakeFirst();
    return [events, deliveries, attempts].reduce((n, r) => n + Number(r.numDeletedRows), 0);
  }

  // --- e-mail --------------------------------------------------------------------------------------

  async userMail(mids: readonly number[]): Promise<Map<number, UserMail>> {
    if (mids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('user_mail')
      .selectAll()
      .where('mid', 'in', [...mids])
      .execute();
    return new Map(
      rows.map((r) => [Number(r.mid), { mid: Number(r.mid), email: r.email, optOut: r.opt_out === 1 }]),
    );
  }

  /** False when `mid` is no live account (`liveUserRow`: a change racing the deletion writes nothing). */
  async setUserMail(mid: number, patch: { email?: string; optOut?: boolean }, now: number): Promise<boolean> {
    const set = {
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.optOut !== undefined ? { opt_out: patch.optOut ? 1 : 0 } : {}),
      updated_at: now,
    };
    const result = await insertForLiveUser(this.db, this.postgres, 'user_mail', mid, {
      email: [patch.email ?? '', 'text'],
      opt_out: [patch.optOut ? 1 : 0, 'integer'],
      updated_at: [now, 'bigint'],
    })
      .onConflict((oc) => oc.column('mid').doUpdateSet(set))
      .executeTakeFirst();
    return written(result);
  }

  /**
   * Recipients with queued items whose last mail is at least `windowMs` old, claimed until `leaseUntil`:
   * the digest limit (later items wait in the queue and go out together).
   */
  async claimMailRecipients(
    nowMs: number,
    windowMs: number,
    leaseUntil: number,
    limit: number,
  ): Promise<number[]> {
    const lock = this.postgres ? sql`FOR UPDATE SKIP LOCKED` : sql``;
    const { rows } = await sql<{ mid: number }>`UPDATE mail_recipients SET lease_until = ${leaseUntil}
      WHERE mid IN (
        SELECT r.mid FROM mail_recipients r
        WHERE r.last_sent_at <= ${nowMs - windowMs} AND r.lease_until <= ${nowMs}
          AND EXISTS (SELECT 1 FROM mail_queue q WHERE q.recipient_mid = r.mid)
        ORDER BY r.mid LIMIT ${limit} ${lock}
      ) AND lease_until <= ${nowMs}
      RETURNING mid`.execute(this.db);
    return rows.map((r) => Number(r.mid));
  }

  async mailItems(mid: number, limit: number): Promise<MailItemRow[]> {
    const rows = await this.db
      .selectFrom('mail_queue')
      .selectAll()
      .where('recipient_mid', '=', mid)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), recipient_mid: Number(r.recipient_mid) }));
  }

  /** The mail went out (or was not wanted): its items leave the queue and the window starts at `sentAt`. */
  async finishMail(mid: number, itemIds: readonly number[], sentAt: number | null): Promise<void> {
    if (itemIds.length > 0)
      await this.db
        .deleteFrom('mail_queue')
        .where('id', 'in', [...itemIds])
        .execute();
    await this.db
      .updateTable('mail_recipients')
      .set({ lease_until: 0, ...(sentAt !== null ? { last_sent_at: sentAt } : {}) })
      .where('mid', '=', mid)
      .execute();
  }

  /** Sending failed: the claim is given up so that a later pass tries again. */
  async releaseMail(mid: number, retryAt: number): Promise<void> {
    await this.db
      .updateTable('mail_recipients')
      .set({ lease_until: retryAt })
      .where('mid', '=', mid)
      .execute();
  }
}

const EVENT_COLUMNS = ['event_id', 'type', 'time', 'payload'] as const;
const DELIVERY_COLUMNS = [
  'endpoint_id',
  'event_id',
  'type',
  'payload',
  'time',
  'state',
  'attempts',
  'next_at',
] as const;
const DELIVERY_TAIL = ' ON CONFLICT (event_id, endpoint_id) DO NOTHING RETURNING id, event_id, endpoint_id';
const ATTEMPT_COLUMNS = [
  'delivery_id',
  'endpoint_id',
  'event_id',
  'attempt',
  'at',
  'status',
  'latency_ms',
  'error',
] as const;

/** Multi-row INSERT texts by dialect, table and row count (rows per statement are bounded by BATCH). */
const insertTexts = new Map<string, string>();

function insertText(
  postgres: boolean,
  table: string,
  columns: readonly string[],
  rows: number,
  tail = '',
): string {
  const key = `${postgres ? 'p' : 's'}|${table}|${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
    const values = Array.from({ length: rows }, tuple).join(', ');
    text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}${tail}`;
    if (insertTexts.size < 2048) insertTexts.set(key, text);
  }
  return text;
}

// pg returns int8 as strings (DESIGN.md §3).
function normaliseDelivery(r: WebhookDeliveryRow): WebhookDeliveryRow {
  return {
    ...r,
    id: Number(r.id),
    endpoint_id: Number(r.endpoint_id),
    time: Number(r.time),
    attempts: Number(r.attempts),
    next_at: Number(r.next_at),
  };
}

function normaliseEndpoint(r: WebhookEndpointRow): WebhookEndpointRow {
  return { ...r, id: Number(r.id), created_at: Number(r.created_at), updated_at: Number(r.updated_at) };
}
