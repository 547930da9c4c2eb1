import { BiliError } from '../errors.ts';

/**
 * Opaque cursors of the admin lists: the keyset of the last row (base64url JSON). A client only passes
 * back what it was given; anything else is -400.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(raw: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    !parsed.every((v, i) =>
      shape[i] === 'number' ? Number.isSafeInteger(v) && (v as number) >= 0 : typeof v === 'string',
    )
  ) {
    throw new BiliError(-400, 'cursor must be a `next` returned by this list');
  }
  return parsed as (string | number)[];
}
