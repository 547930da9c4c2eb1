import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import type { Dimension } from '../wire/history.schema.ts';
import type { VideoViewData } from '../wire/video.schema.ts';

export type { VideoOwner, VideoPage, VideoStat, VideoViewData } from '../wire/video.schema.ts';

/** `dimension` of the video info and of each part (`Dimension` of src/wire/history.schema.ts). */
export type VideoDimension = Dimension;

/** Video info: `client.video.*`. */
export class VideoApi {
  constructor(private readonly client: BiliClient) {}

  /** `/x/web-interface/view` by `aid` or `bvid`: title, parts, uploader, `stat.view`. */
  view(ref: { aid: number } | { bvid: string }): Promise<BiliEnvelope<VideoViewData>> {
    return this.client.get('/x/web-interface/view', { ...ref });
  }
}
