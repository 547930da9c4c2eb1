import { APP_KEYS, TV_APPKEY, signApp } from '../domain/app-sign.ts';
import type { Params } from './http.ts';

export { APP_KEYS, TV_APPKEY } from '../domain/app-sign.ts';

/**
 * Signs parameters the way Bilibili's apps do (CONTRACT.md §11.2): `appkey` added, sorted, `sign` last.
 * Defaults to the TV app's public key pair, which TV QR login clients use.
 */
export class AppSigner {
  readonly appkey: string;
  private readonly appsec: string;

  constructor(appkey: string = TV_APPKEY, appsec?: string) {
    const secret = appsec ?? (Object.hasOwn(APP_KEYS, appkey) ? APP_KEYS[appkey] : undefined);
    if (secret === undefined) throw new Error(`no appsec known for appkey ${appkey}; pass it`);
    this.appkey = appkey;
    this.appsec = secret;
  }

  /** `params` (undefined and null dropped, booleans as text) with `appkey` and `sign`. */
  sign(params: Params): Record<string, string | number> {
    const plain: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null)
        plain[key] = typeof value === 'boolean' ? String(value) : value;
    }
    return signApp(plain, this.appkey, this.appsec);
  }
}
