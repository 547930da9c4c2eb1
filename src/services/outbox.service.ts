import { randomBytes, randomUUID } from 'node:crypto';
import { BiliError, badParam } from '../errors.ts';
import type {
  NewOutboxEvent,
  UserMail,
  WebhookAttemptRow,
  WebhookEndpointRow,
} from '../store/repositories/outbox.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';

/** Every event type an endpoint can subscribe to (docs/webhooks.md). */
export const EVENT_TYPES = [
  'comment.posted',
  'comment.replied',
  'comment.mentioned',
  'comment.liked',
  'comment.deleted',
  'comment.reported',
  'history.heartbeat',
  'history.report',
  'account.deleted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an endpoint created without a filter receives: every comment event; the others are opt-in. */
export const DEFAULT_EVENTS: readonly EventType[] = EVENT_TYPES.filter((t) => t.startsWith('comment.'));

/** The events e-mail is made from (to the recipient of a reply or an @mention). */
export const MAIL_EVENTS: readonly EventType[] = ['comment.posted', 'comment.replied', 'comment.mentioned'];

/** An event before it has a row: the comment's id may still be unknown (PostgreSQL's one-statement add). */
export interface PendingEvent {
  event_id: string;
  type: EventType;
  payload: string;
}

export interface OutboxOptions {
  /** How long this node trusts its cached set of wanted event types, ms (the bound of docs/webhooks.md). */
  cacheMs: number;
  /** An SMTP server is configured: the mail events are wanted whatever the endpoints say. */
  mail: boolean;
}

export interface EndpointInput {
  url: string;
  events?: readonly string[];
  secret?: string;
  enabled?: boolean;
  description?: string;
}

/**
 * The write side of the outbox and its configuration. Services ask `wants(type)` before their transaction
 * and write the event row inside it only when some enabled endpoint (or e-mail) wants that type, so writes
 * cost nothing extra while nobody listens. The answer comes from a per-node cache of the wanted types:
 * changed at once on the node that changed an endpoint, and re-read from the database when older than
 * `cacheMs` — so an endpoint added through another node receives events committed from `cacheMs` (plus
 * one refresh query) after its creation on; earlier ones were never recorded for it.
 */
export class OutboxService {
  private wanted = new Set<EventType>();
  private loadedAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: OutboxOptions,
  ) {}

  async init(): Promise<void> {
    await this.reload();
  }

  /** Whether an event of `type` must be recorded now; never waits (a stale cache refreshes behind). */
  wants(type: EventType): boolean {
    if (performance.now() - this.loadedAt > this.options.cacheMs) this.refreshBehind();
    return this.wanted.has(type);
  }

  /** `wants` for the hottest path: one Set lookup per heartbeat while no endpoint wants history events. */
  get wantsHistory(): boolean {
    return this.wants('history.heartbeat') || this.wanted.has('history.report');
  }

  event(type: EventType, payload: Record<string, unknown>): PendingEvent {
    return { event_id: eventId(), type, payload: JSON.stringify(payload) };
  }

  /** An event whose payload the caller has already written as a JSON object's text (the comment path). */
  eventFromJson(type: EventType, payload: string): PendingEvent {
    return { event_id: eventId(), type, payload };
  }

  /** The row of an event whose payload is complete. */
  row(event: PendingEvent, time = nowSeconds(this.clock)): NewOutboxEvent {
    return { event_id: event.event_id, type: event.type, time, payload: event.payload };
  }

  /** A history event's row, or undefined when no endpoint wants it (then the heartbeat costs as before). */
  historyRow(
    type: 'history.heartbeat' | 'history.report',
    payload: Record<string, unknown>,
  ): NewOutboxEvent | undefined {
    if (!this.wants(type)) return undefined;
    return this.row(this.event(type, payload));
  }

  // --- endpoints (admin API) -----------------------------------------------------------------------

  async createEndpoint(input: EndpointInput): Promise<WebhookEndpointRow> {
    const now = nowSeconds(this.clock);
    const row = await this.store.outbox.createEndpoint({
      url: checkedUrl(input.url),
      secret: input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`,
      events: JSON.stringify(checkedEvents(input.events ?? DEFAULT_EVENTS)),
      enabled: input.enabled === false ? 0 : 1,
      description: input.description ?? '',
      created_at: now,
      updated_at: now,
    });
    await this.reload();
    return row;
  }

  async updateEndpoint(id: number, input: Partial<EndpointInput>): Promise<WebhookEndpointRow> {
    const row = await this.store.outbox.updateEndpoint(id, {
      ...(input.url !== undefined ? { url: checkedUrl(input.url) } : {}),
      ...(input.events !== undefined ? { events: JSON.stringify(checkedEvents(input.events)) } : {}),
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      updated_at: nowSeconds(this.clock),
    });
    if (!row) throw new BiliError(-404, `no webhook endpoint ${id}`);
    await this.reload();
    return row;
  }

  async deleteEndpoint(id: number): Promise<void> {
    if (!(await this.store.outbox.deleteEndpoint(id))) throw new BiliError(-404, `no webhook endpoint ${id}`);
    await this.reload();
  }

  async endpoint(id: number): Promise<WebhookEndpointRow> {
    const row = await this.store.outbox.endpoint(id);
    if (!row) throw new BiliError(-404, `no webhook endpoint ${id}`);
    return row;
  }

  endpoints(): Promise<WebhookEndpointRow[]> {
    return this.store.outbox.endpoints();
  }

  async deliveryLog(
    id: number,
    before: number | undefined,
    limit: number,
  ): Promise<{ attempts: WebhookAttemptRow[]; states: Record<string, number> }> {
    await this.endpoint(id);
    const [attempts, states] = await Promise.all([
      this.store.outbox.attempts(id, before, limit),
      this.store.outbox.deliveryStates(id),
    ]);
    return { attempts, states };
  }

  // --- e-mail settings -----------------------------------------------------------------------------

  async mailSettings(mid: number): Promise<UserMail> {
    return (await this.store.outbox.userMail([mid])).get(mid) ?? { mid, email: '', optOut: false };
  }

  /** -626 for a deleted account: its address was erased with it, and it is mailed nothing more. */
  async setMailSettings(mid: number, patch: { email?: string; optOut?: boolean }): Promise<UserMail> {
    if (patch.email !== undefined && patch.email !== '' && !EMAIL.test(patch.email)) {
      throw badParam('email', '不是邮箱地址');
    }
    // No such account, or a deleted one (also one deleted while this ran): refused by the write itself.
    if (!(await this.store.outbox.setUserMail(mid, patch, nowSeconds(this.clock)))) {
      throw new BiliError(-626, `mid ${mid}`);
    }
    return this.mailSettings(mid);
  }

  // --- cache ---------------------------------------------------------------------------------------

  private refreshBehind(): void {
    this.refreshing ??= this.reload().then(
      () => {
        this.refreshing = null;
      },
      () => {
        // The database is away; the old answer stands and the next call tries again.
        this.refreshing = null;
        this.loadedAt = performance.now();
      },
    );
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    const rows = await this.store.outbox.endpoints();
    // A newer reload (an admin change on this node) has already set the answer.
    if (generation !== this.generation) return;
    const wanted = new Set<EventType>(this.options.mail ? MAIL_EVENTS : []);
    for (const row of rows) {
      if (row.enabled !== 1) continue;
      for (const type of parseEvents(row.events)) wanted.add(type);
    }
    this.wanted = wanted;
    this.loadedAt = performance.now();
  }
}

const EMAIL = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/;

/** The time part of the ids of the current millisecond (many events share one under load). */
let idPrefixMs = -1;
let idPrefix = '';

/**
 * A UUIDv7 (RFC 9562): the Unix millisecond in the first 48 bits, the rest random. Ids written one after
 * another sort together, so the unique indexes they key (`outbox_events.event_id`, the deliveries'
 * `(event_id, endpoint_id)`) grow at their right edge: a group commit dirties one or two index pages
 * instead of one random page per event, which a random UUIDv4 costs in every insert and every commit.
 * Still an opaque, globally unique string to receivers.
 */
export function eventId(nowMs = Date.now()): string {
  if (nowMs !== idPrefixMs) {
    const time = nowMs.toString(16).padStart(12, '0');
    idPrefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    idPrefixMs = nowMs;
  }
  // randomUUID's layout is xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: its version nibble becomes 7, its
  // variant and 74 random bits stay.
  return idPrefix + randomUUID().slice(15);
}

export function parseEvents(json: string): EventType[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list)
      ? list.filter((t): t is EventType => EVENT_TYPES.includes(t as EventType))
      : [];
  } catch {
    return [];
  }
}

function checkedEvents(events: readonly string[]): EventType[] {
  const unknown = events.filter((t) => !EVENT_TYPES.includes(t as EventType));
  if (unknown.length > 0) throw badParam('events', `未知的事件类型 ${unknown.join(', ')}`);
  if (events.length === 0) throw badParam('events', '不能为空');
  return [...new Set(events as readonly EventType[])];
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badParam('url', '不是绝对地址');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw badParam('url', '只能是 http 或 https');
  }
  return parsed.toString();
}
