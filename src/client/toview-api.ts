import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import { WbiSigner } from './wbi-signer.ts';
import type { HistorySearchData } from '../wire/history-search.schema.ts';
import type { OnlineTotalData } from '../wire/online.schema.ts';
import type { ToviewData, ToviewItem, ToviewWebData, ToviewWebItem } from '../wire/toview.schema.ts';

export type { HistorySearchData, OnlineTotalData, ToviewData, ToviewItem, ToviewWebData, ToviewWebItem };

export interface ToviewWebParams {
  pn?: number;
  ps?: number;
  /** 0 all, 1 not watched to the end, 2 watched to the end. */
  viewed?: 0 | 1 | 2;
  key?: string;
  asc?: boolean;
}

export interface HistorySearchParams {
  keyword?: string;
  pn?: number;
  ps?: number;
  business?: 'all' | 'archive' | 'pgc' | 'cheese' | 'live' | 'article' | 'article-list';
  add_time_start?: number;
  add_time_end?: number;
  arc_min_duration?: number;
  arc_max_duration?: number;
  device_type?: number;
}

/** Watch-later (CONTRACT.md §17), viewers online now (§16) and history search (§18): `client.toview.*`. */
export class ToviewApi {
  private readonly signer: WbiSigner;

  constructor(private readonly client: BiliClient) {
    this.signer = new WbiSigner(client);
  }

  /** `/x/v2/history/toview`: the whole list, newest addition first. */
  list(): Promise<BiliEnvelope<ToviewData>> {
    return this.client.get('/x/v2/history/toview');
  }

  /** `/x/v2/history/toview/web`, Wbi-signed like the web page's call. */
  async web(params: ToviewWebParams = {}): Promise<BiliEnvelope<ToviewWebData>> {
    return this.client.get('/x/v2/history/toview/web', await this.signer.sign({ ...params }));
  }

  /** `/x/v2/history/toview/add`: 90001 when the list is full, 90003 for an archive that is gone. */
  add(target: { aid: number } | { bvid: string }): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/toview/add', { ...target });
  }

  /** `/x/v2/history/toview/del`: one archive, or (`viewed: true`) every one watched to the end. */
  del(params: { aid?: number; viewed?: boolean }): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/toview/del', { ...params });
  }

  /** `/x/v2/history/toview/v2/dels`: several archives at once. */
  dels(aids: readonly number[]): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/toview/v2/dels', { resources: aids.join(',') });
  }

  /** `/x/v2/history/toview/clear`: everything, or (`clean_type`) 1 the unavailable, 2 the watched ones. */
  clear(cleanType?: 1 | 2): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/v2/history/toview/clear', cleanType ? { clean_type: cleanType } : {});
  }

  /** `/x/player/online/total`: viewers of one part now, as display strings. */
  online(params: { aid?: number; bvid?: string; cid: number }): Promise<BiliEnvelope<OnlineTotalData>> {
    return this.client.get('/x/player/online/total', { ...params });
  }

  /** `/x/web-interface/history/search`. */
  searchHistory(params: HistorySearchParams = {}): Promise<BiliEnvelope<HistorySearchData>> {
    return this.client.get('/x/web-interface/history/search', { ...params });
  }
}
