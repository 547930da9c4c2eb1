import { createHmac } from 'node:crypto';
import type * as Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type {
  AttemptResult,
  MailItemRow,
  NewWebhookDelivery,
  OutboxEventRow,
  WebhookDeliveryRow,
  WebhookEndpointRow,
} from '../store/repositories/outbox.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { MAIL_EVENTS, parseEvents } from './outbox.service.ts';
import type { EventType } from './outbox.service.ts';
import { SOCKETS, TimeoutError, WebhookHttp, targetOf } from './webhook-http.ts';
import { lazyModule } from '../lazy-module.ts';

/** Loaded only when an SMTP server is configured. */
const nodemailer = lazyModule<typeof Nodemailer>('nodemailer');

export interface DispatcherOptions {
  pollMs: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  /** Delivered and dead deliveries, their log and fanned events are kept this long, days. */
  retentionDays: number;
  /** Absent: no SMTP server is configured and no mail is queued. */
  mail?: { url: string; from: string; digestSeconds: number; publicUrl: string };
}

/** Work claimed per pass and table: bounded memory, and other nodes find the rest. */
export const BATCH = 200;
const PRUNE_EVERY_MS = 600_000;
/**
 * The pause after a pass that found work but not a full batch, ms (at most the poll interval): new events
 * gather meanwhile, and a pass costs a few statements and two commits whatever its size, so under a
 * steady stream of comments each event's share of them stays small. After a full batch the next pass
 * starts at once.
 */
const GATHER_MS = 250;
const MAX_BACKOFF_MS = 3_600_000;
/** Items per mail; more wait for the next one. */
const MAIL_ITEMS = 50;

/** What a pass's fan-out found. */
interface Fresh {
  events: number;
  /** The new events' deliveries, claimed by this pass. */
  deliveries: WebhookDeliveryRow[];
  /** The endpoints as the fan-out read them, milliseconds ago. */
  endpoints?: WebhookEndpointRow[];
}

/**
 * Delivers the outbox (DESIGN.md §9, docs/webhooks.md), at least once, never from inside a request:
 * 1. fan-out: events not yet fanned become one delivery per subscribed enabled endpoint and one mail item
 *    per recipient with an address (one transaction; PostgreSQL rows locked `FOR UPDATE SKIP LOCKED`);
 * 2. webhooks: due deliveries are claimed (their `next_at` moved past the timeout in the claiming
 *    statement), sent (webhook-http.ts), and every attempt is logged with the delivery's new state;
 * 3. e-mail: recipients whose last mail is older than the digest window are claimed and get one mail with
 *    everything queued for them.
 * A process killed at any point leaves committed rows behind: unfanned events, pending deliveries whose
 * claim expires, queued mail; the next pass of any node picks them up. A delivery whose response was lost
 * is sent again with the same `X-Replay-Event-Id`.
 *
 * It schedules by the wall clock, not the services' Clock: retries wait real time against real receivers,
 * and tests that freeze business time still see deliveries move.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private stopped = true;
  private prunedAt = -Infinity;
  private dueCheckedAt = -Infinity;
  /** The last pass claimed a full batch: more is waiting. */
  private full = false;
  private readonly transport: Transporter | null;
  private readonly http = new WebhookHttp();

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
    private readonly wall: Clock = systemClock,
  ) {
    this.transport = options.mail ? nodemailer().createTransport(options.mail.url) : null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the pass under way (its claims are recorded or simply expire). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
    this.http.close();
    this.transport?.close();
  }

  /** One pass over all three stages; true when it found work (the loop then goes again soon). */
  async runOnce(): Promise<boolean> {
    const fresh = await this.fanOut();
    const sent = await this.deliverWebhooks(fresh);
    const mailed = this.transport ? await this.sendMail() : 0;
    await this.pruneNow();
    this.full = fresh.events >= BATCH || sent - fresh.deliveries.length >= BATCH;
    return fresh.events + sent + mailed > 0;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pass = this.runOnce().then(
        (busy) => {
          this.pass = null;
          this.schedule(
            this.full ? 0 : busy ? Math.min(GATHER_MS, this.options.pollMs) : this.options.pollMs,
          );
        },
        () => {
          // The database is away (or closing): try again at the next poll.
          this.pass = null;
          this.schedule(this.options.pollMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** At most every PRUNE_EVERY_MS per node; the delete is bounded by time, not by pending work. */
  private async pruneNow(): Promise<void> {
    const now = this.wall.nowMs();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const cutoff = now - this.options.retentionDays * 86_400_000;
    await this.store.outbox.prune(Math.floor(cutoff / 1000), cutoff);
  }

  // --- 1. fan-out ----------------------------------------------------------------------------------

  /**
   * New events become deliveries (and mail items). The deliveries are written already claimed by this
   * pass (`next_at` = the lease), so they are sent at once without a second claim.
   */
  private fanOut(): Promise<Fresh> {
    const now = this.wall.nowMs();
    return this.store.transaction(async (tx) => {
      const events = await tx.outbox.claimUnfanned(BATCH);
      if (events.length === 0) return { events: 0, deliveries: [] };
      const endpoints = await tx.outbox.endpoints();
      const byType = subscribers(endpoints);
      const rows: NewWebhookDelivery[] = [];
      for (const event of events) {
        for (const endpoint of byType.get(event.type) ?? []) {
          rows.push({
            endpoint_id: endpoint.id,
            event_id: event.event_id,
            type: event.type,
            payload: event.payload,
            time: Number(event.time),
            state: 'pending',
            attempts: 0,
            next_at: this.lease(now),
          });
        }
      }
      const deliveries = await tx.outbox.insertDeliveries(rows);
      if (this.options.mail) await tx.outbox.insertMailItems(await this.mailItems(tx.outbox, events));
      await tx.outbox.markFanned(events.map((e) => Number(e.id)));
      return { events: events.length, deliveries, endpoints };
    });
  }

  /**
   * A claim lasts twice the timeout: the attempt is aborted at the timeout and recorded right after, long
   * before another node may take the delivery again; a node that died holding it delays it that long.
   */
  private lease(now: number): number {
    return now + 2 * this.options.timeoutMs;
  }

  /** Reply and @ events become one queued item per recipient who has an address and has not opted out. */
  private async mailItems(
    outbox: Store['outbox'],
    events: readonly OutboxEventRow[],
  ): Promise<{ recipient_mid: number; event_id: string; kind: string; payload: string }[]> {
    const wanted = events
      .filter((e) => MAIL_EVENTS.includes(e.type as EventType))
      .map((e) => ({ event: e, recipients: recipientsOf(e.payload) }));
    const settings = await outbox.userMail([...new Set(wanted.flatMap((w) => w.recipients))]);
    return wanted.flatMap(({ event, recipients }) =>
      recipients
        .filter((mid) => {
          const s = settings.get(mid);
          return s !== undefined && s.email !== '' && !s.optOut;
        })
        .map((mid) => ({
          recipient_mid: mid,
          event_id: event.event_id,
          kind: event.type === 'comment.mentioned' ? 'at' : 'reply',
          payload: event.payload,
        })),
    );
  }

  // --- 2. webhooks ---------------------------------------------------------------------------------

  /**
   * Sends `fresh` and the due retries concurrently; every outcome is recorded in one transaction. While
   * fresh events keep coming, retries are looked for once per poll interval, not on every busy pass.
   */
  private async deliverWebhooks(pass: Fresh): Promise<number> {
    const fresh = pass.deliveries;
    const now = this.wall.nowMs();
    let due: WebhookDeliveryRow[] = [];
    if (fresh.length === 0 || now - this.dueCheckedAt >= this.options.pollMs) {
      this.dueCheckedAt = now;
      due = await this.store.outbox.claimDueDeliveries(now, this.lease(now), BATCH);
    }
    const claimed = due.length === 0 ? fresh : [...fresh, ...due];
    if (claimed.length === 0) return 0;
    // The fan-out's read serves when the pass has one (it is in the same pass, milliseconds old).
    const endpoints = new Map(
      (pass.endpoints ?? (await this.store.outbox.endpoints())).map((e) => [e.id, e]),
    );
    const byEndpoint = new Map<number, WebhookDeliveryRow[]>();
    for (const delivery of claimed) {
      const list = byEndpoint.get(delivery.endpoint_id);
      if (list) list.push(delivery);
      else byEndpoint.set(delivery.endpoint_id, [delivery]);
    }
    // Endpoints in parallel; per endpoint as many sends at once as its agent has sockets, so a pass's
    // hundreds of requests are not all built up front to wait in the agent's queue. Every send of the
    // pass ends by one timeout from now (one not started by then fails as timed out, as before when it
    // waited in that queue): a slow receiver delays the pass by at most the timeout, and every outcome
    // is recorded long before the claims' lease (twice the timeout) lets another node take them.
    const deadline = this.wall.nowMs() + this.options.timeoutMs;
    const results: AttemptResult[] = [];
    await Promise.all(
      [...byEndpoint].map(async ([id, list]) => {
        const endpoint = endpoints.get(id);
        let next = 0;
        const worker = async () => {
          while (next < list.length) results.push(await this.deliver(list[next++]!, endpoint, deadline));
        };
        await Promise.all(Array.from({ length: Math.min(SOCKETS, list.length) }, worker));
      }),
    );
    await this.store.transaction((tx) => tx.outbox.recordAttempts(results));
    return claimed.length;
  }

  private async deliver(
    delivery: WebhookDeliveryRow,
    endpoint: WebhookEndpointRow | undefined,
    deadline: number,
  ): Promise<AttemptResult> {
    const attempt = delivery.attempts + 1;
    const started = this.wall.nowMs();
    let status = 0;
    let error = '';
    if (!endpoint || endpoint.enabled !== 1) {
      error = endpoint ? 'endpoint disabled' : 'endpoint deleted';
    } else if (started >= deadline) {
      error = `timed out after ${this.options.timeoutMs} ms`;
    } else {
      try {
        const { headers, body } = deliveryRequest(delivery, endpoint.secret, attempt, started);
        const response = await this.http.post(targetOf(endpoint.url), headers, body, deadline - started);
        status = response.status;
        const text = response.text;
        if (status < 200 || status > 299) error = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      } catch (cause) {
        error = describe(cause, this.options.timeoutMs);
      }
    }
    const finished = this.wall.nowMs();
    const outcome: AttemptResult['outcome'] =
      error === ''
        ? { state: 'delivered' }
        : attempt >= this.options.maxAttempts
          ? { state: 'dead' }
          : {
              state: 'pending',
              nextAt: finished + Math.min(this.options.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS),
            };
    return {
      attempt: {
        delivery_id: delivery.id,
        endpoint_id: delivery.endpoint_id,
        event_id: delivery.event_id,
        attempt,
        at: started,
        status,
        latency_ms: Math.max(0, Math.round(finished - started)),
        error,
      },
      outcome,
    };
  }

  // --- 3. e-mail -----------------------------------------------------------------------------------

  private async sendMail(): Promise<number> {
    const mail = this.options.mail!;
    const now = this.wall.nowMs();
    const mids = await this.store.outbox.claimMailRecipients(
      now,
      mail.digestSeconds * 1000,
      now + 60_000,
      10,
    );
    for (const mid of mids) {
      const items = await this.store.outbox.mailItems(mid, MAIL_ITEMS);
      const settings = (await this.store.outbox.userMail([mid])).get(mid);
      const ids = items.map((i) => i.id);
      // Opted out (or the address removed) since the items were queued: they are dropped, no mail counted.
      if (!settings || settings.email === '' || settings.optOut || items.length === 0) {
        await this.store.outbox.finishMail(mid, ids, null);
        continue;
      }
      try {
        await this.transport!.sendMail({
          from: mail.from,
          to: settings.email,
          ...composeMail(items, mail.publicUrl),
        });
        await this.store.outbox.finishMail(mid, ids, this.wall.nowMs());
      } catch {
        await this.store.outbox.releaseMail(mid, this.wall.nowMs() + this.options.backoffMs);
      }
    }
    return mids.length;
  }
}

/** `t.<body>` signed with the endpoint's secret: what a receiver recomputes (docs/webhooks.md). */
export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** A stored value as a header value: the request is written as text, so no CR/LF may reach it. */
function headerValue(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`invalid header value ${JSON.stringify(value)}`);
  return value;
}

/**
 * One attempt's POST (docs/webhooks.md): header lines (no Host, no Content-Length) and body. Exported for
 * `bench/webhook-post-cost.ts`, which measures what sending exactly this costs apart from the rest.
 */
export function deliveryRequest(
  delivery: Pick<WebhookDeliveryRow, 'event_id' | 'type' | 'time' | 'payload'>,
  secret: string,
  attempt: number,
  nowMs: number,
): { headers: string; body: string } {
  const body = webhookBody(delivery);
  const timestamp = Math.floor(nowMs / 1000);
  const headers =
    'content-type: application/json\r\nuser-agent: Replay-Webhook/1\r\n' +
    `x-replay-event-id: ${headerValue(delivery.event_id)}\r\n` +
    `x-replay-event-type: ${headerValue(delivery.type)}\r\n` +
    `x-replay-timestamp: ${timestamp}\r\n` +
    `x-replay-signature: sha256=${sign(secret, timestamp, body)}\r\n` +
    `x-replay-delivery-attempt: ${attempt}\r\n`;
  return { headers, body };
}

function webhookBody(delivery: Pick<WebhookDeliveryRow, 'event_id' | 'type' | 'time' | 'payload'>): string {
  // The payload is JSON this server wrote: spliced in as text, not parsed and serialised again per attempt.
  return `{"id":${JSON.stringify(delivery.event_id)},"type":${JSON.stringify(delivery.type)},"time":${delivery.time},"data":${delivery.payload}}`;
}

/** The enabled endpoints by the event type they subscribe to (their filters parsed once per pass). */
function subscribers(endpoints: readonly WebhookEndpointRow[]): Map<string, WebhookEndpointRow[]> {
  const byType = new Map<string, WebhookEndpointRow[]>();
  for (const endpoint of endpoints) {
    if (endpoint.enabled !== 1) continue;
    for (const type of parseEvents(endpoint.events)) {
      const list = byType.get(type);
      if (list) list.push(endpoint);
      else byType.set(type, [endpoint]);
    }
  }
  return byType;
}

function recipientsOf(payload: string): number[] {
  const parsed = JSON.parse(payload) as { recipients?: unknown };
  return Array.isArray(parsed.recipients)
    ? parsed.recipients.filter((m): m is number => typeof m === 'number')
    : [];
}

function describe(cause: unknown, timeoutMs: number): string {
  if (cause instanceof TimeoutError) return `timed out after ${timeoutMs} ms`;
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : '';
  const message = cause instanceof Error ? cause.message : String(cause);
  return (inner ? `${message}: ${inner}` : message).slice(0, 300);
}

interface MailPayload {
  rpid?: number;
  type?: number;
  oid?: number;
  uname?: string;
  message?: string;
}

/** Plain text only: the messages are users' words, never HTML. */
function composeMail(items: readonly MailItemRow[], publicUrl: string): { subject: string; text: string } {
  const lines: string[] = [];
  for (const item of items) {
    const p = JSON.parse(item.payload) as MailPayload;
    const who = p.uname ?? 'Someone';
    lines.push(item.kind === 'at' ? `${who} mentioned you:` : `${who} replied to you:`);
    lines.push(`  ${(p.message ?? '').replace(/\r?\n/g, '\n  ')}`);
    if (p.type === 1 && p.oid !== undefined && p.rpid !== undefined) {
      lines.push(`  ${publicUrl}/video/av${p.oid}#reply${p.rpid}`);
    }
    lines.push('');
  }
  lines.push('You get these mails because replies and @mentions of you are mailed to this address.');
  lines.push('Turn them off in your notification settings.');
  const first = JSON.parse(items[0]!.payload) as MailPayload;
  const subject =
    items.length === 1
      ? `${first.uname ?? 'Someone'} ${items[0]!.kind === 'at' ? 'mentioned you' : 'replied to you'}`
      : `${items.length} new replies and mentions`;
  return { subject, text: lines.join('\n') };
}
