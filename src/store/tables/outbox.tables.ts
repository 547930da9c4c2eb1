import type { Generated } from 'kysely';

/** Outbound notifications' storage (DESIGN.md §9); see the outbox migration. */

export interface OutboxEventsTable {
  id: Generated<number>;
  /** The idempotency id receivers see (`X-Replay-Event-Id`), a UUID. */
  event_id: string;
  type: string;
  /** Unix seconds, the cause's time. */
  time: number;
  /** JSON object. */
  payload: string;
  fanned: Generated<number>;
}

export interface WebhookEndpointsTable {
  id: Generated<number>;
  url: string;
  secret: string;
  /** JSON array of event types. */
  events: string;
  enabled: number;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  endpoint_id: number;
  event_id: string;
  type: string;
  payload: string;
  time: number;
  /** 'pending' | 'delivered' | 'dead'. */
  state: string;
  attempts: number;
  /** Unix ms: when it is due (pending), or when its claim expires while it is being sent. */
  next_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  endpoint_id: number;
  event_id: string;
  attempt: number;
  /** Unix ms. */
  at: number;
  /** HTTP status; 0 when no response came (refused, timed out). */
  status: number;
  latency_ms: number;
  error: string;
}

export interface UserMailTable {
  mid: number;
  email: string;
  opt_out: number;
  updated_at: number;
}

export interface MailQueueTable {
  id: Generated<number>;
  recipient_mid: number;
  event_id: string;
  /** 'reply' | 'at'. */
  kind: string;
  payload: string;
}

export interface MailRecipientsTable {
  mid: number;
  /** Unix ms. */
  last_sent_at: number;
  lease_until: number;
}
