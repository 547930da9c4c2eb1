import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { ADMIN_TOKEN, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };

async function adminStatus(work: Promise<unknown>): Promise<number> {
  try {
    await work;
    return 200;
  } catch (error) {
    if (error instanceof AdminApiError) return error.status;
    throw error;
  }
}

describe.each(dialects())('comment moderation through the admin API (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number };
  let viewer: { client: BiliClient; mid: number };
  let nextOid = 5000;

  const newArea = async (): Promise<number> => {
    const oid = nextOid++;
    await s.admin.putArea(1, oid, { owner_mid: owner.mid });
    return oid;
  };
  const post = async (who: BiliClient, oid: number, message: string, extra: Record<string, number> = {}) => {
    const body = await who.reply.add({ type: 1, oid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
    owner = await s.signedIn();
    viewer = await s.signedIn();
  });
  afterAll(async () => s.close());

  it('closing an area answers 12002 to every write and keeps it readable; reopening restores writes', async () => {
    const oid = await newArea();
    const rpid = await post(viewer.client, oid, 'before');
    const area = await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
    expect(area.closed).toBe(true);
    const t = { type: 1, oid, rpid };
    const closed = { code: 12002, message: '评论区已关闭', ttl: 1 };
    expect(await viewer.client.reply.add({ type: 1, oid, message: 'after' })).toEqual(closed);
    expect(await viewer.client.reply.add({ type: 1, oid, message: 'reply', root: rpid })).toEqual(closed);
    expect(await viewer.client.reply.like({ ...t, action: 1 })).toEqual(closed);
    expect(await viewer.client.reply.hate({ ...t, action: 1 })).toEqual(closed);
    expect(await viewer.client.reply.del(t)).toEqual(closed);
    expect(await owner.client.reply.top({ ...t, action: 1 })).toEqual(closed);
    expect(await viewer.client.reply.report({ ...t, reason: 1 })).toEqual(closed);
    expect((await s.anonymous().reply.list({ type: 1, oid })).data!.replies!.length).toBe(1);
    expect((await s.anonymous().reply.count({ type: 1, oid })).data!.count).toBe(1);
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: false });
    expect((await viewer.client.reply.add({ type: 1, oid, message: 'after' })).code).toBe(0);
  });

  it('a banned user gets -102 on every action but can still read; unbanning restores it', async () => {
    const oid = await newArea();
    const rpid = await post(owner.client, oid, 'x');
    const user = await s.signedIn();
    await s.admin.updateUser(user.mid, { banned: true });
    const t = { type: 1, oid, rpid };
    const banned = { code: -102, message: '账号被封停', ttl: 1 };
    expect(await user.client.reply.add({ type: 1, oid, message: 'y' })).toEqual(banned);
    expect(await user.client.reply.like({ ...t, action: 1 })).toEqual(banned);
    expect(await user.client.reply.hate({ ...t, action: 1 })).toEqual(banned);
    expect(await user.client.reply.del(t)).toEqual(banned);
    expect(await user.client.reply.top({ ...t, action: 1 })).toEqual(banned);
    expect(await user.client.reply.report({ ...t, reason: 1 })).toEqual(banned);
    expect((await user.client.reply.list({ type: 1, oid })).code).toBe(0);
    await s.admin.updateUser(user.mid, { banned: false });
    expect((await user.client.reply.add({ type: 1, oid, message: 'y' })).code).toBe(0);
  });

  describe('reports', () => {
    let oid: number;
    let spam: number;
    let fine: number;
    const reporters: { client: BiliClient; mid: number }[] = [];
    beforeAll(async () => {
      oid = await newArea();
      spam = await post(viewer.client, oid, 'buy now');
      fine = await post(viewer.client, oid, 'a fine comment');
      await post(owner.client, oid, 'under spam', { root: spam });
      for (let i = 0; i < 3; i++) reporters.push(await s.signedIn());
      for (const r of reporters) {
        expect((await r.client.reply.report({ type: 1, oid, rpid: spam, reason: 1 })).code).toBe(0);
        s.clock.advance(1);
      }
      expect(
        (await reporters[0]!.client.reply.report({ type: 1, oid, rpid: fine, reason: 0, content: '看不惯' }))
          .code,
      ).toBe(0);
    });

    it('lists pending reports newest first, with the reported comment, paged by `next`', async () => {
      const all = await s.admin.moderation.reports({ limit: 200 });
      const here = all.items.filter((r) => r.oid === oid);
      expect(here.map((r) => [r.rpid, r.reporter_mid])).toEqual([
        [fine, reporters[0]!.mid],
        [spam, reporters[2]!.mid],
        [spam, reporters[1]!.mid],
        [spam, reporters[0]!.mid],
      ]);
      expect(here[0]).toMatchObject({ reason: 0, reason_text: '其他', content: '看不惯', status: 'pending' });
      expect(here[1]!.reply).toMatchObject({
        rpid: spam,
        mid: viewer.mid,
        message: 'buy now',
        root: 0,
        deleted: false,
      });

      const page1 = await s.admin.moderation.reports({ limit: 2 });
      expect(page1.items.length).toBe(2);
      expect(page1.next).not.toBeNull();
      const page2 = await s.admin.moderation.reports({ limit: 2, before: page1.next! });
      expect(page2.items[0]).toEqual(all.items[2]);
      expect(await adminStatus(s.admin.moderation.reports({ before: 'garbage' }))).toBe(400);
      expect(await adminStatus(s.admin.moderation.reports({ status: 'bogus' as 'pending' }))).toBe(400);
    });

    it('dismiss keeps the comment; delete removes it (and its thread) and closes its reports', async () => {
      const dismissed = await s.admin.moderation.resolve(fine, 'dismiss');
      expect(dismissed).toEqual({ rpid: fine, action: 'dismiss', resolved: 1, deleted: false });
      expect((await s.anonymous().reply.info({ rpid: fine })).code).toBe(0);

      expect((await s.anonymous().reply.count({ type: 1, oid })).data!.count).toBe(3);
      const deleted = await s.admin.moderation.resolve(spam, 'delete');
      expect(deleted).toEqual({ rpid: spam, action: 'delete', resolved: 3, deleted: true });
      expect((await s.anonymous().reply.info({ rpid: spam })).code).toBe(-404);
      expect((await s.anonymous().reply.count({ type: 1, oid })).data!.count).toBe(1);

      const pending = (await s.admin.moderation.reports({ limit: 200 })).items.filter((r) => r.oid === oid);
      expect(pending).toEqual([]);
      const closed = (await s.admin.moderation.reports({ status: 'all', limit: 200 })).items.filter(
        (r) => r.oid === oid,
      );
      expect(closed.map((r) => r.status)).toEqual(['dismissed', 'deleted', 'deleted', 'deleted']);
      expect(closed.every((r) => r.resolved_at === Math.floor(s.clock.nowMs() / 1000))).toBe(true);
      expect(closed[1]!.reply!.deleted).toBe(true);
      expect(
        (await s.admin.moderation.reports({ status: 'deleted', limit: 200 })).items.length,
      ).toBeGreaterThanOrEqual(3);

      // Nothing left to resolve: 0, still 200.
      expect(await s.admin.moderation.resolve(spam, 'delete')).toEqual({
        rpid: spam,
        action: 'delete',
        resolved: 0,
        deleted: false,
      });
      expect(await adminStatus(s.admin.moderation.resolve(424242, 'dismiss'))).toBe(404);
      expect(await adminStatus(s.admin.request('POST', `/reports/${fine}/resolve`, { action: 'ban' }))).toBe(
        400,
      );
    });
  });

  it('DELETE /replies/:rpid deletes any comment, even in a closed area: 204, then 409; unknown 404', async () => {
    const oid = await newArea();
    const root = await post(viewer.client, oid, 'root');
    await post(owner.client, oid, 'child', { root });
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
    const response = await fetch(`${s.url}/admin/api/v1/replies/${root}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(204);
    expect((await s.anonymous().reply.count({ type: 1, oid })).data!.count).toBe(0);
    expect(await adminStatus(s.admin.moderation.deleteReply(root))).toBe(409);
    expect(await adminStatus(s.admin.moderation.deleteReply(999))).toBe(404);
    const anonymous = await fetch(`${s.url}/admin/api/v1/replies/${root}`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
  });

  it('the grouped queue shows each reported comment once, with every report and who filed it', async () => {
    const oid = await newArea();
    const target = await post(viewer.client, oid, 'grouped target');
    const other = await post(viewer.client, oid, 'other target');
    const filers = [await s.signedIn(), await s.signedIn()];
    expect((await filers[0]!.client.reply.report({ type: 1, oid, rpid: target, reason: 1 })).code).toBe(0);
    s.clock.advance(1);
    expect((await filers[1]!.client.reply.report({ type: 1, oid, rpid: target, reason: 7 })).code).toBe(0);
    expect((await filers[1]!.client.reply.report({ type: 1, oid, rpid: other, reason: 4 })).code).toBe(0);
    const groups = (await s.admin.moderation.reportGroups({ limit: 200 })).items.filter((g) => g.oid === oid);
    expect(groups.map((g) => [g.rpid, g.count, g.pending, g.resolved])).toEqual([
      [other, 1, 1, false],
      [target, 2, 2, false],
    ]);
    const grouped = groups[1]!;
    expect(grouped.reports.map((r) => [r.reporter.mid, r.reason, r.reason_text])).toEqual([
      [filers[1]!.mid, 7, '人身攻击'],
      [filers[0]!.mid, 1, '垃圾广告'],
    ]);
    expect(grouped.reports[0]!.reporter.uname).not.toBe('');
    expect(grouped.reply).toMatchObject({ rpid: target, author: { mid: viewer.mid }, deleted: false });
    // Paging by comment: one group per page, exact.
    const first = await s.admin.moderation.reportGroups({ limit: 1 });
    const second = await s.admin.moderation.reportGroups({ limit: 1, cursor: first.next! });
    expect(second.items[0]!.rpid).toBeLessThan(first.items[0]!.rpid);
  });

  it('a reported comment deleted by its author shows as resolved and deleted, its reports still listed', async () => {
    const oid = await newArea();
    const rpid = await post(viewer.client, oid, 'soon gone');
    const filer = await s.signedIn();
    expect((await filer.client.reply.report({ type: 1, oid, rpid, reason: 2 })).code).toBe(0);
    const before = (await s.admin.moderation.reportGroups({ limit: 200 })).items.find(
      (g) => g.rpid === rpid,
    )!;
    expect([before.resolved, before.reply!.deleted]).toEqual([false, false]);
    expect((await viewer.client.reply.del({ type: 1, oid, rpid })).code).toBe(0);
    const after = (await s.admin.moderation.reportGroups({ limit: 200 })).items.find((g) => g.rpid === rpid)!;
    expect(after).toMatchObject({ resolved: true, pending: 1, reply: { rpid, deleted: true } });
    // Resolving it deletes nothing more and closes the report.
    expect(await s.admin.moderation.resolve(rpid, 'delete')).toEqual({
      rpid,
      action: 'delete',
      resolved: 1,
      deleted: false,
    });
    expect((await s.admin.moderation.reportGroups({ limit: 200 })).items.some((g) => g.rpid === rpid)).toBe(
      false,
    );
    const all = (await s.admin.moderation.reportGroups({ status: 'all', limit: 200 })).items;
    expect(all.find((g) => g.rpid === rpid)).toMatchObject({ resolved: true, pending: 0 });
  });

  it('the duplicate window is configurable (0 turns it off)', async () => {
    const off = await startTestServer(dialect, { ...NO_LIMITS, duplicateWindowSeconds: 0 });
    const short = await startTestServer(dialect, { ...NO_LIMITS, duplicateWindowSeconds: 60 });
    try {
      for (const server of [off, short]) {
        const u = await server.signedIn();
        await server.admin.putArea(1, 1, { owner_mid: u.mid });
        expect((await u.client.reply.add({ type: 1, oid: 1, message: 'same' })).code).toBe(0);
        const second = (await u.client.reply.add({ type: 1, oid: 1, message: 'same' })).code;
        expect(second).toBe(server === off ? 0 : 12051);
        server.clock.advance(61);
        expect((await u.client.reply.add({ type: 1, oid: 1, message: 'same' })).code).toBe(0);
      }
    } finally {
      await off.close();
      await short.close();
    }
  });
});
