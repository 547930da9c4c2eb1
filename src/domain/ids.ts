/**
 * The largest id an operator, a fixture or the admin API may give a new row. Automatic ids continue from
 * the largest stored one (max + 1): a row given 2^53 − 1 sent every later automatic id past what a
 * JavaScript number (and so the wire's JSON) holds exactly, so users, parts and emote packages could no
 * longer be created. Below 2^52, 2^52 automatic ids remain above any given one. Real Bilibili mids are
 * below 2^52 (about 3.5 × 10^15 in 2024).
 */
export const MAX_GIVEN_ID = 2 ** 52;

/** An aid must stay below 2^51 to have a BV id (bvid.ts); a given one leaves 2^32 automatic aids above it. */
export const MAX_GIVEN_AID = 2 ** 51 - 2 ** 32;

/** Unix milliseconds up to the end of year 9999: what a 64-bit column and `Date` both hold. */
export const MAX_TIME_MS = 253_402_300_799_999;

/** Unix seconds up to the end of year 9999. */
export const MAX_TIME_SECONDS = 253_402_300_799;

/** Why `value`, given as the id `name` of a new row, is refused; undefined when it is fine or absent. */
export function givenIdProblem(
  name: string,
  value: number | undefined,
  max = MAX_GIVEN_ID,
): string | undefined {
  if (value === undefined) return undefined;
  return Number.isSafeInteger(value) && value >= 1 && value <= max
    ? undefined
    : `${name} must be 1 to ${max} (automatic ids continue above given ones)`;
}
