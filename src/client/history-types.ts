/** Wire types of watch reporting, history and the player (CONTRACT.md §6–§8); names are the contract's. */

export type {
  Dimension,
  HistoryBangumi,
  HistoryBusiness,
  HistoryCheese,
  HistoryCursor,
  HistoryCursorData,
  HistoryCursorItem,
  HistoryEntry,
  HistoryTab,
  PlayerData,
} from '../wire/history.schema.ts';
export type {
  CourseLesson,
  CourseSeasonData,
  PgcEpisode,
  PgcSeasonResult,
  SeasonProgress,
} from '../wire/season.schema.ts';
import type { HistoryBusiness } from '../wire/history.schema.ts';

export interface ReportParams {
  aid: number;
  cid: number;
  /** Seconds; -1 = finished. */
  progress?: number;
  platform?: string;
  /** 3 archive, 4 season episode, 10 course lesson. */
  type?: number;
  sub_type?: number;
  epid?: number;
  sid?: number;
}

export interface HeartbeatParams {
  aid?: number;
  bvid?: string;
  cid?: number;
  epid?: number;
  sid?: number;
  mid?: number;
  /** Position in seconds; -1 = playback finished. */
  played_time?: number;
  realtime?: number;
  real_played_time?: number;
  video_duration?: number;
  last_play_progress_time?: number;
  max_play_progress_time?: number;
  start_ts?: number;
  type?: number;
  sub_type?: number;
  dt?: number;
  /** 0 playing, 1 start, 2 pause, 3 resume, 4 end. */
  play_type?: 0 | 1 | 2 | 3 | 4;
  quality?: number;
  refer_url?: string;
  outer?: number;
  spmid?: string;
  from_spmid?: string;
  session?: string;
  /** Sent as JSON text in the form field. */
  extra?: Record<string, unknown> | string;
}

export interface ClickParams {
  aid: number;
  cid?: number;
  part?: number;
  mid?: number;
  lv?: number;
  ftime?: number;
  stime?: number;
  type?: number;
  sub_type?: number;
  referer_url?: string;
  outer?: number;
  spmid?: string;
  from_spmid?: string;
  session?: string;
}

/** `season_id` or `ep_id` of the season-info endpoints. */
export interface SeasonParams {
  season_id?: number;
  ep_id?: number;
}

export interface CursorParams {
  max?: number;
  business?: HistoryBusiness | '';
  view_at?: number;
  type?: 'all' | 'archive' | 'live' | 'article';
  ps?: number;
}

export interface PlayerParams {
  aid?: number;
  bvid?: string;
  cid: number;
  season_id?: number;
  ep_id?: number;
}

/** Admin API: one play session. */
export interface AdminWatchSession {
  session: string;
  aid: number;
  cid: number;
  start_ts: number;
  played_time: number;
  realtime: number;
  real_played_time: number;
  video_duration: number;
  play_type: number;
  heartbeats: number;
  first_at: number;
  last_at: number;
}

export interface AdminArchiveStats {
  aid: number;
  view: number;
}
