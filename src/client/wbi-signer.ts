import { signWbi } from '../domain/wbi.ts';
import type { BiliClient } from './bili-client.ts';
import type { Params } from './http.ts';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Signs query parameters with Wbi (CONTRACT.md §11.1) the way a browser does: the keys are the file
 * stems of nav's `wbi_img` URLs, fetched once per day.
 */
export class WbiSigner {
  private keys: { imgKey: string; subKey: string; day: number } | null = null;

  constructor(private readonly client: BiliClient) {}

  async sign(params: Params): Promise<Params> {
    const keys = await this.currentKeys();
    const plain: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null)
        plain[key] = typeof value === 'boolean' ? String(value) : value;
    }
    return signWbi(plain, keys.imgKey, keys.subKey);
  }

  private async currentKeys(): Promise<{ imgKey: string; subKey: string }> {
    const day = Math.floor(Date.now() / DAY_MS);
    if (this.keys?.day === day) return this.keys;
    const nav = await this.client.nav();
    const img = nav.data?.wbi_img;
    if (!img) throw new Error(`nav returned no wbi_img (code ${nav.code})`);
    const stem = (url: string) => url.slice(url.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
    this.keys = { imgKey: stem(img.img_url), subKey: stem(img.sub_url), day };
    return this.keys;
  }
}
