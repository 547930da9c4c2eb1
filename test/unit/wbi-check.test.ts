import { describe, expect, it } from 'vitest';
import { mixinKey, signWbi, verifyWbi } from '../../src/domain/wbi.ts';
import { BiliError } from '../../src/errors.ts';
import {
  WBI_OPTIONAL,
  WBI_OPTIONAL_403,
  WBI_REQUIRED,
  checkWbi,
  signedQuery,
} from '../../src/http/wbi-check.ts';
import type { WbiPolicy } from '../../src/http/wbi-check.ts';

const IMG = '7cd084941338484aae1ad9425b84077c';
const SUB = '4932caff0ff746eab6f01bf08b70ac45';
const verifier = { verify: (q: Record<string, unknown>) => verifyWbi(q, [mixinKey(IMG, SUB)]) };

const url = (params: Record<string, string | number>, extra = '') =>
  `/x/v2/reply/wbi/main?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}${extra}`;
const signed = signWbi({ oid: 2, type: 1, mode: 3 }, IMG, SUB, 1_700_000_000);

/** The Bilibili code `checkWbi` answers with, or 0 when the call passes. */
function outcome(target: string, policy: WbiPolicy): number {
  try {
    checkWbi(verifier, target, policy);
    return 0;
  } catch (error) {
    expect(error).toBeInstanceOf(BiliError);
    return (error as BiliError).code;
  }
}

describe('one Wbi policy for every signed route', () => {
  it('passes a correct signature under every policy', () => {
    for (const policy of [WBI_OPTIONAL, WBI_OPTIONAL_403, WBI_REQUIRED])
      expect(outcome(url(signed), policy)).toBe(0);
  });

  it('lets an unsigned call through unless the route requires a signature (-352)', () => {
    const plain = url({ oid: 2, type: 1 });
    expect(outcome(plain, WBI_OPTIONAL)).toBe(0);
    expect(outcome(plain, WBI_OPTIONAL_403)).toBe(0);
    expect(outcome(plain, WBI_REQUIRED)).toBe(-352);
    expect(outcome(url({ ...signed, wts: '' }).replace('&wts=', '&x='), WBI_REQUIRED)).toBe(-352);
  });

  it('answers a wrong signature with the code of the route', () => {
    const wrong = url({ ...signed, w_rid: '0'.repeat(32) });
    expect(outcome(wrong, WBI_OPTIONAL)).toBe(-352);
    expect(outcome(wrong, WBI_OPTIONAL_403)).toBe(-403);
    expect(outcome(wrong, WBI_REQUIRED)).toBe(-403);
  });

  it('treats a repeated key as unsigned content: never verifies, whichever copy was signed', () => {
    const repeated = url(signed, '&oid=2');
    expect(signedQuery(repeated)['oid']).toEqual(['2', '2']);
    expect(outcome(repeated, WBI_OPTIONAL)).toBe(-352);
    expect(outcome(repeated, WBI_OPTIONAL_403)).toBe(-403);
    expect(outcome(url(signed, `&w_rid=${String(signed['w_rid'])}`), WBI_REQUIRED)).toBe(-403);
  });

  it('does not mistake a key that merely ends in w_rid for a signature', () => {
    expect(outcome(url({ oid: 2, xw_rid: 'abc' }), WBI_OPTIONAL)).toBe(0);
  });
});
