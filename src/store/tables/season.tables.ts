/**
 * Seasons (剧集: 番剧, 电影, … — business `pgc`) and courses (课程 — business `cheese`) with their
 * episodes and lessons (migration 2026-12-05-05-seasons). Season and episode ids are two namespaces per
 * business, as on Bilibili (a course's ssid/epid never names a bangumi's). Times are Unix seconds.
 */

export interface SeasonsTable {
  /** `pgc` for a season, `cheese` for a course: the history business its plays are recorded under. */
  business: string;
  season_id: number;
  /** The media id (mdid) of a pgc season; 0 for a course. */
  media_id: number;
  title: string;
  /** pgc `sub_type`/season type: 1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺; 0 for a course. */
  sub_type: number;
  cover: string;
  /** Introduction (`evaluate` of a season, `subtitle` of a course). */
  description: string;
  /** Planned number of episodes; 0 = not announced (the number published so far is shown instead). */
  total: number;
  /** 1 once the season is complete (完结). */
  is_finish: number;
  created_at: number;
}

export interface SeasonEpisodesTable {
  business: string;
  epid: number;
  season_id: number;
  /** Position in the season, 1-based. */
  ord: number;
  /** Short title: the episode number of a pgc season ("8"), the lesson title of a course. */
  title: string;
  long_title: string;
  /** The archive and part that carry the episode's video, comments and play counts. */
  aid: number;
  cid: number;
  pub_time: number;
}
