import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope, Params } from './http.ts';
import { toSearchParams } from './http.ts';
import type {
  ClickParams,
  CursorParams,
  HeartbeatParams,
  HistoryCursorData,
  HistoryEntry,
  CourseSeasonData,
  PgcSeasonResult,
  ReportParams,
  SeasonParams,
} from './history-types.ts';
import { WbiSigner } from './wbi-signer.ts';

/** The Wbi-signed URL mirror the web player adds to a heartbeat (CONTRACT.md §6.2). */
function heartbeatMirror(p: HeartbeatParams): Params {
  return {
    w_start_ts: p.start_ts,
    w_mid: p.mid,
    w_aid: p.aid,
    w_dt: p.dt,
    w_realtime: p.realtime,
    w_playedtime: p.played_time,
    w_real_played_time: p.real_played_time,
    w_video_duration: p.video_duration,
    w_last_play_progress_time: p.last_play_progress_time,
    web_location: 1315873,
  };
}

/** Watch reporting and history (CONTRACT.md §6–§7): `client.history.*`. */
export class HistoryApi {
  private readonly signer: WbiSigner;

  constructor(private readonly client: BiliClient) {
    this.signer = new WbiSigner(client);
  }

  /** `/x/v2/history/report` (APP `access_key`, or Cookie + csrf). */
  report(params: ReportParams): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/report', { ...params });
  }

  /**
   * `/x/click-interface/web/heartbeat` (Cookie). With `signed`, the `w_*` mirror goes in the URL with a
   * Wbi signature, as the web player sends it.
   */
  async heartbeat(params: HeartbeatParams, options: { signed?: boolean } = {}): Promise<BiliEnvelope<never>> {
    const { extra, ...rest } = params;
    const body: Params = {
      ...rest,
      ...(extra === undefined ? {} : { extra: typeof extra === 'string' ? extra : JSON.stringify(extra) }),
    };
    let path = '/x/click-interface/web/heartbeat';
    if (options.signed)
      path += `?${toSearchParams(await this.signer.sign(heartbeatMirror(params))).toString()}`;
    return this.client.post(path, body);
  }

  /** `/x/click-interface/click/web/h5`: counts a play. */
  click(params: ClickParams): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/click-interface/click/web/h5', { ...params });
  }

  /** `/x/web-interface/history/cursor`: pass the previous page's `data.cursor` for the next one. */
  cursor(params: CursorParams = {}): Promise<BiliEnvelope<HistoryCursorData>> {
    return this.client.get('/x/web-interface/history/cursor', { ...params });
  }

  /**
   * `/pgc/view/web/season`: a season's episodes and the viewer's progress. Its payload is `result`, and
   * its success message `"success"`.
   */
  season(
    params: SeasonParams,
  ): Promise<{ code: number; message: string; ttl: number; result?: PgcSeasonResult }> {
    return this.client.get('/pgc/view/web/season', { ...params });
  }

  /** `/pugv/view/web/season`: a course's lessons and the viewer's progress. */
  course(params: SeasonParams): Promise<BiliEnvelope<CourseSeasonData>> {
    return this.client.get('/pugv/view/web/season', { ...params });
  }

  /** `/x/v2/history`: page-numbered video history. */
  list(params: { pn?: number; ps?: number } = {}): Promise<BiliEnvelope<HistoryEntry[]>> {
    return this.client.get('/x/v2/history', params);
  }

  /** `/x/v2/history/delete` with a `kid` of the form `{business}_{id}`, e.g. `archive_170001`. */
  delete(kid: string): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/delete', { kid });
  }

  clear(): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/clear');
  }

  /** `/x/v2/history/shadow/set`: true pauses recording, false resumes it. */
  setShadow(paused: boolean): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/shadow/set', { switch: paused });
  }

  /** `/x/v2/history/shadow`: `data` is true while recording is paused. */
  shadow(): Promise<BiliEnvelope<boolean>> {
    return this.client.get('/x/v2/history/shadow');
  }
}
