import { BiliError } from '../errors.ts';
import type { ReplyReportRow } from '../store/repositories/reply-report.repository.ts';
import { ReportStatus } from '../store/repositories/reply-report.repository.ts';
import { ReplyState } from '../store/repositories/reply.repository.ts';
import type { ReplyRow } from '../store/repositories/reply.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import type { ReplyService } from './reply.service.ts';

export type ReportStatusName = 'pending' | 'dismissed' | 'deleted';

export const REPORT_STATUS_NAMES: Record<number, ReportStatusName> = {
  [ReportStatus.Pending]: 'pending',
  [ReportStatus.Dismissed]: 'dismissed',
  [ReportStatus.Deleted]: 'deleted',
};

const STATUS_BY_NAME: Record<ReportStatusName, number> = {
  pending: ReportStatus.Pending,
  dismissed: ReportStatus.Dismissed,
  deleted: ReportStatus.Deleted,
};

export interface ReportPage {
  reports: { report: ReplyReportRow; reply: ReplyRow | null }[];
  /** Pass back as `before` for the next page; null on the last one. */
  next: string | null;
}

/** The operator's side of comments: the report queue and deleting any comment. */
export class ModerationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly replies: ReplyService,
  ) {}

  /** Reports, newest first, with the reported comment (two queries per page). */
  async listReports(q: {
    status: ReportStatusName | 'all';
    limit: number;
    before?: string;
  }): Promise<ReportPage> {
    const before = q.before ? parseReportCursor(q.before) : undefined;
    const rows = await this.store.replyReports.list({
      status: q.status === 'all' ? null : STATUS_BY_NAME[q.status],
      limit: q.limit + 1,
      before,
    });
    const page = rows.slice(0, q.limit);
    const replies = await this.store.replies.findMany(page.map((r) => r.rpid));
    const last = page.at(-1);
    return {
      reports: page.map((report) => ({ report, reply: replies.get(report.rpid) ?? null })),
      next: rows.length > q.limit && last ? `${last.created_at}:${last.rpid}:${last.mid}` : null,
    };
  }

  /**
   * Closes every pending report of a comment: `dismiss` keeps the comment, `delete` deletes it (and, for a
   * root, its thread). Returns how many reports were closed.
   */
  async resolveReports(
    rpid: number,
    action: 'dismiss' | 'delete',
  ): Promise<{ resolved: number; deleted: boolean }> {
    const reply = await this.store.replies.find(rpid);
    if (!reply) throw new BiliError(-404, `rpid ${rpid}`);
    let deleted = false;
    if (action === 'delete' && reply.state === ReplyState.Visible) {
      await this.deleteReply(rpid);
      deleted = true;
    }
    const resolved = await this.store.replyReports.resolve(
      rpid,
      action === 'delete' ? ReportStatus.Deleted : ReportStatus.Dismissed,
      nowSeconds(this.clock),
    );
    return { resolved, deleted };
  }

  /** Deletes any comment: -404 when unknown, 12022 when already deleted. */
  async deleteReply(rpid: number): Promise<void> {
    const reply = await this.store.replies.find(rpid);
    if (!reply) throw new BiliError(-404, `rpid ${rpid}`);
    await this.replies.delete({ kind: 'operator' }, { type: reply.type, oid: reply.oid, rpid });
  }
}

function parseReportCursor(raw: string): { createdAt: number; rpid: number; mid: number } {
  const parts = raw.split(':').map(Number);
  if (parts.length !== 3 || !parts.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new BiliError(-400, 'before must be a cursor returned by this endpoint');
  }
  return { createdAt: parts[0]!, rpid: parts[1]!, mid: parts[2]! };
}
