/** Transport shared by the Bilibili and admin clients: fetch, a cookie jar, form and JSON bodies. */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type Params = Record<string, string | number | boolean | undefined | null>;

export interface BiliEnvelope<T = unknown> {
  code: number;
  message: string;
  ttl: number;
  data?: T;
}

/** Cookies as a name → value map; parsed from a `Cookie:` header string when given as one. */
export function parseCookieHeader(header: string): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return jar;
}

export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

export function toSearchParams(params: Params): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.append(key, String(value));
  }
  return search;
}

/** Applies `Set-Cookie` headers to the jar the way a browser would (expired → removed). */
export function absorbSetCookies(jar: Record<string, string>, response: Response): void {
  const lines = response.headers.getSetCookie();
  for (const line of lines) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expires = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('expires='));
    const expired = expires !== undefined && Date.parse(expires.slice(8)) <= Date.now();
    if (expired || value === '') delete jar[name];
    else jar[name] = value;
  }
}
