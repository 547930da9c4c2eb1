import { createHash } from 'node:crypto';

/** Wbi request signing (CONTRACT.md §11.1). */

const MIXIN_KEY_ENC_TAB = [
  46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39,
  12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4, 22, 25, 54, 21, 56, 59, 6, 63,
  57, 62, 11, 36, 20, 34, 44, 52,
];

export function mixinKey(imgKey: string, subKey: string): string {
  const raw = imgKey + subKey;
  return MIXIN_KEY_ENC_TAB.map((i) => raw[i] ?? '')
    .join('')
    .slice(0, 32);
}

type WbiValue = string | number;

/** The string that gets hashed: params sorted by key, `!'()*` stripped from values, encodeURIComponent. */
export function wbiCanonicalQuery(params: Record<string, WbiValue>): string {
  return Object.keys(params)
    .sort()
    .map((key) => {
      const value = String(params[key]).replace(/[!'()*]/g, '');
      return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
    })
    .join('&');
}

export function wbiSign(params: Record<string, WbiValue>, mixin: string): string {
  return createHash('md5')
    .update(wbiCanonicalQuery(params) + mixin)
    .digest('hex');
}

/** Signs `params` the way a client does: adds `wts`, returns the params with `w_rid` and `wts`. */
export function signWbi(
  params: Record<string, WbiValue>,
  imgKey: string,
  subKey: string,
  wts: number = Math.floor(Date.now() / 1000),
): Record<string, WbiValue> {
  const withTs = { ...params, wts };
  return { ...withTs, w_rid: wbiSign(withTs, mixinKey(imgKey, subKey)) };
}

/**
 * Checks a received query. `w_rid` is excluded from what is hashed; every other parameter, `wts` included,
 * takes part, exactly as the client computed it. Array values (repeated parameters) never verify.
 */
export function verifyWbi(query: Record<string, unknown>, mixinKeys: readonly string[]): boolean {
  const { w_rid: rid, ...rest } = query;
  if (typeof rid !== 'string' || typeof rest['wts'] === 'undefined') return false;
  const params: Record<string, WbiValue> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value !== 'string' && typeof value !== 'number') return false;
    params[key] = value;
  }
  return mixinKeys.some((mixin) => wbiSign(params, mixin) === rid.toLowerCase());
}
