import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface PartCount {
  aid: number;
  cid: number;
  total: number;
  web: number;
}

/**
 * The per-node online counts of cluster mode (DESIGN.md §11): each node rewrites its own rows every few
 * seconds; a read sums the other live nodes' rows for one part in one indexed query.
 */
export class OnlineRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Replaces the node's rows with `counts` (parts with nobody left are dropped) and removes rows of nodes
   * silent since `pruneBefore` (a node that died without cleaning up).
   */
  async publish(node: string, at: number, counts: readonly PartCount[], pruneBefore: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .deleteFrom('online_counts')
        .where((eb) => eb.or([eb('node', '=', node), eb('at', '<', pruneBefore)]))
        .execute();
      // A few thousand parts per node at most; chunks keep each statement under the parameter limits.
      for (let i = 0; i < counts.length; i += 500) {
        await tx
          .insertInto('online_counts')
          .values(counts.slice(i, i + 500).map((c) => ({ node, ...c, at })))
          .execute();
      }
    });
  }

  /** The part's viewers on every node but `node` that published at or after `since`. */
  async othersSum(
    node: string,
    aid: number,
    cid: number,
    since: number,
  ): Promise<{ total: number; web: number }> {
    const row = await this.db
      .selectFrom('online_counts')
      .select((eb) => [
        eb.fn.sum<number | string | null>('total').as('total'),
        eb.fn.sum<number | string | null>('web').as('web'),
      ])
      .where('aid', '=', aid)
      .where('cid', '=', cid)
      .where('node', '<>', node)
      .where('at', '>=', since)
      .executeTakeFirst();
    return { total: Number(row?.total ?? 0), web: Number(row?.web ?? 0) };
  }

  /** Removes the node's rows (a clean shutdown: its viewers leave the counts at once). */
  async withdraw(node: string): Promise<void> {
    await this.db.deleteFrom('online_counts').where('node', '=', node).execute();
  }
}
