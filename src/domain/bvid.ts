/** BV ↔ AV conversion, current algorithm only (CONTRACT.md §9.1; the old one disagrees from 2^30 up). */

const XOR_CODE = 23442827791579n;
const MASK_CODE = 2251799813685247n;
const MAX_AID = 1n << 51n;
const BASE = 58n;
const ALPHABET = 'FcwAPNKTMug3GV5Lj7EJnHpWsx4tb8haYeviqBz6rkCy12mUSDQX9RdoZf';
const BVID_PATTERN = /^BV1[1-9A-HJ-NP-Za-km-z]{9}$/;

export function isValidAid(aid: number): boolean {
  return Number.isSafeInteger(aid) && aid >= 1 && BigInt(aid) < MAX_AID;
}

export function av2bv(aid: number): string {
  if (!isValidAid(aid)) throw new RangeError(`aid out of range: ${aid}`);
  const bytes = ['B', 'V', '1', '0', '0', '0', '0', '0', '0', '0', '0', '0'];
  let idx = 11;
  let tmp = (BigInt(aid) | MAX_AID) ^ XOR_CODE;
  while (tmp > 0n) {
    bytes[idx] = ALPHABET[Number(tmp % BASE)]!;
    tmp /= BASE;
    idx -= 1;
  }
  swap(bytes, 3, 9);
  swap(bytes, 4, 7);
  return bytes.join('');
}

/** Returns null for anything that is not a well-formed bvid. */
export function bv2av(bvid: string): number | null {
  if (!BVID_PATTERN.test(bvid)) return null;
  const chars = bvid.split('');
  swap(chars, 3, 9);
  swap(chars, 4, 7);
  let tmp = 0n;
  for (const ch of chars.slice(3)) tmp = tmp * BASE + BigInt(ALPHABET.indexOf(ch));
  const aid = Number((tmp & MASK_CODE) ^ XOR_CODE);
  return aid >= 1 ? aid : null;
}

function swap(arr: string[], i: number, j: number): void {
  const t = arr[i]!;
  arr[i] = arr[j]!;
  arr[j] = t;
}
