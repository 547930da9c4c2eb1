import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { dialects, startTestCluster } from '../support/harness.ts';
import type { TestCluster } from '../support/harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * DESIGN.md §9 in cluster mode: two nodes' dispatchers poll the same outbox at once (every 10 ms, the
 * receiver answering slowly so that claims overlap in time); `FOR UPDATE SKIP LOCKED` and the claim's
 * lease must make every event go out exactly once while the receiver always answers 200.
 */
describe.runIf(dialects().includes('postgres'))('outbox on two nodes, one PostgreSQL', () => {
  let cluster: TestCluster;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    cluster = await startTestCluster('postgres', 2, {
      commentBurstLimit: 0,
      commentHourlyLimit: 0,
      duplicateWindowSeconds: 0,
      outboxPollMs: 10,
      webhookCacheMs: 50,
    });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await cluster.close();
    await receiver.close();
  });

  it('never delivers one event from both nodes', { timeout: 60_000 }, async () => {
    receiver.delayMs = 30;
    const endpoint = await cluster.admin.webhooks.create({ url: `${receiver.url}/two` });
    // The other node sees the new endpoint within its cache bound (REPLAY_WEBHOOK_CACHE_MS).
    const deadline = Date.now() + 5000;
    while (!cluster.nodes.every((n) => n.services.outbox.wants('comment.posted')) && Date.now() < deadline) {
      await sleep(10);
    }
    expect(cluster.nodes.map((n) => n.services.outbox.wants('comment.posted'))).toEqual([true, true]);

    const user = await cluster.admin.createUser({ uname: 'two_node_poster' });
    const session = await cluster.admin.issueSession(user.mid);
    const clients: BiliClient[] = cluster.urls.map((url) =>
      createClient({ baseUrl: url, cookies: session.cookie_header }),
    );
    const archive = await cluster.admin.createArchive({
      title: 'two nodes',
      owner_mid: user.mid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    const COMMENTS = 60;
    const answers = await Promise.all(
      Array.from({ length: COMMENTS }, (_, i) =>
        clients[i % 2]!.reply.add({ type: 1, oid: archive.aid, message: `comment ${i} from node ${i % 2}` }),
      ),
    );
    expect(answers.map((a) => a.code)).toEqual(Array(COMMENTS).fill(0));

    await receiver.waitFor(() => receiver.byPath('/two').length >= COMMENTS, 30_000);
    await sleep(500);
    const got = receiver.byPath('/two');
    const ids = got.map((r) => r.json.id);
    expect(new Set(ids).size).toBe(COMMENTS);
    expect(ids).toHaveLength(COMMENTS);
    expect(got.every((r) => r.headers['x-replay-delivery-attempt'] === '1')).toBe(true);
    const rpids = new Set(got.map((r) => r.json.data['rpid']));
    expect(rpids).toEqual(new Set(answers.map((a) => a.data!.rpid)));

    const log = await cluster.admin.webhooks.deliveries(endpoint.id, { limit: 500 });
    expect(log.deliveries).toEqual({ pending: 0, delivered: COMMENTS, dead: 0 });
    expect(log.attempts).toHaveLength(COMMENTS);
  });
});
