/** Watch analytics aggregates (migration 2026-12-05-12-analytics). Days are UTC day numbers. */

export interface AnalyticsSessionsTable {
  mid: number;
  session_key: string;
  aid: number;
  cid: number;
  day: number;
  watched: number;
  /** Unix seconds of the session's first analysed heartbeat (0: recorded before this was kept). */
  started: number;
  covered: string;
  flags: number;
  position: number;
}

export interface AnalyticsDailyTable {
  aid: number;
  cid: number;
  day: number;
  plays: number;
  viewers: number;
  watch_time: number;
  completed: number;
  kept: number;
}

export interface AnalyticsRetentionTable {
  aid: number;
  cid: number;
  day: number;
  bucket: number;
  /** Difference array: the plays covering bucket b are the sum of `delta` over buckets ≤ b. */
  delta: number;
}

export interface AnalyticsViewersTable {
  aid: number;
  cid: number;
  day: number;
  mid: number;
}

export interface AnalyticsUsersTable {
  mid: number;
  day: number;
  plays: number;
  watch_time: number;
}
