import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient, HistorySearchParams } from '../../src/client/index.ts';
import { HistorySearchData } from '../../src/wire/history-search.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

/** Archives of two uploaders: aid, title, duration (s). */
const ARCHIVES = [
  { aid: 660001, title: 'Rust 入门教程', duration: 600, owner: 0 },
  { aid: 660002, title: '100%_纯手工', duration: 60, owner: 0 },
  { aid: 660003, title: 'rusty bikes', duration: 3600, owner: 1 },
  { aid: 660004, title: '猫咪日常', duration: 120, owner: 1 },
];

describe.each(dialects())('GET /x/web-interface/history/search (%s)', (dialect) => {
  let s: TestServer;
  let viewer: BiliClient;
  let t0: number;
  const owners = [`Alice_${dialect}`, `Bob小站_${dialect}`];

  const search = async (params: HistorySearchParams) => {
    const body = await viewer.toview.searchHistory(params);
    expect(body.code, body.message).toBe(0);
    expectWire(HistorySearchData, body.data);
    return body.data!;
  };
  const kids = async (params: HistorySearchParams) => (await search(params)).list.map((i) => i.kid);

  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    const mids = [(await s.signedIn(owners[0])).mid, (await s.signedIn(owners[1])).mid];
    for (const a of ARCHIVES) {
      await s.admin.createArchive({
        aid: a.aid,
        title: a.title,
        owner_mid: mids[a.owner]!,
        pages: [{ cid: a.aid * 10, part: 'P1', duration: a.duration }],
      });
    }
    viewer = (await s.signedIn()).client;
    t0 = Math.floor(s.clock.nowMs() / 1000);
    // Watched one a minute apart, oldest first; the last one from a phone (dt 1).
    for (const [i, a] of ARCHIVES.entries()) {
      const body = await viewer.history.heartbeat({ aid: a.aid, played_time: 5, dt: i === 3 ? 1 : 2 });
      expect(body.code).toBe(0);
      s.clock.advance(60);
    }
    // Someone else's history never shows.
    await (await s.signedIn()).client.history.heartbeat({ aid: ARCHIVES[0]!.aid, played_time: 1 });
  });
  afterAll(async () => s.close());

  it('no filter: every entry newest first, with the cursor list item shape and page totals', async () => {
    const data = await search({});
    expect(data.page).toEqual({ pn: 1, total: 4 });
    expect(data.has_more).toBe(false);
    expect(data.list.map((i) => i.kid)).toEqual([660004, 660003, 660002, 660001]);
    expect(data.list[3]).toMatchObject({ title: 'Rust 入门教程', author_name: owners[0], progress: 5 });
  });

  it('keyword: title or uploader name, case-insensitive, % and _ literal', async () => {
    expect(await kids({ keyword: 'RUST' })).toEqual([660003, 660001]);
    expect(await kids({ keyword: 'bob小站' })).toEqual([660004, 660003]);
    expect(await kids({ keyword: '猫咪' })).toEqual([660004]);
    expect(await kids({ keyword: '%_' })).toEqual([660002]);
    expect(await kids({ keyword: '%' })).toEqual([660002]);
    // "_" is not a one-character wildcard: "r_st" finds nothing.
    expect(await kids({ keyword: 'r_st' })).toEqual([]);
    expect(await kids({ keyword: 'no such thing' })).toEqual([]);
  });

  it('time bounds (inclusive) and duration bounds', async () => {
    expect(await kids({ add_time_start: t0 + 60, add_time_end: t0 + 120 })).toEqual([660003, 660002]);
    expect(await kids({ add_time_end: t0 })).toEqual([660001]);
    expect(await kids({ arc_min_duration: 600 })).toEqual([660003, 660001]);
    expect(await kids({ arc_max_duration: 120 })).toEqual([660004, 660002]);
    expect(await kids({ arc_min_duration: 100, arc_max_duration: 1000, keyword: 'rust' })).toEqual([660001]);
  });

  it('business and device_type filters', async () => {
    expect((await kids({ business: 'archive' })).length).toBe(4);
    expect(await kids({ business: 'pgc' })).toEqual([]);
    expect(await kids({ business: 'all' })).toHaveLength(4);
    expect(await kids({ device_type: 1 })).toEqual([660004]);
    expect(await kids({ device_type: 2 })).toEqual([660003, 660002, 660001]);
  });

  it('paging: pn/ps with has_more and the total of matches', async () => {
    const first = await search({ ps: 3 });
    expect(first).toMatchObject({ has_more: true, page: { pn: 1, total: 4 } });
    expect(first.list).toHaveLength(3);
    const second = await search({ ps: 3, pn: 2 });
    expect(second).toMatchObject({ has_more: false, page: { pn: 2, total: 4 } });
    expect(second.list.map((i) => i.kid)).toEqual([660001]);
  });

  it('bad input: -400 for an unknown business, a bad number or ps over 50; -101 anonymous', async () => {
    expect(await viewer.get('/x/web-interface/history/search', { business: 'video' })).toMatchObject({
      code: -400,
    });
    expect(await viewer.get('/x/web-interface/history/search', { pn: 0 })).toMatchObject({ code: -400 });
    expect(await viewer.get('/x/web-interface/history/search', { ps: 51 })).toMatchObject({ code: -400 });
    expect(await viewer.get('/x/web-interface/history/search', { add_time_start: -1 })).toMatchObject({
      code: -400,
    });
    expect(await s.anonymous().toview.searchHistory({ keyword: 'x' })).toMatchObject({ code: -101 });
  });
});
