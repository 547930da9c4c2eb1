import { describe, expect, it } from 'vitest';
import { mixinKey, signWbi, verifyWbi, wbiCanonicalQuery } from '../../src/domain/wbi.ts';

// CONTRACT.md §11.1 test vector.
const IMG = '7cd084941338484aae1ad9425b84077c';
const SUB = '4932caff0ff746eab6f01bf08b70ac45';

describe('Wbi signature', () => {
  it('derives the mixin key of the vector', () => {
    expect(mixinKey(IMG, SUB)).toBe('ea1db124af3c7062474693fa704f4ff8');
  });

  it('signs the vector exactly', () => {
    const signed = signWbi({ foo: '114', bar: '514', zab: 1919810 }, IMG, SUB, 1702204169);
    expect(wbiCanonicalQuery({ foo: '114', bar: '514', zab: 1919810, wts: 1702204169 })).toBe(
      'bar=514&foo=114&wts=1702204169&zab=1919810',
    );
    expect(signed['w_rid']).toBe('8f6f2b5b3d485fe1886cec6a0be8c5d4');
  });

  it('verifies a received query (values as strings) and rejects tampering', () => {
    const mixin = mixinKey(IMG, SUB);
    const query = {
      foo: '114',
      bar: '514',
      zab: '1919810',
      wts: '1702204169',
      w_rid: '8f6f2b5b3d485fe1886cec6a0be8c5d4',
    };
    expect(verifyWbi(query, [mixin])).toBe(true);
    expect(verifyWbi({ ...query, foo: '115' }, [mixin])).toBe(false);
    expect(verifyWbi({ ...query, w_rid: '0'.repeat(32) }, [mixin])).toBe(false);
    const { wts: _wts, ...noWts } = query;
    expect(verifyWbi(noWts, [mixin])).toBe(false);
    expect(verifyWbi({ ...query, foo: ['114', '115'] }, [mixin])).toBe(false);
  });

  it("strips !'()* from values before hashing, as the reference code does", () => {
    const mixin = mixinKey(IMG, SUB);
    const signed = signWbi({ q: "it's (ok)*!" }, IMG, SUB, 1700000000);
    expect(verifyWbi({ ...signed, wts: '1700000000' }, [mixin])).toBe(true);
    expect(signed['w_rid']).toBe(signWbi({ q: 'its ok' }, IMG, SUB, 1700000000)['w_rid']);
  });
});
