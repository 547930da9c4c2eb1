import type { AdminClient } from './admin-client.ts';

export type ReportStatus = 'pending' | 'dismissed' | 'deleted';

export interface AdminReport {
  rpid: number;
  type: number;
  oid: number;
  reporter_mid: number;
  reason: number;
  reason_text: string;
  content: string;
  created_at: number;
  status: ReportStatus;
  resolved_at: number | null;
  reply: {
    rpid: number;
    type: number;
    oid: number;
    mid: number;
    root: number;
    message: string;
    ctime: number;
    deleted: boolean;
  } | null;
}

export interface AdminReportList {
  items: AdminReport[];
  /** Pass as `before` for the next page; null on the last. */
  next: string | null;
}

export interface AdminResolved {
  rpid: number;
  action: string;
  resolved: number;
  deleted: boolean;
}

/** A mid with its name and avatar (empty strings for a mid with no user). */
export interface AdminMember {
  mid: number;
  uname: string;
  face: string;
}

/** One page of an admin list; pass `next` back as `cursor`. */
export interface AdminListPage<T> {
  items: T[];
  next: string | null;
}

export interface AdminListedUser {
  mid: number;
  uname: string;
  face: string;
  sign: string;
  level: number;
  banned: boolean;
  created_at: number;
}

export interface AdminListedArchive {
  aid: number;
  bvid: string;
  title: string;
  cover: string;
  owner: AdminMember;
  pubdate: number;
}

export interface AdminListedArea {
  type: number;
  oid: number;
  title: string;
  owner: AdminMember;
  closed: boolean;
  created_at: number;
  root_count: number;
  all_count: number;
}

export interface AdminListedReply {
  rpid: number;
  type: number;
  oid: number;
  author: AdminMember;
  root: number;
  parent: number;
  message: string;
  like: number;
  ctime: number;
  deleted: boolean;
}

export interface AdminReportGroup {
  rpid: number;
  type: number;
  oid: number;
  count: number;
  pending: number;
  latest_at: number;
  /** No open report, or the comment is already deleted (by anyone). */
  resolved: boolean;
  reply: AdminListedReply | null;
  reports: {
    reporter: AdminMember;
    reason: number;
    reason_text: string;
    content: string;
    created_at: number;
    status: ReportStatus;
  }[];
}

export interface AdminAuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: Record<string, unknown>;
}

export interface AdminBulkResult {
  results: { rpid: number; ok: boolean; code: number; message: string }[];
}

export interface ListPaging {
  cursor?: string;
  limit?: number;
}

function query(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

/** Comment moderation of the admin API: `admin.moderation.*`. */
export class ModerationAdminApi {
  constructor(private readonly admin: AdminClient) {}

  reports(
    query: { status?: ReportStatus | 'all'; limit?: number; before?: string } = {},
  ): Promise<AdminReportList> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    return this.admin.request('GET', `/reports${qs ? `?${qs}` : ''}`);
  }

  /** Closes every pending report of a comment: dismiss them, or delete the comment. */
  resolve(rpid: number, action: 'dismiss' | 'delete'): Promise<AdminResolved> {
    return this.admin.request('POST', `/reports/${rpid}/resolve`, { action });
  }

  /** Deletes any comment (a level-1 comment takes its thread along). */
  async deleteReply(rpid: number): Promise<void> {
    await this.admin.request('DELETE', `/replies/${rpid}`);
  }

  /** Users newest first; `q` finds names starting with it (in name order). */
  users(q: ListPaging & { q?: string } = {}): Promise<AdminListPage<AdminListedUser>> {
    return this.admin.request('GET', `/users${query(q)}`);
  }

  /** Archives newest first; `q` finds titles containing it. */
  archives(q: ListPaging & { q?: string } = {}): Promise<AdminListPage<AdminListedArchive>> {
    return this.admin.request('GET', `/archives${query(q)}`);
  }

  areas(q: ListPaging & { type?: number } = {}): Promise<AdminListPage<AdminListedArea>> {
    return this.admin.request('GET', `/areas${query(q)}`);
  }

  /** Comments newest first, by area (type + oid), author and state. */
  replies(
    q: ListPaging & { type?: number; oid?: number; mid?: number; state?: 'visible' | 'deleted' | 'all' } = {},
  ): Promise<AdminListPage<AdminListedReply>> {
    return this.admin.request('GET', `/replies${query(q)}`);
  }

  /** The report queue grouped by comment. */
  reportGroups(
    q: ListPaging & { status?: 'pending' | 'all' } = {},
  ): Promise<AdminListPage<AdminReportGroup>> {
    return this.admin.request('GET', `/report-groups${query(q)}`);
  }

  auditLog(q: ListPaging = {}): Promise<AdminListPage<AdminAuditEntry>> {
    return this.admin.request('GET', `/audit-log${query(q)}`);
  }

  bulkResolve(rpids: number[], action: 'dismiss' | 'delete'): Promise<AdminBulkResult> {
    return this.admin.request('POST', '/reports/bulk', { rpids, action });
  }

  bulkReplies(rpids: number[], action: 'delete' | 'ban_author'): Promise<AdminBulkResult> {
    return this.admin.request('POST', '/replies/bulk', { rpids, action });
  }
}
