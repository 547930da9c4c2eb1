/**
 * Bilibili's device-id formats (buvid3, buvid4, b_nut) and the bili_ticket JWT layout. Pure: the random
 * parts and the check digits come from the caller.
 */

/** Uppercase UUID, five digits, `infoc`: `D9656DA8-9BEF-F464-5B72-C4849AFD336379044infoc`. */
export const BUVID3_PATTERN = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\d{5}infoc$/;

/**
 * Uppercase UUID and five digits, a `0YYMMDDHH` block (UTC hour of issue), then a base64 blob:
 * `F6E0FD4B-520C-1902-4F7B-E461D8D1F5AB79044-024072309-666onEZSnlHVPjoRp4kDYg==`.
 */
export const BUVID4_PATTERN =
  /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\d{5}-0\d{8}-[A-Za-z0-9+/]{22}==$/;

/** Unix seconds, or the `100` a page answers when the visitor already has a buvid3. */
export const B_NUT_PATTERN = /^\d+$/;

/** `b_nut` for a visitor who brought a buvid3 but no b_nut (CONTRACT: the home page's rule). */
export const B_NUT_KNOWN_DEVICE = '100';

/** 32 uppercase hex digits written as a UUID (8-4-4-4-12). */
export function uuidForm(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20, 32)}`;
}

/** The 32 hex digits and the 5 digits of a well-formed buvid3, or null. */
export function parseBuvid3(value: string): { hex: string; digits: string } | null {
  if (value.length !== 46 || !BUVID3_PATTERN.test(value)) return null;
  return { hex: value.slice(0, 36).replaceAll('-', ''), digits: value.slice(36, 41) };
}

export function buvid3(hex32: string, digits: string): string {
  return `${uuidForm(hex32)}${digits}infoc`;
}

/** `0YYMMDDHH` of a Unix time, in UTC. */
export function buvid4DateBlock(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `0${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}`;
}

export function buvid4(hex32: string, digits: string, unixSeconds: number, blob16: Buffer): string {
  return `${uuidForm(hex32)}${digits}-${buvid4DateBlock(unixSeconds)}-${blob16.toString('base64')}`;
}

/** The bili_ticket JWT's header, exactly as Bilibili's tickets carry it. */
export const TICKET_JWT_HEADER = { alg: 'HS256', kid: 's03', typ: 'JWT' } as const;

/** Seconds between a ticket's `iat` and `exp`: 3 days and 60 s, while the response's `ttl` says 3 days. */
export const TICKET_JWT_LIFETIME_SECONDS = 259_260;

/** `header.payload` of a bili_ticket issued at `iat`; the caller appends the signature. */
export function ticketSigningInput(iat: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(TICKET_JWT_HEADER)}.${part({ exp: iat + TICKET_JWT_LIFETIME_SECONDS, iat, plt: -1 })}`;
}
