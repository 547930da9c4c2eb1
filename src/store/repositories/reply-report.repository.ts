import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { ReplyReportsTable } from '../tables/comment.tables.ts';

export type ReplyReportRow = Selectable<ReplyReportsTable>;

export const ReportStatus = { Pending: 0, Dismissed: 1, Deleted: 2 } as const;

export interface ReportQuery {
  status: number | null;
  limit: number;
  /** Keyset: reports created before this time, or at it with a (rpid, mid) below. */
  before?: { createdAt: number; rpid: number; mid: number } | undefined;
}

/** Reports kept for moderation; (rpid, mid) is the primary key: one report per user and comment. */
export class ReplyReportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** 'duplicate' when the user already reported the comment (nothing is written then). */
  async insert(report: Insertable<ReplyReportsTable>): Promise<'inserted' | 'duplicate'> {
    const result = await this.db
      .insertInto('reply_reports')
      .values(report)
      .onConflict((oc) => oc.columns(['rpid', 'mid']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? 'inserted' : 'duplicate';
  }

  /** Newest first. */
  list(query: ReportQuery): Promise<ReplyReportRow[]> {
    let q = this.db.selectFrom('reply_reports').selectAll();
    if (query.status !== null) q = q.where('status', '=', query.status);
    const before = query.before;
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', before.createdAt),
          eb.and([eb('created_at', '=', before.createdAt), eb('rpid', '<', before.rpid)]),
          eb.and([
            eb('created_at', '=', before.createdAt),
            eb('rpid', '=', before.rpid),
            eb('mid', '<', before.mid),
          ]),
        ]),
      );
    }
    return q
      .orderBy('created_at', 'desc')
      .orderBy('rpid', 'desc')
      .orderBy('mid', 'desc')
      .limit(query.limit)
      .execute();
  }

  /** Closes every pending report of a comment with `status`; returns how many. */
  async resolve(rpid: number, status: number, now: number): Promise<number> {
    const result = await this.db
      .updateTable('reply_reports')
      .set({ status, resolved_at: now })
      .where('rpid', '=', rpid)
      .where('status', '=', ReportStatus.Pending)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
