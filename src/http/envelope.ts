/** The Bilibili response envelope (CONTRACT.md §0.1). */

export interface Envelope<T = never> {
  code: number;
  message: string;
  ttl: 1;
  data?: T;
}

/** Success with a payload. */
export function ok<T>(data: T): Envelope<T> & { data: T } {
  return { code: 0, message: '0', ttl: 1, data };
}

/** Success of a pure action endpoint: no `data` key at all. */
export function done(): Envelope {
  return { code: 0, message: '0', ttl: 1 };
}
