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
}
