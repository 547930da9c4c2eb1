import type { AdminClient } from './admin-client.ts';
import type { AdminArchiveStats, AdminWatchSession } from './history-types.ts';

/** Watch sessions and play counts of the admin API: `admin.history.*`. */
export class HistoryAdminApi {
  constructor(private readonly admin: AdminClient) {}

  watchSessions(
    mid: number,
    options: { aid?: number; limit?: number } = {},
  ): Promise<{ items: AdminWatchSession[] }> {
    const query = new URLSearchParams();
    if (options.aid !== undefined) query.set('aid', String(options.aid));
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const qs = query.toString();
    return this.admin.request('GET', `/users/${mid}/watch-sessions${qs ? `?${qs}` : ''}`);
  }

  archiveStats(aid: number): Promise<AdminArchiveStats> {
    return this.admin.request('GET', `/archives/${aid}/stats`);
  }
}
