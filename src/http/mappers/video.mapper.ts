import type { VideoView } from '../../services/video.service.ts';
import type { Dimension } from '../../wire/history.schema.ts';
import type { VideoViewData } from '../../wire/video.schema.ts';
import { faceUrl } from './account.mapper.ts';

/** Replay stores no frame size; players assume a landscape 1080p frame for an archive without one. */
const DIMENSION: Dimension = { width: 1920, height: 1080, rotate: 0 };

/**
 * `data` of `GET /x/web-interface/view` (Bilibili's video-info endpoint, bilibili-API-collect
 * docs/video/info.md): the fields a watch page needs, named as Bilibili names them. Counters Replay does
 * not keep (coins, favourites, danmaku…) are 0.
 */
export function videoView(v: VideoView, publicUrl: string): VideoViewData {
  const { archive, pages, owner } = v;
  return {
    bvid: archive.bvid,
    aid: archive.aid,
    videos: pages.length,
    tid: archive.tid,
    tname: archive.tname,
    copyright: archive.copyright,
    pic: archive.cover,
    title: archive.title,
    pubdate: archive.pubdate,
    ctime: archive.ctime,
    desc: archive.description,
    state: archive.state,
    duration: archive.duration,
    owner: {
      mid: archive.owner_mid,
      name: owner?.uname ?? '',
      face: owner ? faceUrl(owner, publicUrl) : '',
    },
    stat: {
      aid: archive.aid,
      view: v.view,
      danmaku: 0,
      reply: v.reply,
      favorite: 0,
      coin: 0,
      share: 0,
      now_rank: 0,
      his_rank: 0,
      like: 0,
      dislike: 0,
      evaluation: '',
    },
    dynamic: '',
    cid: pages[0]?.cid ?? 0,
    dimension: DIMENSION,
    no_cache: false,
    pages: pages.map((p) => ({
      cid: p.cid,
      page: p.page,
      from: 'vupload',
      part: p.part,
      duration: p.duration,
      vid: '',
      weblink: '',
      dimension: DIMENSION,
    })),
    subtitle: { allow_submit: false, list: [] },
  };
}
