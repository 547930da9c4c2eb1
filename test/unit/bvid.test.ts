import { describe, expect, it } from 'vitest';
import { av2bv, bv2av } from '../../src/domain/bvid.ts';

// Every vector of CONTRACT.md §9.2, in both directions.
const VECTORS: [number, string][] = [
  [111298867365120, 'BV1L9Uoa9EUx'],
  [643755790, 'BV1bY4y1j7RA'],
  [305988942, 'BV1aP411K7it'],
  [1054803170, 'BV1mH4y1u7UA'],
  [1004871019, 'BV16x4y1H7M1'],
  [170001, 'BV17x411w7KC'],
  [2, 'BV1xx411c7mD'],
  [2271112, 'BV1es411D7sW'],
  [10131337, 'BV1fx411U7Kg'],
  [41687433, 'BV1ht41147kj'],
  [60977932, 'BV1Jt411P77c'],
  [96523832, 'BV1K7411f7uu'],
  [98948772, 'BV1n741127LD'],
  [200333024, 'BV1Yz411B7n3'],
  [497899395, 'BV1NK41157EF'],
  [883617049, 'BV1sK4y147ob'],
  [1906473802, 'BV1MU411S7iJ'],
  [1956170305, 'BV1Ay411i7Ph'],
  [112861976201494, 'BV181vnexEmB'],
  [113892936122993, 'BV1ZFFKeTEkr'],
  [114375683741573, 'BV1ac5yzhE94'],
  [13662970, 'BV1jx411b7iA'],
  [201022189, 'BV1rz411i7XS'],
  [243322853, 'BV1xv411z7jg'],
  [99999999, 'BV1y7411Q7Eq'],
  [1, 'BV1xx411c7mQ'],
  [2 ** 51 - 1, 'BV1aPPTfmvQq'],
];

describe('BV ↔ AV (current algorithm)', () => {
  it.each(VECTORS)('av%d ↔ %s', (aid, bvid) => {
    expect(av2bv(aid)).toBe(bvid);
    expect(bv2av(bvid)).toBe(aid);
  });

  it('uses the current algorithm above 2^30, not the old one', () => {
    expect(av2bv(1906473802)).not.toBe('BV1CY4k1A7a3');
  });

  it('rejects malformed bvids and out-of-range aids', () => {
    for (const bad of [
      '',
      'BV1xx411c7m',
      'BV1xx411c7mDD',
      'BV2xx411c7mD',
      'BV1xx411c7m0',
      'bv1xx411c7mD',
      'BV1Ox411c7mD',
    ]) {
      expect(bv2av(bad)).toBeNull();
    }
    for (const bad of [0, -1, 2 ** 51, 1.5, Number.NaN]) expect(() => av2bv(bad)).toThrow(RangeError);
  });
});
