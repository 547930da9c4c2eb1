import { BiliError } from '../errors.ts';

/** What verifies a signed query (WbiService). */
export interface WbiVerifier {
  verify(query: Record<string, unknown>): boolean;
}

/**
 * How one route treats Wbi signatures (CONTRACT.md §3.2). Bilibili differs per route: most read routes
 * accept an unsigned call and refuse a wrong signature with -352; `reply/wbi/main` refuses it with -403;
 * `space/wbi/acc/info` requires one (-352 when `w_rid`/`wts` are missing, -403 when wrong).
 */
export interface WbiPolicy {
  readonly required: boolean;
  readonly wrong: -352 | -403;
}

export const WBI_OPTIONAL: WbiPolicy = { required: false, wrong: -352 };
export const WBI_OPTIONAL_403: WbiPolicy = { required: false, wrong: -403 };
export const WBI_REQUIRED: WbiPolicy = { required: true, wrong: -403 };

/**
 * Checks the signature on the query exactly as the client sent it (before the validator fills in
 * defaults or coerces types). A key sent twice leaves an array here, which no signature covers: such a
 * query counts as wrongly signed, the same on every route.
 */
export function checkWbi(verifier: WbiVerifier, url: string, policy: WbiPolicy): void {
  // Most calls carry no signature; only those that do pay for parsing the URL again.
  if (!url.includes('w_rid=')) {
    if (policy.required) throw new BiliError(-352, 'w_rid and wts are required');
    return;
  }
  const query = signedQuery(url);
  if (query['w_rid'] === undefined || query['wts'] === undefined) {
    if (policy.required) throw new BiliError(-352, 'w_rid and wts are required');
    if (query['w_rid'] === undefined) return;
  }
  if (!verifier.verify(query)) throw new BiliError(policy.wrong);
}

/** The query string as sent: each key once as a string, a repeated key as the list of its values. */
export function signedQuery(url: string): Record<string, string | string[]> {
  const at = url.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (at < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    const before = out[key];
    out[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return out;
}

/** `checkWbi` as a route's preValidation hook, so the signature is checked before the query is coerced. */
export function wbiPreValidation(verifier: WbiVerifier, policy: WbiPolicy) {
  return (request: { url: string }, _reply: unknown, done: (error?: Error) => void): void => {
    try {
      checkWbi(verifier, request.url, policy);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}
