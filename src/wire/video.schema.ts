import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';
import { ArchiveHeadFields, Dimension } from './history.schema.ts';

/**
 * Video info, `GET /x/web-interface/view` and `/x/web-interface/wbi/view` (not in CONTRACT.md; named as
 * Bilibili's video-info endpoint names them): the subset of fields a watch page reads, in Bilibili's order.
 */

/** `owner` of the video info: the uploader. */
export const VideoOwner = Wire({ mid: Type.Integer(), name: Type.String(), face: Type.String() });
export type VideoOwner = Static<typeof VideoOwner>;

/** `stat` of the video info; counters Replay does not keep are 0. */
export const VideoStat = Wire({
  aid: Type.Integer(),
  view: Type.Integer(),
  danmaku: Type.Integer(),
  reply: Type.Integer(),
  favorite: Type.Integer(),
  coin: Type.Integer(),
  share: Type.Integer(),
  now_rank: Type.Integer(),
  his_rank: Type.Integer(),
  like: Type.Integer(),
  dislike: Type.Integer(),
  evaluation: Type.String(),
});
export type VideoStat = Static<typeof VideoStat>;

/** One `pages[]` item: a part of the archive. */
export const VideoPage = Wire({
  cid: Type.Integer(),
  page: Type.Integer(),
  from: Type.String(),
  part: Type.String(),
  duration: Type.Integer(),
  vid: Type.String(),
  weblink: Type.String(),
  dimension: Dimension,
});
export type VideoPage = Static<typeof VideoPage>;

/** `data` of the video info. */
export const VideoViewData = Wire({
  bvid: Type.String(),
  aid: Type.Integer(),
  ...ArchiveHeadFields,
  duration: Type.Integer(),
  owner: VideoOwner,
  stat: VideoStat,
  dynamic: Type.String(),
  /** The first part's cid (0 for an archive without parts). */
  cid: Type.Integer(),
  dimension: Dimension,
  no_cache: Type.Boolean(),
  pages: Type.Array(VideoPage),
  /** Replay keeps no subtitles: always `{allow_submit: false, list: []}`. */
  subtitle: Wire({ allow_submit: Type.Boolean(), list: Type.Array(Type.Unknown()) }),
});
export type VideoViewData = Static<typeof VideoViewData>;
