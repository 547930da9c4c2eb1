import type { AdminClient } from './admin-client.ts';

/** An image for the admin API: a link, or base64 bytes (PNG, GIF, JPEG, WebP) Replay stores and serves. */
export type AdminImageInput = { url: string } | { data: string };

export interface NewAdminEmotePackage {
  id?: number;
  text: string;
  /** 1 free (default), 2 VIP-only, 3 purchased, 4 kaomoji. */
  type?: number;
  /** 1 small (default), 2 large. */
  size?: number;
  icon?: AdminImageInput;
  emotes: { id?: number; text: string; alias?: string; image?: AdminImageInput }[];
}

export interface AdminEmotePackage {
  id: number;
  text: string;
  type: number;
  size: number;
  icon_url: string;
  builtin: boolean;
  mtime: number;
  emotes: { id: number; text: string; alias: string | null; jump_title: string; url: string }[];
}

export interface AdminSensitiveWord {
  id: number;
  word: string;
  normalized: string;
  created_at: number;
}

/** `/admin/api/v1/emote-packages`; `admin.emotes`. */
export class EmoteAdminApi {
  constructor(private readonly admin: AdminClient) {}

  list(): Promise<{ items: AdminEmotePackage[] }> {
    return this.admin.request('GET', '/emote-packages');
  }

  get(id: number): Promise<AdminEmotePackage> {
    return this.admin.request('GET', `/emote-packages/${id}`);
  }

  create(pkg: NewAdminEmotePackage): Promise<AdminEmotePackage> {
    return this.admin.request('POST', '/emote-packages', pkg);
  }

  async delete(id: number): Promise<void> {
    await this.admin.request('DELETE', `/emote-packages/${id}`);
  }
}

/** `/admin/api/v1/sensitive-words`; `admin.sensitiveWords`. */
export class SensitiveWordAdminApi {
  constructor(private readonly admin: AdminClient) {}

  list(
    options: { limit?: number; offset?: number } = {},
  ): Promise<{ total: number; items: AdminSensitiveWord[] }> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.offset !== undefined) query.set('offset', String(options.offset));
    const qs = query.toString();
    return this.admin.request('GET', `/sensitive-words${qs ? `?${qs}` : ''}`);
  }

  /** Adds words; those already covered (compared normalised) come back in `existing`. */
  add(
    words: string | readonly string[],
  ): Promise<{ added: AdminSensitiveWord[]; existing: AdminSensitiveWord[] }> {
    return this.admin.request(
      'POST',
      '/sensitive-words',
      typeof words === 'string' ? { word: words } : { words },
    );
  }

  async delete(id: number): Promise<void> {
    await this.admin.request('DELETE', `/sensitive-words/${id}`);
  }
}
