import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import type { EmotePackage, EmoteSettingPanelData } from '../wire/emote.schema.ts';

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

export type {
  EmotePanelData,
  EmoteSettingPanelData,
  PackageFlags,
  PanelEmote,
  PanelEmoteFlags,
} from '../wire/emote.schema.ts';

/** A package object of the panel endpoints (`EmotePackage` of src/wire/emote.schema.ts). */
export type EmotePackageWire = EmotePackage;

export type EmoteBusiness = 'reply' | 'dynamic';

/** Emote panel and panel-settings endpoints (docs/api/emotes.md, emote-settings.md); `client.emote`. */
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

  /** Every package with `flags.added`, and the caller's panel; -101 when signed out. */
  settings(business: EmoteBusiness = 'reply'): Promise<BiliEnvelope<EmoteSettingPanelData>> {
    return this.client.get('/x/emote/setting/panel', { business });
  }

  /** Puts a package into the caller's panel: -403 for a VIP-only package without membership. */
  addPackage(packageId: number, business: EmoteBusiness = 'reply'): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/emote/package/add', { package_id: packageId, business });
  }

  /** Takes a package out of the caller's panel. */
  removePackage(packageId: number, business: EmoteBusiness = 'reply'): Promise<BiliEnvelope<never>> {
    return this.client.post('/x/emote/package/remove', { package_id: packageId, business });
  }
}
