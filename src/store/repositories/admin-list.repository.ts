import type { Insertable, Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import type { AuditLogTable } from '../tables/audit.tables.ts';
import type { ReplyReportRow } from './reply-report.repository.ts';

export type AuditRow = Selectable<AuditLogTable>;

/** The highest code point: `prefix + MAX_CHAR` bounds every name that starts with `prefix` (byte order). */
const MAX_CHAR = '\u{10FFFF}';

export interface UserListRow {
  mid: number;
  uname: string;
  face: string;
  sign: string;
  level: number;
  banned: number;
  created_at: number;
}

export interface ArchiveListRow {
  aid: number;
  bvid: string;
  title: string;
  cover: string;
  owner_mid: number;
  pubdate: number;
}

export interface AreaListRow {
  type: number;
  oid: number;
  owner_mid: number;
  closed: number;
  created_at: number;
  root_count: number;
  all_count: number;
}

export interface ReplyListRow {
  rpid: number;
  type: number;
  oid: number;
  mid: number;
  root: number;
  parent: number;
  message: string;
  state: number;
  like_count: number;
  ctime: number;
}

export interface ReplyListQuery {
  area?: { type: number; oid: number } | undefined;
  mid?: number | undefined;
  state?: number | undefined;
  /** Keyset: rpids below this one. */
  before?: number | undefined;
  limit: number;
}

/**
 * The admin console's lists and the audit log. Every list is a keyset over an index, so a page costs
 * O(page) wherever it is; the one exception is the archive title search (a substring cannot use a B-tree),
 * which walks the primary key newest first until the page is full.
 */
export class AdminListRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
  }

  /** Newest mid first; with a prefix, by name in byte order (keyset `after` the last name). */
  listUsers(q: {
    prefix?: string;
    after?: string;
    beforeMid?: number;
    limit: number;
  }): Promise<UserListRow[]> {
    const base = this.db
      .selectFrom('users')
      .select(['mid', 'uname', 'face', 'sign', 'level', 'banned', 'created_at']);
    if (q.prefix === undefined) {
      return (q.beforeMid === undefined ? base : base.where('mid', '<', q.beforeMid))
        .orderBy('mid', 'desc')
        .limit(q.limit)
        .execute();
    }
    const uname = this.postgres ? sql<string>`uname COLLATE "C"` : sql<string>`uname`;
    const low = q.after ?? q.prefix;
    return base
      .where(uname, q.after === undefined ? '>=' : '>', low)
      .where(uname, '<', q.prefix + MAX_CHAR)
      .orderBy(uname)
      .limit(q.limit)
      .execute();
  }

  /** Newest aid first; `contains` filters titles (case-insensitive for ASCII letters). */
  listArchives(q: { contains?: string; beforeAid?: number; limit: number }): Promise<ArchiveListRow[]> {
    let query = this.db
      .selectFrom('archives')
      .select(['aid', 'bvid', 'title', 'cover', 'owner_mid', 'pubdate']);
    if (q.beforeAid !== undefined) query = query.where('aid', '<', q.beforeAid);
    if (q.contains !== undefined) {
      const needle = q.contains.toLowerCase();
      query = this.postgres
        ? query.where(sql<boolean>`strpos(lower(title), ${needle}) > 0`)
        : query.where(sql<boolean>`instr(lower(title), ${needle}) > 0`);
    }
    return query.orderBy('aid', 'desc').limit(q.limit).execute();
  }

  /** By (type, oid), highest first: the primary key. */
  listAreas(q: {
    type?: number;
    before?: { type: number; oid: number };
    limit: number;
  }): Promise<AreaListRow[]> {
    let query = this.db
      .selectFrom('areas')
      .select(['type', 'oid', 'owner_mid', 'closed', 'created_at', 'root_count', 'all_count']);
    if (q.type !== undefined) query = query.where('type', '=', q.type);
    const before = q.before;
    if (before) {
      query = query.where((eb) =>
        eb.or([
          eb('type', '<', before.type),
          eb.and([eb('type', '=', before.type), eb('oid', '<', before.oid)]),
        ]),
      );
    }
    return query.orderBy('type', 'desc').orderBy('oid', 'desc').limit(q.limit).execute();
  }

  /** Newest (highest rpid) first, over `replies_admin_area`, `_author` or `_state` (or the primary key). */
  listReplies(q: ReplyListQuery): Promise<ReplyListRow[]> {
    let query = this.db
      .selectFrom('replies')
      .select(['rpid', 'type', 'oid', 'mid', 'root', 'parent', 'message', 'state', 'like_count', 'ctime']);
    if (q.area) query = query.where('type', '=', q.area.type).where('oid', '=', q.area.oid);
    if (q.mid !== undefined) query = query.where('mid', '=', q.mid);
    if (q.state !== undefined) query = query.where('state', '=', q.state);
    if (q.before !== undefined) query = query.where('rpid', '<', q.before);
    return query.orderBy('rpid', 'desc').limit(q.limit).execute();
  }

  /** Reported comments, highest rpid first, each once (over `reply_reports_by_comment`). */
  async reportedComments(q: { status: number | null; before?: number; limit: number }): Promise<number[]> {
    let query = this.db.selectFrom('reply_reports').select('rpid').distinct();
    if (q.status !== null) query = query.where('status', '=', q.status);
    if (q.before !== undefined) query = query.where('rpid', '<', q.before);
    const rows = await query.orderBy('rpid', 'desc').limit(q.limit).execute();
    return rows.map((r) => r.rpid);
  }

  /** Every report of these comments, newest first. */
  reportsOf(rpids: readonly number[]): Promise<ReplyReportRow[]> {
    if (rpids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('reply_reports')
      .selectAll()
      .where('rpid', 'in', rpids)
      .orderBy('created_at', 'desc')
      .orderBy('mid', 'desc')
      .execute();
  }

  /** Names and avatars of these users. */
  async members(mids: readonly number[]): Promise<Map<number, { uname: string; face: string }>> {
    const unique = [...new Set(mids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .select(['mid', 'uname', 'face'])
      .where('mid', 'in', unique)
      .execute();
    return new Map(rows.map((r) => [r.mid, { uname: r.uname, face: r.face }]));
  }

  /** Titles of these archives (the subjects of type-1 areas). */
  async archiveTitles(aids: readonly number[]): Promise<Map<number, string>> {
    const unique = [...new Set(aids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('archives')
      .select(['aid', 'title'])
      .where('aid', 'in', unique)
      .execute();
    return new Map(rows.map((r) => [r.aid, r.title]));
  }

  async insertAudit(row: Insertable<AuditLogTable>): Promise<void> {
    await this.db.insertInto('audit_log').values(row).execute();
  }

  /** Newest first. */
  listAudit(q: { before?: number; limit: number }): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (q.before !== undefined) query = query.where('id', '<', q.before);
    return query.orderBy('id', 'desc').limit(q.limit).execute();
  }
}
