import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';

/** An emote inside `content.emote` / `data.emote` (CONTRACT.md §5.1). */
export interface Emote {
  id: number;
  package_id: number;
  state: number;
  type: number;
  attr: number;
  text: string;
  url: string;
  meta: { size: number; alias?: string; suggest?: string[] };
  mtime: number;
  jump_title?: string;
}

/** An emote inside a panel package (CONTRACT.md §5.2). */
export interface PanelEmote {
  id: number;
  package_id: number;
  text: string;
  url: string;
  mtime: number;
  type: number;
  attr: number;
  meta: { size: number; alias?: string };
  flags: { no_access?: boolean };
}

export interface EmotePackageWire {
  id: number;
  text: string;
  url: string;
  mtime: number;
  /** 1 normal, 2 VIP, 3 purchased, 4 kaomoji. */
  type: number;
  attr: number;
  meta: { size: number; item_id: number; item_url?: string };
  emote: PanelEmote[];
  flags: { added: boolean };
}

export type EmoteBusiness = 'reply' | 'dynamic';

/** Emote panel endpoints (CONTRACT.md §5.2); `client.emote`. */
export class EmoteApi {
  constructor(private readonly client: BiliClient) {}

  /** The caller's panel: free packages when anonymous. */
  panel(business: EmoteBusiness = 'reply'): Promise<BiliEnvelope<{ packages: EmotePackageWire[] }>> {
    return this.client.get('/x/emote/user/panel/web', { business });
  }

  /** Packages by id; `data` is null when none of them exists. */
  packages(
    ids: readonly number[],
    business: EmoteBusiness = 'reply',
  ): Promise<BiliEnvelope<{ packages: EmotePackageWire[] } | null>> {
    return this.client.get('/x/emote/package', { business, ids: ids.join(',') });
  }
}
