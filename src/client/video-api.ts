import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';

export interface VideoDimension {
  width: number;
  height: number;
  rotate: number;
}

export interface VideoPage {
  cid: number;
  page: number;
  from: string;
  part: string;
  /** Seconds. */
  duration: number;
  vid: string;
  weblink: string;
  dimension: VideoDimension;
}

/** `data` of `/x/web-interface/view` (Bilibili's video info; fields named as Bilibili names them). */
export interface VideoViewData {
  bvid: string;
  aid: number;
  videos: number;
  tid: number;
  tname: string;
  copyright: number;
  pic: string;
  title: string;
  pubdate: number;
  ctime: number;
  desc: string;
  state: number;
  duration: number;
  owner: { mid: number; name: string; face: string };
  stat: {
    aid: number;
    view: number;
    danmaku: number;
    reply: number;
    favorite: number;
    coin: number;
    share: number;
    now_rank: number;
    his_rank: number;
    like: number;
    dislike: number;
    evaluation: string;
  };
  dynamic: string;
  cid: number;
  dimension: VideoDimension;
  no_cache: boolean;
  pages: VideoPage[];
  subtitle: { allow_submit: boolean; list: unknown[] };
}

/** Video info: `client.video.*`. */
export class VideoApi {
  constructor(private readonly client: BiliClient) {}

  /** `/x/web-interface/view` by `aid` or `bvid`: title, parts, uploader, `stat.view`. */
  view(ref: { aid: number } | { bvid: string }): Promise<BiliEnvelope<VideoViewData>> {
    return this.client.get('/x/web-interface/view', { ...ref });
  }
}
