import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { signatureValid, startWebhookReceiver } from '../support/webhook-receiver.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';

const FAST = {
  commentBurstLimit: 0,
  commentHourlyLimit: 0,
  reportPerMinuteLimit: 0,
  duplicateWindowSeconds: 0,
  outboxPollMs: 20,
  webhookBackoffMs: 150,
  webhookMaxAttempts: 3,
  webhookTimeoutMs: 2000,
  webhookCacheMs: 0,
};

interface Actor {
  client: BiliClient;
  mid: number;
  uname: string;
}

describe.each(dialects())('webhooks (%s)', (dialect) => {
  let s: TestServer;
  let r: WebhookReceiver;
  let counter = 0;
  let owner: Actor;
  let fan: Actor;
  let aid: number;

  const actor = async (prefix: string): Promise<Actor> => {
    const uname = `${prefix}${++counter}${dialect[0]}`;
    const { client, mid } = await s.signedIn(uname);
    return { client, mid, uname };
  };
  const add = async (who: Actor, message: string, extra: { root?: number; parent?: number } = {}) => {
    const body = await who.client.reply.add({ type: 1, oid: aid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  const outboxRows = async () =>
    Number(
      (
        await s.handle.db
          .selectFrom('outbox_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    s = await startTestServer(dialect, FAST);
    r = await startWebhookReceiver();
    owner = await actor('owner');
    fan = await actor('fan');
    aid = (
      await s.admin.createArchive({
        title: 'hooks',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 600 }],
      })
    ).aid;
  });
  afterAll(async () => {
    await s.close();
    await r.close();
  });

  it('writes no outbox row while no endpoint (and no e-mail) wants events', async () => {
    const root = await add(fan, 'nobody listens');
    await add(owner, 'still nobody', { root, parent: root });
    const like = await fan.client.reply.like({ type: 1, oid: aid, rpid: root, action: 1 });
    expect(like.code).toBe(0);
    expect(await outboxRows()).toBe(0);
  });

  it('admin API: validates endpoints and answers 404 for unknown ones', async () => {
    await expect(s.admin.webhooks.create({ url: 'ftp://example.test/' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(s.admin.webhooks.create({ url: 'not a url' })).rejects.toMatchObject({ status: 400 });
    await expect(
      s.admin.webhooks.create({ url: `${r.url}/x`, events: ['comment.nope' as 'comment.posted'] }),
    ).rejects.toBeInstanceOf(AdminApiError);
    await expect(s.admin.webhooks.get(999_999)).rejects.toMatchObject({ status: 404 });
    await expect(s.admin.webhooks.deliveries(999_999)).rejects.toMatchObject({ status: 404 });
    await expect(s.admin.webhooks.remove(999_999)).rejects.toMatchObject({ status: 404 });
  });

  it('filters events per endpoint, signs every body, and the payloads carry the comment', async () => {
    const all = await s.admin.webhooks.create({ url: `${r.url}/all`, description: 'everything' });
    expect(all.events).toEqual([
      'comment.posted',
      'comment.replied',
      'comment.mentioned',
      'comment.liked',
      'comment.deleted',
      'comment.reported',
    ]);
    expect(all.secret).toMatch(/^whsec_/);
    const secret = 'a-chosen-secret-of-enough-length';
    const replies = await s.admin.webhooks.create({
      url: `${r.url}/replies`,
      events: ['comment.replied'],
      secret,
    });
    expect(replies.secret).toBe(secret);
    expect((await s.admin.webhooks.list()).map((e) => e.id)).toEqual([all.id, replies.id]);

    const root = await add(fan, 'a root comment');
    const reply = await add(owner, `thanks @${fan.uname} for watching`, { root, parent: root });
    expect((await fan.client.reply.like({ type: 1, oid: aid, rpid: reply, action: 1 })).code).toBe(0);
    expect((await owner.client.reply.report({ type: 1, oid: aid, rpid: root, reason: 4 })).code).toBe(0);
    expect((await owner.client.reply.del({ type: 1, oid: aid, rpid: reply })).code).toBe(0);

    await r.waitFor(() => r.byPath('/all').length >= 6 && r.byPath('/replies').length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const types = r.byPath('/all').map((x) => x.json.type);
    expect(types.sort()).toEqual(
      [
        'comment.deleted',
        'comment.liked',
        'comment.mentioned',
        'comment.posted',
        'comment.replied',
        'comment.reported',
      ].sort(),
    );
    expect(r.byPath('/replies').map((x) => x.json.type)).toEqual(['comment.replied']);

    for (const x of r.byPath('/all')) {
      expect(signatureValid(all.secret, x), x.json.type).toBe(true);
      expect(signatureValid(secret, x)).toBe(false);
      expect(x.headers['x-replay-event-id']).toBe(x.json.id);
      expect(x.headers['x-replay-event-type']).toBe(x.json.type);
      expect(x.headers['content-type']).toBe('application/json');
    }
    const replied = r.byPath('/replies')[0]!;
    expect(signatureValid(secret, replied)).toBe(true);
    // A tampered body fails the check.
    expect(signatureValid(secret, { ...replied, body: replied.body.replace('thanks', 'thank') })).toBe(false);
    expect(replied.json.data).toMatchObject({
      rpid: reply,
      type: 1,
      oid: aid,
      root,
      parent: root,
      mid: owner.mid,
      uname: owner.uname,
      message: `thanks @${fan.uname} for watching`,
      recipients: [fan.mid],
    });
    const posted = r.byPath('/all').find((x) => x.json.type === 'comment.posted')!;
    expect(posted.json.data).toMatchObject({
      rpid: root,
      root: 0,
      mid: fan.mid,
      message: 'a root comment',
      floor: 2,
    });
    expect(posted.json.data['recipients']).toEqual([owner.mid]);
    const mentioned = r.byPath('/all').find((x) => x.json.type === 'comment.mentioned')!;
    expect(mentioned.json.data).toMatchObject({ rpid: reply, recipients: [fan.mid] });
    const liked = r.byPath('/all').find((x) => x.json.type === 'comment.liked')!;
    expect(liked.json.data).toMatchObject({
      rpid: reply,
      author_mid: owner.mid,
      mid: fan.mid,
      uname: fan.uname,
    });
    const reported = r.byPath('/all').find((x) => x.json.type === 'comment.reported')!;
    expect(reported.json.data).toMatchObject({ rpid: root, mid: owner.mid, reason: 4 });
    const deleted = r.byPath('/all').find((x) => x.json.type === 'comment.deleted')!;
    expect(deleted.json.data).toMatchObject({
      rpid: reply,
      mid: owner.mid,
      by: 'user',
      deleter_mid: owner.mid,
    });
    expect(new Set(r.byPath('/all').map((x) => x.json.id)).size).toBe(6);

    const log = await s.admin.webhooks.deliveries(all.id);
    expect(log.deliveries).toEqual({ pending: 0, delivered: 6, dead: 0 });
    expect(log.attempts).toHaveLength(6);
    for (const a of log.attempts) {
      expect(a).toMatchObject({ attempt: 1, status: 200, error: '' });
      expect(a.latency_ms).toBeGreaterThanOrEqual(0);
    }
    await s.admin.webhooks.remove(all.id);
    await s.admin.webhooks.remove(replies.id);
  });

  it('retries with exponential backoff under the same event id, logs every attempt, then gives up', async () => {
    r.respond = (path, nth) => (path === '/flaky' ? (nth <= 2 ? 503 : 200) : path === '/down' ? 500 : 200);
    const flaky = await s.admin.webhooks.create({ url: `${r.url}/flaky`, events: ['comment.posted'] });
    const down = await s.admin.webhooks.create({ url: `${r.url}/down`, events: ['comment.posted'] });
    const rpid = await add(fan, 'will be retried');

    await r.waitFor(() => r.byPath('/flaky').length >= 3 && r.byPath('/down').length >= 3);
    const attempts = r.byPath('/flaky');
    expect(new Set(attempts.map((x) => x.headers['x-replay-event-id'])).size).toBe(1);
    expect(attempts.map((x) => x.headers['x-replay-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(attempts.every((x) => x.json.data['rpid'] === rpid)).toBe(true);
    // Backoff 150 ms, then 300 ms.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(140);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(290);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = await s.admin.webhooks.deliveries(flaky.id);
    expect(log.deliveries).toEqual({ pending: 0, delivered: 1, dead: 0 });
    expect(log.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [3, 200],
      [2, 503],
      [1, 503],
    ]);
    expect(log.attempts[1]!.error).toMatch(/^HTTP 503/);
    const page = await s.admin.webhooks.deliveries(flaky.id, { limit: 1, before: log.attempts[0]!.id });
    expect(page.attempts.map((a) => a.attempt)).toEqual([2]);

    // Three attempts is the limit here: then the delivery is dead and nothing more is sent.
    expect(r.byPath('/down')).toHaveLength(3);
    const dead = await s.admin.webhooks.deliveries(down.id);
    expect(dead.deliveries).toEqual({ pending: 0, delivered: 0, dead: 1 });
    expect(dead.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    await s.admin.webhooks.remove(flaky.id);
    await s.admin.webhooks.remove(down.id);
    r.respond = () => 200;
  });

  it('an unreachable receiver is logged with status 0 and its error', async () => {
    const closed = await startWebhookReceiver();
    const url = `${closed.url}/gone`;
    await closed.close();
    const gone = await s.admin.webhooks.create({ url, events: ['comment.posted'] });
    await add(fan, 'to nowhere');
    const deadline = Date.now() + 10_000;
    let log = await s.admin.webhooks.deliveries(gone.id);
    while (log.deliveries.dead === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      log = await s.admin.webhooks.deliveries(gone.id);
    }
    expect(log.deliveries.dead).toBe(1);
    expect(log.attempts[0]).toMatchObject({ status: 0 });
    expect(log.attempts[0]!.error).not.toBe('');
    await s.admin.webhooks.remove(gone.id);
  });

  it('history events are off by default and delivered once an endpoint asks for them', async () => {
    const before = await outboxRows();
    const comments = await s.admin.webhooks.create({ url: `${r.url}/comments` });
    const beat = { aid, cid: 0, played_time: 30, play_type: 0 as const };
    const cid = (await s.admin.getArchive(aid)).pages[0]!.cid;
    expect((await fan.client.history.heartbeat({ ...beat, cid })).code).toBe(0);
    expect(await outboxRows()).toBe(before);

    const history = await s.admin.webhooks.create({
      url: `${r.url}/history`,
      events: ['history.heartbeat', 'history.report'],
    });
    expect((await fan.client.history.heartbeat({ ...beat, cid, played_time: 40 })).code).toBe(0);
    expect((await fan.client.history.report({ aid, cid, progress: 50 })).code).toBe(0);
    await r.waitFor(() => r.byPath('/history').length >= 2);
    const got = r.byPath('/history').map((x) => [x.json.type, x.json.data['mid'], x.json.data['progress']]);
    expect(got.sort()).toEqual(
      [
        ['history.heartbeat', fan.mid, 40],
        ['history.report', fan.mid, 50],
      ].sort(),
    );
    expect(r.byPath('/comments')).toHaveLength(0);
    await s.admin.webhooks.remove(comments.id);
    await s.admin.webhooks.remove(history.id);
  });

  it('account.deleted is opt-in, committed with the deletion, and carries the id only', async () => {
    const comments = await s.admin.webhooks.create({ url: `${r.url}/every-comment` });
    const accounts = await s.admin.webhooks.create({ url: `${r.url}/accounts`, events: ['account.deleted'] });
    const leaving = await actor('leaving');
    const kept = await actor('kept');
    // A refused deletion (wrong password) writes no event.
    expect((await kept.client.accountSelf.deleteAccount('wrong password')).code).toBe(-629);
    expect((await leaving.client.accountSelf.deleteAccount('secret-pass')).code).toBe(0);
    await r.waitFor(() => r.byPath('/accounts').length >= 1);
    // Nothing else arrives for the refused one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const got = r.byPath('/accounts');
    expect(got.map((x) => [x.json.type, x.json.data])).toEqual([
      ['account.deleted', { mid: leaving.mid, deleted_at: Math.floor(s.clock.nowMs() / 1000) }],
    ]);
    expect(r.byPath('/every-comment')).toHaveLength(0);
    await s.admin.webhooks.remove(comments.id);
    await s.admin.webhooks.remove(accounts.id);
  });

  it('a disabled endpoint gets nothing; enabled again, it gets what happens next', async () => {
    const ep = await s.admin.webhooks.create({
      url: `${r.url}/toggle`,
      events: ['comment.posted'],
      enabled: false,
    });
    await add(fan, 'while disabled');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.byPath('/toggle')).toHaveLength(0);
    expect((await s.admin.webhooks.update(ep.id, { enabled: true })).enabled).toBe(true);
    const rpid = await add(fan, 'while enabled');
    await r.waitFor(() => r.byPath('/toggle').length >= 1);
    expect(r.byPath('/toggle').map((x) => x.json.data['rpid'])).toEqual([rpid]);
    await s.admin.webhooks.remove(ep.id);
  });

  it("the delivery log's counts by state read an index, not every delivery kept", async () => {
    const ep = await s.admin.webhooks.create({ url: `${r.url}/counted`, enabled: false });
    // Removed however the test ends: its pending rows would otherwise outlive it (the retention test).
    try {
      const states = ['delivered', 'delivered', 'delivered', 'dead', 'pending'];
      const rows = Array.from({ length: 2_000 }, (_, i) => ({
        endpoint_id: ep.id,
        event_id: `counted-${i}`,
        type: 'comment.posted',
        payload: '{}',
        time: 0,
        state: states[i % states.length]!,
        attempts: 1,
        next_at: Date.now() + 86_400_000,
      }));
      for (let i = 0; i < rows.length; i += 200) {
        await s.handle.db
          .insertInto('webhook_deliveries')
          .values(rows.slice(i, i + 200))
          .execute();
      }
      expect((await s.admin.webhooks.deliveries(ep.id, { limit: 1 })).deliveries).toEqual({
        delivered: 1_200,
        dead: 400,
        pending: 400,
      });
      if (dialect === 'sqlite') {
        // The query OutboxRepository.deliveryStates builds.
        const { sql: text } = s.handle.db
          .selectFrom('webhook_deliveries')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .where('endpoint_id', '=', ep.id)
          .groupBy('state')
          .compile();
        const plan = s.handle.sqlite!.prepare(`EXPLAIN QUERY PLAN ${text}`).all(ep.id) as {
          detail: string;
        }[];
        expect(plan.map((p) => p.detail).join('\n')).toMatch(
          /SEARCH webhook_deliveries USING COVERING INDEX webhook_deliveries_endpoint/,
        );
      }
    } finally {
      await s.admin.webhooks.remove(ep.id);
    }
  });

  it('retention: finished deliveries, their log and processed events are pruned; pending work is not', async () => {
    const count = async (table: 'outbox_events' | 'webhook_deliveries' | 'webhook_attempts') =>
      Number(
        (
          await s.handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('webhook_attempts')).toBeGreaterThan(0);
    await s.handle.db
      .insertInto('webhook_deliveries')
      .values({
        endpoint_id: 999_999,
        event_id: 'still-pending',
        type: 'comment.posted',
        payload: '{}',
        time: 0,
        state: 'pending',
        attempts: 2,
        next_at: Date.now() + 86_400_000,
      })
      .execute();
    // Nothing is old enough yet.
    expect(await s.store.outbox.prune(0, 0)).toBe(0);
    const deleted = await s.store.outbox.prune(
      Math.floor(s.clock.nowMs() / 1000) + 86_400,
      Date.now() + 2 * 86_400_000,
    );
    expect(deleted).toBeGreaterThan(0);
    expect(await count('outbox_events')).toBe(0);
    expect(await count('webhook_attempts')).toBe(0);
    const left = await s.handle.db.selectFrom('webhook_deliveries').select('event_id').execute();
    expect(left.map((r) => r.event_id)).toEqual(['still-pending']);
  });
});
