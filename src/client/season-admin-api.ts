import type { AdminClient } from './admin-client.ts';

/** An episode (lesson) to create: a part of an existing archive. */
export interface NewAdminEpisode {
  epid?: number;
  aid: number;
  /** The part carrying it; the archive's first part when omitted. */
  cid?: number;
  /** The episode number ("8"; its position when omitted), or a lesson's title (its part's title). */
  title?: string;
  long_title?: string;
  pub_time?: number;
}

interface NewAdminSeasonCommon {
  season_id?: number;
  title: string;
  cover?: string;
  desc?: string;
  /** Announced number of episodes; 0 / omitted = not announced. */
  total?: number;
  is_finish?: boolean;
}

export interface NewAdminSeason extends NewAdminSeasonCommon {
  media_id?: number;
  /** 1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺. */
  sub_type: number;
  episodes: NewAdminEpisode[];
}

export interface NewAdminCourse extends NewAdminSeasonCommon {
  lessons: NewAdminEpisode[];
}

export type AdminSeasonPatch = Partial<
  Pick<NewAdminSeasonCommon, 'title' | 'cover' | 'desc' | 'total' | 'is_finish'>
>;

export interface AdminEpisode {
  epid: number;
  index: number;
  title: string;
  long_title: string;
  aid: number;
  cid: number;
  pub_time: number;
}

export interface AdminSeason {
  /** `pgc` for a season, `cheese` for a course. */
  business: string;
  season_id: number;
  media_id: number;
  title: string;
  sub_type: number;
  badge: string;
  cover: string;
  desc: string;
  total: number;
  is_finish: boolean;
  new_desc: string;
  created_at: number;
  episodes: AdminEpisode[];
}

/** Seasons and courses of the admin API: `admin.seasons.*`. */
export class SeasonAdminApi {
  constructor(private readonly admin: AdminClient) {}

  create(season: NewAdminSeason): Promise<AdminSeason> {
    return this.admin.request('POST', '/seasons', season);
  }

  get(seasonId: number): Promise<AdminSeason> {
    return this.admin.request('GET', `/seasons/${seasonId}`);
  }

  update(seasonId: number, patch: AdminSeasonPatch): Promise<AdminSeason> {
    return this.admin.request('PATCH', `/seasons/${seasonId}`, patch);
  }

  addEpisodes(seasonId: number, episodes: NewAdminEpisode[]): Promise<AdminSeason> {
    return this.admin.request('POST', `/seasons/${seasonId}/episodes`, { episodes });
  }

  createCourse(course: NewAdminCourse): Promise<AdminSeason> {
    return this.admin.request('POST', '/courses', course);
  }

  getCourse(seasonId: number): Promise<AdminSeason> {
    return this.admin.request('GET', `/courses/${seasonId}`);
  }

  updateCourse(seasonId: number, patch: AdminSeasonPatch): Promise<AdminSeason> {
    return this.admin.request('PATCH', `/courses/${seasonId}`, patch);
  }

  addLessons(seasonId: number, lessons: NewAdminEpisode[]): Promise<AdminSeason> {
    return this.admin.request('POST', `/courses/${seasonId}/episodes`, { episodes: lessons });
  }
}
