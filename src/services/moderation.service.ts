import { BiliError } from '../errors.ts';
import type { ReplyReportRow } from '../store/repositories/reply-report.repository.ts';
import { ReportStatus } from '../store/repositories/reply-report.repository.ts';
import { ReplyState } from '../store/repositories/reply.repository.ts';
import type { ReplyRow } from '../store/repositories/reply.repository.ts';
import type { Repositories, Store } from '../store/store.ts';
import type { AuditRow } from '../store/repositories/admin-list.repository.ts';
import type { AreaRow } from '../store/repositories/area.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { CatalogService } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import type { ReplyService } from './reply.service.ts';
import type { UserPatch, UserService } from './user.service.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { AdminListService } from './admin-list.service.ts';

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
  /** The console's paged lists. */
  readonly lists: AdminListService;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly replies: ReplyService,
    private readonly users: UserService,
    private readonly catalog: CatalogService,
  ) {
    this.lists = new AdminListService(store);
  }

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
    const now = nowSeconds(this.clock);
    const status = action === 'delete' ? ReportStatus.Deleted : ReportStatus.Dismissed;
    let resolved = 0;
    const close = async (tx: Repositories, deleted: boolean): Promise<void> => {
      resolved = await tx.replyReports.resolve(rpid, status, now);
      await this.audit(tx, `report.${action}`, 'reply', String(rpid), { reports: resolved, deleted });
    };
    if (action === 'delete' && reply.state === ReplyState.Visible) {
      await this.replies.delete({ kind: 'operator' }, { type: reply.type, oid: reply.oid, rpid }, (tx) =>
        close(tx, true),
      );
      return { resolved, deleted: true };
    }
    await this.store.transaction((tx) => close(tx, false));
    return { resolved, deleted: false };
  }

  /** Deletes any comment: -404 when unknown, 12022 when already deleted. */
  async deleteReply(rpid: number): Promise<void> {
    const reply = await this.store.replies.find(rpid);
    if (!reply) throw new BiliError(-404, `rpid ${rpid}`);
    await this.replies.delete({ kind: 'operator' }, { type: reply.type, oid: reply.oid, rpid }, (tx) =>
      this.audit(tx, 'reply.delete', 'reply', String(rpid), {
        type: reply.type,
        oid: reply.oid,
        mid: reply.mid,
        root: reply.root,
      }),
    );
  }

  /** Bans or unbans a user (PATCH /users/:mid with `banned`, and the bulk "ban author"). */
  async setBanned(mid: number, banned: boolean, patch: Omit<UserPatch, 'banned'> = {}): Promise<UserRow> {
    return this.users.update(mid, { ...patch, banned }, (tx) =>
      this.audit(tx, banned ? 'user.ban' : 'user.unban', 'user', String(mid), {}),
    );
  }

  /** Creates or updates an area; closing or reopening one is audited. */
  putArea(type: number, oid: number, ownerMid: number, closed: boolean): Promise<AreaRow> {
    return this.catalog.putArea(type, oid, ownerMid, closed, async (tx, before) => {
      if ((before?.closed === 1) === closed) return;
      await this.audit(tx, closed ? 'area.close' : 'area.open', 'area', `${type}:${oid}`, {
        owner_mid: ownerMid,
      });
    });
  }

  /**
   * A bulk action, one transaction (and one audit row) per item so one failure does not undo the others.
   * Each item answers `ok` or the error's code and message.
   */
  async bulk<T extends number>(
    ids: readonly T[],
    work: (id: T) => Promise<unknown>,
  ): Promise<{ id: T; ok: boolean; code: number; message: string }[]> {
    const results: { id: T; ok: boolean; code: number; message: string }[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        await work(id);
        results.push({ id, ok: true, code: 0, message: '' });
      } catch (error) {
        if (!(error instanceof BiliError)) throw error;
        results.push({ id, ok: false, code: error.code, message: error.message });
      }
    }
    return results;
  }

  /** Bans the authors of these comments (each author once). */
  async banAuthors(
    rpids: readonly number[],
  ): Promise<{ id: number; ok: boolean; code: number; message: string }[]> {
    const found = await this.store.replies.findMany(rpids);
    const done = new Map<number, Promise<unknown>>();
    return this.bulk(rpids, async (rpid) => {
      const reply = found.get(rpid);
      if (!reply) throw new BiliError(-404, `rpid ${rpid}`);
      let ban = done.get(reply.mid);
      if (!ban) {
        ban = this.setBanned(reply.mid, true);
        done.set(reply.mid, ban);
      }
      await ban;
    });
  }

  async listAudit(q: {
    cursor?: string;
    limit: number;
  }): Promise<{ items: AuditRow[]; next: string | null }> {
    const [before] = q.cursor === undefined ? [undefined] : decodeCursor(q.cursor, ['number']);
    const rows = await this.store.adminLists.listAudit({
      ...(before === undefined ? {} : { before: before as number }),
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return { items, next: rows.length > q.limit && last ? encodeCursor([last.id]) : null };
  }

  private async audit(
    tx: Repositories,
    action: string,
    targetType: string,
    targetId: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await tx.adminLists.insertAudit({
      at: nowSeconds(this.clock),
      actor: 'admin',
      action,
      target_type: targetType,
      target_id: targetId,
      detail: JSON.stringify(detail),
    });
  }
}

function parseReportCursor(raw: string): { createdAt: number; rpid: number; mid: number } {
  const parts = raw.split(':').map(Number);
  if (parts.length !== 3 || !parts.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new BiliError(-400, 'before must be a cursor returned by this endpoint');
  }
  return { createdAt: parts[0]!, rpid: parts[1]!, mid: parts[2]! };
}
