/**
 * The cursors of `/x/v2/reply/wbi/main` (CONTRACT.md §3.2). `pagination_str` is `{"offset":"<doc>"}` and
 * the offset document is itself JSON: `{"type":3,"direction":1,"Data":{"cursor":N}}` for time order (N = a
 * floor: continue below it), `{"type":1,"direction":1,"data":{"pn":N}}` for hot order (N = a page).
 */

export const OFFSET_TIME = 3;
export const OFFSET_HOT = 1;

export type Position =
  { kind: 'start' } | { kind: 'time'; cursor: number; forward: boolean } | { kind: 'hot'; page: number };

export class CursorError extends Error {}

/** Reads `pagination_str`; an absent or empty offset is the first page. */
export function parsePaginationStr(raw: string | undefined): Position {
  if (raw === undefined || raw.trim() === '') return { kind: 'start' };
  const outer = parseJson(raw);
  if (!isObject(outer)) throw new CursorError('not a JSON object');
  const offset = outer['offset'];
  if (offset === undefined || offset === '') return { kind: 'start' };
  if (typeof offset !== 'string') throw new CursorError('offset must be a string');
  const doc = parseJson(offset);
  if (!isObject(doc)) throw new CursorError('offset is not a JSON object');
  const direction = doc['direction'] ?? 1;
  if (direction !== 1 && direction !== 2) throw new CursorError('direction must be 1 or 2');
  if (doc['type'] === OFFSET_TIME) {
    const data = doc['Data'];
    const cursor = isObject(data) ? data['cursor'] : undefined;
    if (!isCount(cursor)) throw new CursorError('Data.cursor must be a non-negative integer');
    return { kind: 'time', cursor, forward: direction === 1 };
  }
  if (doc['type'] === OFFSET_HOT) {
    const data = doc['data'];
    const pn = isObject(data) ? data['pn'] : undefined;
    if (!isCount(pn)) throw new CursorError('data.pn must be a non-negative integer');
    return { kind: 'hot', page: Math.max(pn, 1) };
  }
  throw new CursorError('type must be 1 or 3');
}

export function timeOffset(cursor: number, forward: boolean): string {
  return JSON.stringify({ type: OFFSET_TIME, direction: forward ? 1 : 2, Data: { cursor } });
}

export function hotOffset(page: number): string {
  return JSON.stringify({ type: OFFSET_HOT, direction: 1, data: { pn: page } });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CursorError('not valid JSON');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
