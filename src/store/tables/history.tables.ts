import type { Generated } from 'kysely';

/** Watch history and reporting (migration 2026-11-22-04-history). Times are Unix seconds. */

export interface HistoryTable {
  mid: number;
  /** `archive` (an upload), `pgc` (a season's episode) or `cheese` (a course lesson). */
  business: string;
  /** The entry's target id: the avid for an archive, the season (course) id for pgc (cheese). */
  kid: number;
  /** `history.oid` on the wire: the avid of the archive, or of the episode's archive. */
  oid: number;
  epid: number;
  /** Last part watched. */
  cid: number;
  page: number;
  /** Seconds into that part; -1 = finished. */
  progress: number;
  /** Viewing platform code (CONTRACT.md §7.1 `dt`). */
  dt: number;
  view_at: number;
}

export interface HistoryPrefsTable {
  mid: number;
  /** 1 while history recording is paused ("shadow"). */
  paused: number;
  updated_at: number;
}

export interface WatchSessionsTable {
  mid: number;
  /** The heartbeat's `session`, or one derived from the archive, part and `start_ts` when it has none. */
  session_key: string;
  aid: number;
  cid: number;
  start_ts: number;
  /** Last reported position, seconds (-1 finished). */
  played_time: number;
  /** Largest reported `realtime`: elapsed play time of the session, seconds. */
  realtime: number;
  /** Largest reported `real_played_time`: the session's watch time, seconds. */
  real_played_time: number;
  video_duration: number;
  /** Last `play_type` (0 playing, 1 start, 2 pause, 3 resume, 4 end). */
  play_type: number;
  heartbeats: number;
  first_at: number;
  last_at: number;
}

export interface PlayCountsTable {
  /**
   * `m:<mid>` for a signed-in viewer; for an anonymous one `d:<buvid3>` (an id Replay issued),
   * `b:<buvid3>` (any other cookie value) or `ip:<address>`.
   */
  viewer: string;
  aid: number;
  counted_at: number;
  /** The address an anonymous play came from; '' for a signed-in viewer (migration 2026-12-05-09). */
  address: Generated<string>;
}

export interface ArchiveStatsTable {
  aid: number;
  view: number;
}
