import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/services/clock.ts';
import { AreaRevisions, ReplyPageCache } from '../../src/services/reply-page-cache.ts';

const AREA = { type: 1, oid: 42 };
const body = (rpid: number) =>
  Buffer.from(`{"code":0,"data":{"replies":[{"rpid":${rpid},"action":0,"x":1}]}}`);

/** A page can only be served within the second it was built in: the cache must not keep any other. */
describe('ReplyPageCache keeps only pages of the current second', () => {
  const setup = () => {
    const clock = new ManualClock(1_700_000_000_000);
    return { clock, cache: new ReplyPageCache(clock, new AreaRevisions(), () => 0) };
  };

  it('serves a page within its second and drops the earlier second’s pages with the next put', () => {
    const { clock, cache } = setup();
    cache.put('a', AREA, cache.begin(), body(1));
    cache.put('b', AREA, cache.begin(), body(2));
    const two = cache.heldBytes;
    expect(cache.get('a')?.rpids).toEqual([1]);
    expect(cache.get('b')?.rpids).toEqual([2]);

    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    cache.put('c', AREA, cache.begin(), body(3));
    expect(cache.get('c')?.rpids).toEqual([3]);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.heldBytes).toBeLessThan(two);
    expect(cache.heldBytes).toBeGreaterThan(0);
  });

  it('returns but does not keep a page whose build began in an earlier second', async () => {
    const { clock, cache } = setup();
    const page = cache.page('k', AREA, (nowMs) => {
      clock.advance(1);
      return Promise.resolve({ area: AREA, bytes: body(Math.floor(nowMs / 1000) % 1000) });
    });
    expect((await page)?.rpids).toEqual([0]);
    expect(cache.heldBytes).toBe(0);
    expect(cache.get('k')).toBeUndefined();
  });
});
