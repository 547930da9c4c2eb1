import Type from 'typebox';
import type { Static, TSchema } from 'typebox';
import { Dimension } from './history.schema.ts';
import { Wire } from './envelope.schema.ts';

/**
 * The season-info endpoints clients call to list a season's episodes with the viewer's progress:
 * `/pgc/view/web/season` (番剧, 电影, …) and `/pugv/view/web/season` (课程). Replay answers the documented
 * fields it can fill (see docs/api/episodes-and-courses.md); field order follows the community docs.
 */

/** The pgc endpoints answer `result`, not `data` (`{code, message:"success", ttl, result}`). */
export function ResultEnvelope<T extends TSchema>(result: T) {
  return Type.Object({
    code: Type.Integer(),
    message: Type.String(),
    ttl: Type.Literal(1),
    result: Type.Optional(result),
  });
}

/** Where the viewer is in a season or course; absent when signed out. */
export const SeasonProgress = Wire({
  last_ep_id: Type.Integer(),
  last_ep_index: Type.String(),
  /** Seconds into that episode (0 when finished or never watched). */
  last_time: Type.Integer(),
});
export type SeasonProgress = Static<typeof SeasonProgress>;

export const BadgeInfo = Wire({
  bg_color: Type.String(),
  bg_color_night: Type.String(),
  text: Type.String(),
});

export const PgcEpisode = Wire({
  aid: Type.Integer(),
  badge: Type.String(),
  badge_info: BadgeInfo,
  badge_type: Type.Integer(),
  bvid: Type.String(),
  cid: Type.Integer(),
  cover: Type.String(),
  dimension: Dimension,
  /** Milliseconds, as the pgc endpoints give it. */
  duration: Type.Integer(),
  from: Type.String(),
  id: Type.Integer(),
  link: Type.String(),
  long_title: Type.String(),
  pub_time: Type.Integer(),
  pv: Type.Integer(),
  release_date: Type.String(),
  share_copy: Type.String(),
  share_url: Type.String(),
  short_link: Type.String(),
  status: Type.Integer(),
  subtitle: Type.String(),
  title: Type.String(),
  vid: Type.String(),
});
export type PgcEpisode = Static<typeof PgcEpisode>;

/** `result` of `/pgc/view/web/season`. */
export const PgcSeasonResult = Wire({
  cover: Type.String(),
  episodes: Type.Array(PgcEpisode),
  evaluate: Type.String(),
  link: Type.String(),
  media_id: Type.Integer(),
  mode: Type.Integer(),
  new_ep: Wire({ desc: Type.String(), id: Type.Integer(), is_new: Type.Integer(), title: Type.String() }),
  publish: Wire({
    is_finish: Type.Integer(),
    is_started: Type.Integer(),
    pub_time: Type.String(),
    pub_time_show: Type.String(),
    unknow_pub_date: Type.Integer(),
    weekday: Type.Integer(),
  }),
  season_id: Type.Integer(),
  season_title: Type.String(),
  seasons: Type.Array(Type.Unknown()),
  section: Type.Array(Type.Unknown()),
  share_copy: Type.String(),
  share_sub_title: Type.String(),
  share_url: Type.String(),
  show: Wire({ wide_screen: Type.Integer() }),
  square_cover: Type.String(),
  stat: Wire({
    coins: Type.Integer(),
    danmakus: Type.Integer(),
    favorites: Type.Integer(),
    likes: Type.Integer(),
    reply: Type.Integer(),
    share: Type.Integer(),
    views: Type.Integer(),
  }),
  status: Type.Integer(),
  subtitle: Type.String(),
  title: Type.String(),
  /** Announced number of episodes; -1 while airing without one, as Bilibili gives it. */
  total: Type.Integer(),
  /** 1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺. */
  type: Type.Integer(),
  user_status: Wire({
    area_limit: Type.Integer(),
    ban_area_show: Type.Integer(),
    follow: Type.Integer(),
    follow_status: Type.Integer(),
    login: Type.Integer(),
    pay: Type.Integer(),
    pay_pack_paid: Type.Integer(),
    progress: Type.Optional(SeasonProgress),
    sponsor: Type.Integer(),
  }),
});
export type PgcSeasonResult = Static<typeof PgcSeasonResult>;

export const CourseLesson = Wire({
  aid: Type.Integer(),
  cid: Type.Integer(),
  /** Seconds. */
  duration: Type.Integer(),
  from: Type.String(),
  id: Type.Integer(),
  index: Type.Integer(),
  page: Type.Integer(),
  play: Type.Integer(),
  release_date: Type.Integer(),
  status: Type.Integer(),
  title: Type.String(),
  watched: Type.Boolean(),
  watchedHistory: Type.Integer(),
});
export type CourseLesson = Static<typeof CourseLesson>;

/** `data` of `/pugv/view/web/season`. */
export const CourseSeasonData = Wire({
  cover: Type.String(),
  episode_page: Wire({
    next: Type.Boolean(),
    num: Type.Integer(),
    size: Type.Integer(),
    total: Type.Integer(),
  }),
  episode_sort: Type.Integer(),
  episodes: Type.Array(CourseLesson),
  release_bottom_info: Type.String(),
  release_info: Type.String(),
  release_info2: Type.String(),
  release_status: Type.String(),
  season_id: Type.Integer(),
  share_url: Type.String(),
  short_link: Type.String(),
  stat: Wire({ play: Type.Integer(), play_desc: Type.String() }),
  status: Type.Integer(),
  subtitle: Type.String(),
  title: Type.String(),
  up_info: Wire({
    avatar: Type.String(),
    brief: Type.String(),
    follower: Type.Integer(),
    is_follow: Type.Integer(),
    link: Type.String(),
    mid: Type.Integer(),
    pendant: Wire({ image: Type.String(), name: Type.String(), follower: Type.Integer() }),
    uname: Type.String(),
  }),
  user_status: Wire({
    favored: Type.Integer(),
    favored_count: Type.Integer(),
    payed: Type.Integer(),
    progress: Type.Optional(SeasonProgress),
  }),
});
export type CourseSeasonData = Static<typeof CourseSeasonData>;
