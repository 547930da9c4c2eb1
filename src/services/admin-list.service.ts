import { BiliError } from '../errors.ts';
import { ReplyState } from '../domain/reply-state.ts';
import type {
  AreaListRow,
  ArchiveListRow,
  ReplyListRow,
  UserListRow,
} from '../store/repositories/admin-list.repository.ts';
import type { ReplyReportRow } from '../store/repositories/reply-report.repository.ts';
import { ReportStatus } from '../store/repositories/reply-report.repository.ts';
import type { ReplyRow } from '../store/repositories/reply.repository.ts';
import type { Store } from '../store/store.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';

export interface Member {
  uname: string;
  face: string;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export type ReplyStateFilter = 'visible' | 'deleted' | 'all';

export interface ReportGroup {
  rpid: number;
  reports: ReplyReportRow[];
  reply: ReplyRow | null;
  /** Nothing left to do: no pending report, or the comment is already deleted (by anyone). */
  resolved: boolean;
}

/** Names and avatars of every mid a page shows; `undefined` for a mid with no user row. */
export type Members = Map<number, Member>;

function page<T>(rows: T[], limit: number, key: (row: T) => (string | number)[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

/**
 * The moderation console's lists (docs/api/admin.md, "Moderation console"): cursor-paged keysets, each
 * page one range scan plus one lookup of the names and avatars it shows.
 */
export class AdminListService {
  constructor(private readonly store: Store) {}

  /** Newest first; with `q`, users whose name starts with `q`, in name order. */
  async users(q: { q?: string; cursor?: string; limit: number }): Promise<Page<UserListRow>> {
    const prefix = q.q?.trim() ? q.q.trim() : undefined;
    if (prefix === undefined) {
      const [beforeMid] = q.cursor === undefined ? [] : decodeCursor(q.cursor, ['number']);
      const rows = await this.store.adminLists.listUsers({
        ...(beforeMid === undefined ? {} : { beforeMid: beforeMid as number }),
        limit: q.limit + 1,
      });
      return page(rows, q.limit, (r) => [r.mid]);
    }
    const [after] = q.cursor === undefined ? [] : decodeCursor(q.cursor, ['string']);
    const rows = await this.store.adminLists.listUsers({
      prefix,
      ...(after === undefined ? {} : { after: after as string }),
      limit: q.limit + 1,
    });
    return page(rows, q.limit, (r) => [r.uname]);
  }

  /** Newest first; with `q`, archives whose title contains it. */
  async archives(q: { q?: string; cursor?: string; limit: number }): Promise<Page<ArchiveListRow>> {
    const [beforeAid] = q.cursor === undefined ? [] : decodeCursor(q.cursor, ['number']);
    const contains = q.q?.trim() ? q.q.trim() : undefined;
    const rows = await this.store.adminLists.listArchives({
      ...(contains === undefined ? {} : { contains }),
      ...(beforeAid === undefined ? {} : { beforeAid: beforeAid as number }),
      limit: q.limit + 1,
    });
    return page(rows, q.limit, (r) => [r.aid]);
  }

  /** Areas by (type, oid), highest first, with the archive title of type-1 areas. */
  async areas(q: {
    type?: number;
    cursor?: string;
    limit: number;
  }): Promise<Page<AreaListRow> & { titles: Map<number, string> }> {
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor, ['number', 'number']);
    const rows = await this.store.adminLists.listAreas({
      ...(q.type === undefined ? {} : { type: q.type }),
      ...(before ? { before: { type: before[0] as number, oid: before[1] as number } } : {}),
      limit: q.limit + 1,
    });
    const result = page(rows, q.limit, (r) => [r.type, r.oid]);
    const titles = await this.store.adminLists.archiveTitles(
      result.items.filter((a) => a.type === 1).map((a) => a.oid),
    );
    return { ...result, titles };
  }

  /** Comments newest first, by area, author and state. */
  async replies(q: {
    type?: number;
    oid?: number;
    mid?: number;
    state?: ReplyStateFilter;
    cursor?: string;
    limit: number;
  }): Promise<Page<ReplyListRow>> {
    if ((q.type === undefined) !== (q.oid === undefined)) {
      throw new BiliError(-400, 'type and oid go together');
    }
    const [before] = q.cursor === undefined ? [] : decodeCursor(q.cursor, ['number']);
    const state =
      q.state === 'visible' ? ReplyState.Visible : q.state === 'deleted' ? ReplyState.Deleted : undefined;
    const rows = await this.store.adminLists.listReplies({
      ...(q.type === undefined || q.oid === undefined ? {} : { area: { type: q.type, oid: q.oid } }),
      ...(q.mid === undefined ? {} : { mid: q.mid }),
      ...(state === undefined ? {} : { state }),
      ...(before === undefined ? {} : { before: before as number }),
      limit: q.limit + 1,
    });
    return page(rows, q.limit, (r) => [r.rpid]);
  }

  /**
   * The report queue, one item per reported comment (highest rpid first) with all its reports. `pending`
   * lists comments with at least one open report.
   */
  async reportGroups(q: {
    status: 'pending' | 'all';
    cursor?: string;
    limit: number;
  }): Promise<Page<ReportGroup>> {
    const [before] = q.cursor === undefined ? [] : decodeCursor(q.cursor, ['number']);
    const rpids = await this.store.adminLists.reportedComments({
      status: q.status === 'pending' ? ReportStatus.Pending : null,
      ...(before === undefined ? {} : { before: before as number }),
      limit: q.limit + 1,
    });
    const result = page(rpids, q.limit, (rpid) => [rpid]);
    const [reports, replies] = await Promise.all([
      this.store.adminLists.reportsOf(result.items),
      this.store.replies.findMany(result.items),
    ]);
    const byComment = new Map<number, ReplyReportRow[]>();
    for (const r of reports) byComment.set(r.rpid, [...(byComment.get(r.rpid) ?? []), r]);
    return {
      next: result.next,
      items: result.items.map((rpid) => {
        const reply = replies.get(rpid) ?? null;
        const list = byComment.get(rpid) ?? [];
        const open = list.some((r) => r.status === ReportStatus.Pending);
        return {
          rpid,
          reports: list,
          reply,
          resolved: !open || !reply || reply.state !== ReplyState.Visible,
        };
      }),
    };
  }

  members(mids: readonly number[]): Promise<Members> {
    return this.store.adminLists.members(mids);
  }
}
