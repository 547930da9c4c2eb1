import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminClient } from '../../src/client/index.ts';
import { createDb } from '../../src/store/database.ts';
import { CrashLoad, createFixture } from '../support/crash-driver.ts';
import { ADMIN_TOKEN, createTestDatabase, dialects } from '../support/harness.ts';
import { killAllReplays, killReplay, spawnReplay, stopReplay } from '../support/replay-process.ts';
import type { ReplayProcess } from '../support/replay-process.ts';
import { signatureValid, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * DESIGN.md §9, at-least-once: the real server runs as a child process under the crash test's mixed load
 * (comments, replies, votes, reports, deletes, pins, heartbeats) with a webhook endpoint subscribed to every
 * comment event, while the receiver is first down (503), then slow; it is killed with SIGKILL twice and
 * restarted on the same database. Afterwards every event row in the outbox is delivered at least once,
 * every comment in the database has its event (written in the comment's own transaction), and repeated
 * deliveries of an event carry the same id and the same body.
 */

const SERVER_ENV = {
  REPLAY_COMMENT_RATE_LIMIT_BURST: '0',
  REPLAY_COMMENT_RATE_LIMIT_HOURLY: '0',
  REPLAY_REPORT_RATE_LIMIT_PER_MINUTE: '0',
  REPLAY_OUTBOX_POLL_MS: '20',
  REPLAY_WEBHOOK_BACKOFF_MS: '50',
  REPLAY_WEBHOOK_MAX_ATTEMPTS: '50',
  REPLAY_WEBHOOK_TIMEOUT_MS: '500',
};

afterEach(() => killAllReplays());

describe.each(dialects())('outbox: SIGKILL between commit and delivery loses nothing (%s)', (dialect) => {
  it(
    'every committed event is delivered after restart, duplicates under the same id',
    { timeout: 150_000 },
    async () => {
      const database = await createTestDatabase(dialect);
      const receiver = await startWebhookReceiver();
      const db = createDb(database.target, { sqliteSynchronous: 'NORMAL', poolSize: 2 });
      let server: ReplayProcess | undefined;
      try {
        server = await spawnReplay(database.target, SERVER_ENV);
        const fixture = await createFixture(server.url, 5, 2);
        const admin = createAdminClient({ baseUrl: server.url, token: ADMIN_TOKEN });
        const endpoint = await admin.webhooks.create({ url: `${receiver.url}/hook` });
        const load = new CrashLoad(fixture, 12345);

        // Phase 1: the receiver is down; phase 2: it answers slowly (deliveries are in flight at the kill).
        for (const mode of ['down', 'slow'] as const) {
          receiver.respond = () => (mode === 'down' ? 503 : 200);
          receiver.delayMs = mode === 'slow' ? 150 : 0;
          let stopped = false;
          const before = load.ackedTotal;
          const phase = load.runPhase([server.url], () => stopped);
          const waitStart = Date.now();
          while (load.ackedTotal === before && Date.now() - waitStart < 30_000) await sleep(5);
          await sleep(1200);
          await killReplay(server);
          stopped = true;
          await phase;
          server = await spawnReplay(database.target, SERVER_ENV);
        }

        // Healthy again: everything the database holds must arrive.
        receiver.respond = () => 200;
        receiver.delayMs = 0;
        const events = await db.db
          .selectFrom('outbox_events')
          .select(['event_id', 'type', 'payload'])
          .execute();
        expect(events.length).toBeGreaterThan(20);
        const ids = new Set(events.map((e) => e.event_id));
        const received = () => new Set(receiver.byPath('/hook').map((r) => r.json.id));
        await receiver.waitFor(() => [...ids].every((id) => received().has(id)), 60_000);

        // Every comment the database holds has its posted/replied event: written with it, or not at all.
        const replies = await db.db.selectFrom('replies').select(['rpid', 'root']).execute();
        const byRpid = new Map<number, string>();
        for (const e of events) {
          if (e.type !== 'comment.posted' && e.type !== 'comment.replied') continue;
          byRpid.set(Number((JSON.parse(e.payload) as { rpid: number }).rpid), e.type);
        }
        for (const r of replies) {
          expect(byRpid.get(Number(r.rpid)), `comment ${r.rpid}`).toBe(
            Number(r.root) === 0 ? 'comment.posted' : 'comment.replied',
          );
        }
        expect(byRpid.size).toBe(replies.length);

        // Duplicates (a delivery retried after a kill, or after a 503) carry the same id and the same event.
        const bodies = new Map<string, string>();
        let duplicates = 0;
        for (const r of receiver.byPath('/hook')) {
          expect(signatureValid(endpoint.secret, r)).toBe(true);
          const event = JSON.stringify({ type: r.json.type, time: r.json.time, data: r.json.data });
          const seen = bodies.get(r.json.id);
          if (seen !== undefined) {
            duplicates++;
            expect(event).toBe(seen);
          } else bodies.set(r.json.id, event);
        }
        expect(duplicates).toBeGreaterThan(0);
        await stopReplay(server);
        expect(server.proc.exitCode, server.output()).toBe(0);
        console.log(
          `[outbox-crash ${dialect}] ${events.length} events, ${replies.length} comments, ` +
            `${receiver.received.length} deliveries (${duplicates} repeats)`,
        );
      } finally {
        killAllReplays();
        await db.close();
        await receiver.close();
        await database.drop();
      }
    },
  );
});
