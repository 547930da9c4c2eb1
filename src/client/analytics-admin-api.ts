import type { AdminClient } from './admin-client.ts';
import type { ArchiveAnalytics, UserWatchTotals } from '../wire/analytics.schema.ts';

export type { ArchiveAnalytics, UserWatchTotals } from '../wire/analytics.schema.ts';

/** A day range: `YYYY-MM-DD` (UTC), both ends included; the default is the last 30 days. */
export interface AnalyticsRange {
  from?: string;
  to?: string;
}

const query = (params: Record<string, string | number | undefined>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length === 0
    ? ''
    : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
};

/** Watch analytics (docs/api/analytics.md). */
export class AnalyticsAdminApi {
  constructor(private readonly admin: AdminClient) {}

  archive(aid: number, range: AnalyticsRange & { cid?: number } = {}): Promise<ArchiveAnalytics> {
    return this.admin.request('GET', `/archives/${aid}/analytics${query({ ...range })}`);
  }

  userTotals(mid: number, range: AnalyticsRange = {}): Promise<UserWatchTotals> {
    return this.admin.request('GET', `/users/${mid}/watch-totals${query({ ...range })}`);
  }
}
