import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError } from '../../src/client/index.ts';
import type { AdminAuditEntry, BiliClient } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

async function status(work: Promise<unknown>): Promise<number> {
  try {
    await work;
    return 200;
  } catch (error) {
    if (error instanceof AdminApiError) return error.status;
    throw error;
  }
}

describe.each(dialects())('moderator audit log (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number };
  let author: { client: BiliClient; mid: number };
  let nextOid = 7000;

  const newArea = async (): Promise<number> => {
    const oid = nextOid++;
    await s.admin.putArea(1, oid, { owner_mid: owner.mid });
    return oid;
  };
  const post = async (oid: number, message: string): Promise<number> => {
    const body = await author.client.reply.add({ type: 1, oid, message });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  /** The audit rows written since `since` (an id), oldest first. */
  const since = async (id: number): Promise<AdminAuditEntry[]> =>
    (await s.admin.moderation.auditLog({ limit: 200 })).items.filter((e) => e.id > id).reverse();
  const lastId = async (): Promise<number> =>
    (await s.admin.moderation.auditLog({ limit: 1 })).items[0]?.id ?? 0;
  const visible = async (rpid: number): Promise<boolean> =>
    (await s.anonymous().reply.info({ rpid })).code === 0;
  /** Makes the audit insert fail, runs `work`, then restores the table. */
  const withoutAuditTable = async (work: () => Promise<void>): Promise<void> => {
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(s.handle.db);
    try {
      await work();
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(s.handle.db);
    }
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, {
      commentBurstLimit: 0,
      commentHourlyLimit: 0,
      reportPerMinuteLimit: 0,
    });
    owner = await s.signedIn();
    author = await s.signedIn();
  });
  afterAll(async () => s.close());

  it('each moderator action writes exactly one audit row', async () => {
    const oid = await newArea();
    const a = await post(oid, 'a');
    const b = await post(oid, 'b');
    const c = await post(oid, 'c');
    const reporter = await s.signedIn();
    expect((await reporter.client.reply.report({ type: 1, oid, rpid: b, reason: 1 })).code).toBe(0);
    expect((await reporter.client.reply.report({ type: 1, oid, rpid: c, reason: 3 })).code).toBe(0);
    const start = await lastId();

    await s.admin.moderation.deleteReply(a);
    await s.admin.moderation.resolve(b, 'dismiss');
    await s.admin.moderation.resolve(c, 'delete');
    await s.admin.updateUser(author.mid, { banned: true });
    await s.admin.updateUser(author.mid, { banned: false });
    await s.admin.updateUser(author.mid, { sign: 'not a moderation action' });
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: false });

    const rows = await since(start);
    expect(rows.map((r) => [r.action, r.target_type, r.target_id])).toEqual([
      ['reply.delete', 'reply', String(a)],
      ['report.dismiss', 'reply', String(b)],
      ['report.delete', 'reply', String(c)],
      ['user.ban', 'user', String(author.mid)],
      ['user.unban', 'user', String(author.mid)],
      ['area.close', 'area', `1:${oid}`],
      ['area.open', 'area', `1:${oid}`],
    ]);
    expect(rows[0]!.detail).toEqual({ type: 1, oid, mid: author.mid, root: 0 });
    expect(rows[2]!.detail).toEqual({ reports: 1, deleted: true });
    expect(rows.every((r) => r.actor === 'admin' && r.at === Math.floor(s.clock.nowMs() / 1000))).toBe(true);
  });

  it('a failing action writes no audit row', async () => {
    const oid = await newArea();
    const rpid = await post(oid, 'x');
    await s.admin.moderation.deleteReply(rpid);
    const start = await lastId();
    expect(await status(s.admin.moderation.deleteReply(rpid))).toBe(409);
    expect(await status(s.admin.moderation.deleteReply(987654))).toBe(404);
    expect(await status(s.admin.moderation.resolve(987654, 'delete'))).toBe(404);
    expect(await status(s.admin.updateUser(99_999_999, { banned: true }))).toBe(404);
    expect(await status(s.admin.putArea(1, oid, { owner_mid: 99_999_999, closed: true }))).not.toBe(200);
    expect(await since(start)).toEqual([]);
  });

  it('the action and its audit row commit together: when the row cannot be written, the action is undone', async () => {
    const oid = await newArea();
    const rpid = await post(oid, 'kept');
    const reporter = await s.signedIn();
    expect((await reporter.client.reply.report({ type: 1, oid, rpid, reason: 2 })).code).toBe(0);
    const start = await lastId();
    await withoutAuditTable(async () => {
      expect(await status(s.admin.moderation.deleteReply(rpid))).toBe(500);
      expect(await status(s.admin.moderation.resolve(rpid, 'delete'))).toBe(500);
      expect(await status(s.admin.moderation.resolve(rpid, 'dismiss'))).toBe(500);
      expect(await status(s.admin.updateUser(author.mid, { banned: true }))).toBe(500);
      expect(await status(s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true }))).toBe(500);
    });
    expect(await visible(rpid)).toBe(true);
    const group = (await s.admin.moderation.reportGroups({ limit: 200 })).items.find((g) => g.rpid === rpid)!;
    expect(group.pending).toBe(1);
    expect((await s.admin.getUser(author.mid)).banned).toBe(false);
    expect((await s.admin.getArea(1, oid)).closed).toBe(false);
    expect(await since(start)).toEqual([]);
  });

  it('bulk actions audit each item that succeeded and answer per item', async () => {
    const oid = await newArea();
    const x = await post(oid, 'x');
    const y = await post(oid, 'y');
    await s.admin.moderation.deleteReply(y);
    const start = await lastId();
    const deleted = await s.admin.moderation.bulkReplies([x, y, 123], 'delete');
    expect(deleted.results.map((r) => [r.rpid, r.ok, r.code])).toEqual([
      [x, true, 0],
      [y, false, 12022],
      [123, false, -404],
    ]);
    expect(await visible(x)).toBe(false);
    const z = await post(oid, 'z');
    const banned = await s.admin.moderation.bulkReplies([z, x], 'ban_author');
    expect(banned.results.every((r) => r.ok)).toBe(true);
    expect((await s.admin.getUser(author.mid)).banned).toBe(true);
    await s.admin.updateUser(author.mid, { banned: false });
    const w = await post(oid, 'w');
    const reporter = await s.signedIn();
    expect((await reporter.client.reply.report({ type: 1, oid, rpid: w, reason: 1 })).code).toBe(0);
    const resolved = await s.admin.moderation.bulkResolve([w], 'dismiss');
    expect(resolved.results).toEqual([{ rpid: w, ok: true, code: 0, message: '' }]);
    expect((await since(start)).map((r) => [r.action, r.target_id])).toEqual([
      ['reply.delete', String(x)],
      ['user.ban', String(author.mid)],
      ['user.unban', String(author.mid)],
      ['report.dismiss', String(w)],
    ]);
    expect(await status(s.admin.moderation.bulkReplies([], 'delete'))).toBe(400);
    expect(
      await status(
        s.admin.moderation.bulkReplies(
          Array.from({ length: 101 }, (_, i) => i + 1),
          'delete',
        ),
      ),
    ).toBe(400);
    expect(await status(s.admin.moderation.bulkReplies([x], 'purge' as 'delete'))).toBe(400);
  });

  it('lists the log newest first, exact across pages', async () => {
    const all = (await s.admin.moderation.auditLog({ limit: 200 })).items;
    expect(all.length).toBeGreaterThan(5);
    const ids: number[] = [];
    let page = await s.admin.moderation.auditLog({ limit: 2 });
    ids.push(...page.items.map((e) => e.id));
    while (page.next) {
      page = await s.admin.moderation.auditLog({ limit: 2, cursor: page.next });
      ids.push(...page.items.map((e) => e.id));
    }
    expect(ids).toEqual(all.map((e) => e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});
