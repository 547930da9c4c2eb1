import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { FIRST_RPID, ReplyRepository } from '../../src/store/repositories/reply.repository.ts';
import { dialects, openMigratedDatabase } from '../support/harness.ts';
import { replyRow } from '../support/reply-row.ts';

/**
 * PostgreSQL's rpid sequence after rows were written with explicit rpids (an import, a fixture): the
 * resync after a collision moves it to what SQLite's max + 1 gives, not back over rpids it has handed
 * out already (another node's transaction may hold one, not yet committed).
 */
describe.runIf(dialects().includes('postgres'))('rpid sequence resync (postgres)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const reply = (rpid: number) => replyRow(rpid, { oid: 1, message: 'x', ctime: 1 });

  it('continues after the largest stored rpid, or at the first one, and does not go back', async () => {
    const handle = await openMigratedDatabase('postgres', cleanup);
    const replies = new ReplyRepository(handle.db, 'postgres');
    // Only rpids below the first automatic one are stored: that one comes next.
    await handle.db
      .insertInto('replies')
      .values([reply(5), reply(7)])
      .execute();
    await replies.resyncRpidSequence();
    expect(await replies.nextRpid()).toBe(FIRST_RPID);
    // Drawn (FIRST_RPID above) and not stored, as by a transaction still running: a resync does not hand
    // it out again.
    await replies.resyncRpidSequence();
    expect(await replies.nextRpid()).toBe(FIRST_RPID + 1);
    // A stored rpid ahead of the sequence: the next one follows it.
    await handle.db
      .insertInto('replies')
      .values(reply(FIRST_RPID + 100))
      .execute();
    await replies.resyncRpidSequence();
    expect(await replies.nextRpid()).toBe(FIRST_RPID + 101);
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM replies`.execute(handle.db);
    expect(Number(rows[0]!.n)).toBe(3);
  });
});
