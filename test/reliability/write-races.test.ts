import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';

/**
 * Races the crash and cluster loads ran into, pinned down on one node of each database: requests of two
 * users on the same comment in flight at once, interleaving at every await of their services.
 */

describe.each(dialects())('write races on one node (%s)', (dialect) => {
  let s: TestServer;
  let oid: number;
  let owner: Awaited<ReturnType<TestServer['signedIn']>>;
  let author: Awaited<ReturnType<TestServer['signedIn']>>;

  beforeAll(async () => {
    s = await startTestServer(dialect, {
      commentBurstLimit: 0,
      commentHourlyLimit: 0,
      reportPerMinuteLimit: 0,
    });
    owner = await s.signedIn();
    author = await s.signedIn();
    oid = (
      await s.admin.createArchive({
        title: 'races',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 60 }],
      })
    ).aid;
  });
  afterAll(async () => s.close());

  const post = async (who: typeof owner, message: string, extra: Record<string, number> = {}) => {
    const body = await who.client.reply.add({ type: 1, oid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };

  it('the owner pinning a comment while its author deletes it never leaves a deleted comment pinned', async () => {
    for (let round = 0; round < 20; round++) {
      const rpid = await post(author, `pin or delete ${round}`);
      const [pin, del] = await Promise.all([
        owner.client.reply.top({ type: 1, oid, rpid, action: 1 }),
        author.client.reply.del({ type: 1, oid, rpid }),
      ]);
      expect(del.code).toBe(0);
      expect([0, 12006]).toContain(pin.code);
      const pinned = await s.handle.db
        .selectFrom('replies')
        .select('rpid')
        .where('oid', '=', oid)
        .where('pinned', '=', 1)
        .execute();
      expect({ round, pinned }).toEqual({ round, pinned: [] });
    }
    const next = await post(owner, 'pinned after the races');
    expect((await owner.client.reply.top({ type: 1, oid, rpid: next, action: 1 })).code).toBe(0);
    expect((await owner.client.reply.top({ type: 1, oid, rpid: next, action: 0 })).code).toBe(0);
  });

  it('deleting a root while its replies are deleted answers 0 or 12022, never an error, and keeps the counts', async () => {
    for (let round = 0; round < 5; round++) {
      const root = await post(owner, `thread ${round}`);
      const replies: number[] = [];
      for (let i = 0; i < 5; i++)
        replies.push(await post(author, `reply ${round}.${i}`, { root, parent: root }));
      const [rootDelete, ...replyDeletes] = await Promise.all([
        owner.client.reply.del({ type: 1, oid, rpid: root }),
        ...replies.map((rpid) => author.client.reply.del({ type: 1, oid, rpid })),
      ]);
      expect(rootDelete.code, rootDelete.message).toBe(0);
      for (const body of replyDeletes) expect([0, 12022], body.message).toContain(body.code);
    }
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);
  });
});
