import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, signWbi } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { toSearchParams } from '../../src/client/http.ts';
import { ToviewData, ToviewWebData } from '../../src/wire/toview.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const OK = { code: 0, message: '0', ttl: 1 };
/** Archives 990001…990105; 990001 has two parts. */
const FIRST = 990_001;
const COUNT = 105;

describe.each(dialects())('watch-later (%s)', (dialect) => {
  let s: TestServer;
  let ownerName: string;

  const fresh = async (): Promise<BiliClient> => (await s.signedIn()).client;
  const aids = async (c: BiliClient) => (await c.toview.list()).data!.list.map((i) => i.aid);

  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { transport: 'inject' });
    ownerName = `uploader_${dialect}`;
    const owner = await s.signedIn(ownerName);
    for (let i = 0; i < COUNT; i++) {
      const aid = FIRST + i;
      await s.admin.createArchive({
        aid,
        title: i === 1 ? 'Cooking Ｎoodles' : `video ${i}`,
        owner_mid: owner.mid,
        pages:
          i === 0
            ? [
                { cid: aid * 10 + 1, part: 'P1', duration: 100 },
                { cid: aid * 10 + 2, part: 'P2', duration: 200 },
              ]
            : [{ cid: aid * 10 + 1, part: 'P1', duration: 100 }],
      });
    }
  });
  afterAll(async () => s.close());

  it('add by aid or bvid, listed newest first with the archive object, add_at and progress from history', async () => {
    const c = await fresh();
    expect(await c.toview.add({ aid: FIRST })).toEqual(OK);
    s.clock.advance(1);
    const bvid = (await s.admin.getArchive(FIRST + 1)).bvid;
    expect(await c.toview.add({ bvid })).toEqual(OK);
    let body = await c.toview.list();
    expect(body.code).toBe(0);
    expectWire(ToviewData, body.data);
    expect(body.data!.count).toBe(2);
    expect(body.data!.list.map((i) => i.aid)).toEqual([FIRST + 1, FIRST]);
    const first = body.data!.list[1]!;
    expect(first).toMatchObject({ videos: 2, count: 2, cid: FIRST * 10 + 1, progress: 0, title: 'video 0' });
    expect(first.owner.name).toBe(ownerName);
    expect(first.add_at).toBe(body.data!.list[0]!.add_at - 1);

    // Progress is the history's: watching part 2 to 42 s shows cid 2 at 42; finishing shows -1.
    await c.history.heartbeat({ aid: FIRST, cid: FIRST * 10 + 2, played_time: 42 });
    body = await c.toview.list();
    expect(body.data!.list[1]).toMatchObject({ cid: FIRST * 10 + 2, progress: 42, page: { page: 2 } });
    await c.history.heartbeat({ aid: FIRST, cid: FIRST * 10 + 2, played_time: -1 });
    expect((await c.toview.list()).data!.list[1]).toMatchObject({ progress: -1 });

    // Adding again moves it to the top, still once.
    s.clock.advance(1);
    expect(await c.toview.add({ aid: FIRST })).toEqual(OK);
    expect(await aids(c)).toEqual([FIRST, FIRST + 1]);
  });

  it('the list holds 100: the 101st is 90001 and changes nothing; re-adding a listed one still works', async () => {
    const c = await fresh();
    for (let i = 0; i < 100; i++) expect((await c.toview.add({ aid: FIRST + i })).code).toBe(0);
    const full = await c.toview.add({ aid: FIRST + 100 });
    expect(full).toMatchObject({ code: 90001 });
    expect((await c.toview.list()).data!.count).toBe(100);
    expect(await c.toview.add({ aid: FIRST + 5 })).toEqual(OK);
    expect((await c.toview.list()).data!.count).toBe(100);
    // Other users are not affected.
    expect(await (await fresh()).toview.add({ aid: FIRST + 100 })).toEqual(OK);
  });

  it('codes: 90003 unknown archive, -400 without aid/bvid or with both disagreeing, -101 anonymous, -111 csrf', async () => {
    const c = await fresh();
    expect(await c.toview.add({ aid: 31337 })).toMatchObject({ code: 90003 });
    expect(await c.post('/x/v2/history/toview/add', {})).toMatchObject({ code: -400 });
    expect(await c.post('/x/v2/history/toview/add', { aid: FIRST, bvid: 'BV1xx411c7mD' })).toMatchObject({
      code: -400,
    });
    expect(await c.post('/x/v2/history/toview/add', { bvid: 'BVnope' })).toMatchObject({ code: -400 });
    expect(await s.anonymous().toview.add({ aid: FIRST })).toMatchObject({ code: -101 });
    expect(await s.anonymous().toview.list()).toMatchObject({ code: -101 });
    expect(await c.post('/x/v2/history/toview/add', { aid: FIRST, csrf: 'wrong' })).toMatchObject({
      code: -111,
    });
    expect((await c.toview.list()).data!.count).toBe(0);
  });

  it('del: one aid, or viewed=true for the watched ones; -400 with neither', async () => {
    const c = await fresh();
    for (const aid of [FIRST + 2, FIRST + 3, FIRST + 4]) await c.toview.add({ aid });
    await c.history.heartbeat({ aid: FIRST + 3, played_time: -1 });
    await c.history.heartbeat({ aid: FIRST + 4, played_time: 30 });
    expect(await c.post('/x/v2/history/toview/del', {})).toMatchObject({ code: -400 });
    expect(await c.toview.del({ viewed: true })).toEqual(OK);
    expect((await aids(c)).sort()).toEqual([FIRST + 2, FIRST + 4]);
    expect(await c.toview.del({ aid: FIRST + 2 })).toEqual(OK);
    expect(await aids(c)).toEqual([FIRST + 4]);
    // Removing what is not listed succeeds.
    expect(await c.toview.del({ aid: FIRST + 50 })).toEqual(OK);
    expect(await c.post('/x/v2/history/toview/del', { viewed: 'maybe' })).toMatchObject({ code: -400 });
  });

  it('v2/dels: a comma-separated list; -400 for an empty or malformed one', async () => {
    const c = await fresh();
    for (const aid of [FIRST + 6, FIRST + 7, FIRST + 8]) await c.toview.add({ aid });
    expect(await c.toview.dels([FIRST + 6, FIRST + 8])).toEqual(OK);
    expect(await aids(c)).toEqual([FIRST + 7]);
    expect(await c.post('/x/v2/history/toview/v2/dels', { resources: '' })).toMatchObject({ code: -400 });
    expect(await c.post('/x/v2/history/toview/v2/dels', { resources: '1,abc' })).toMatchObject({
      code: -400,
    });
    expect(await c.post('/x/v2/history/toview/v2/dels', {})).toMatchObject({ code: -400 });
    expect(await aids(c)).toEqual([FIRST + 7]);
  });

  it('clear: clean_type 2 the watched ones, absent everything; other values -400', async () => {
    const c = await fresh();
    for (const aid of [FIRST + 9, FIRST + 10]) await c.toview.add({ aid });
    await c.history.heartbeat({ aid: FIRST + 9, played_time: 99 });
    expect(await c.toview.clear(1)).toEqual(OK);
    expect((await aids(c)).length).toBe(2);
    // 99 of 100 s is within 5 s of the end: finished.
    expect(await c.toview.clear(2)).toEqual(OK);
    expect(await aids(c)).toEqual([FIRST + 10]);
    expect(await c.post('/x/v2/history/toview/clear', { clean_type: 7 })).toMatchObject({ code: -400 });
    expect(await c.toview.clear()).toEqual(OK);
    expect(await aids(c)).toEqual([]);
  });

  it('/toview/web: pages, paging, viewed filter, keyword over title and uploader, asc; Wbi checked when sent', async () => {
    const c = await fresh();
    for (let i = 0; i < 5; i++) {
      await c.toview.add({ aid: FIRST + i });
      s.clock.advance(1);
    }
    await c.history.heartbeat({ aid: FIRST + 2, played_time: -1 });
    let body = await c.toview.web({ ps: 2 });
    expect(body.code, body.message).toBe(0);
    expectWire(ToviewWebData, body.data);
    expect(body.data!.count).toBe(5);
    expect(body.data!.list.map((i) => i.aid)).toEqual([FIRST + 4, FIRST + 3]);
    body = await c.toview.web({ ps: 2, pn: 3 });
    expect(body.data!.list.map((i) => i.aid)).toEqual([FIRST]);
    expect(body.data!.list[0]!.pages.map((p) => p.page)).toEqual([1, 2]);
    expect((await c.toview.web({ asc: true, ps: 1 })).data!.list[0]!.aid).toBe(FIRST);
    expect((await c.toview.web({ viewed: 2 })).data!.list.map((i) => i.aid)).toEqual([FIRST + 2]);
    expect((await c.toview.web({ viewed: 1 })).data!.count).toBe(4);
    // Full-width and case fold: "noodles" finds "Cooking Ｎoodles".
    expect((await c.toview.web({ key: 'noodles' })).data!.list.map((i) => i.aid)).toEqual([FIRST + 1]);
    expect((await c.toview.web({ key: ownerName.toUpperCase() })).data!.count).toBe(5);
    expect((await c.toview.web({ key: 'nothing like it' })).data).toEqual({ count: 0, list: [] });
    expect(await c.get('/x/v2/history/toview/web', { viewed: 3 })).toMatchObject({ code: -400 });
    expect(await c.get('/x/v2/history/toview/web', { ps: 101 })).toMatchObject({ code: -400 });
    const badSig = toSearchParams({ ...signWbi({ ps: 1 }, 'a'.repeat(32), 'b'.repeat(32)), ps: 2 });
    expect(await c.get(`/x/v2/history/toview/web?${badSig.toString()}`)).toMatchObject({ code: -352 });
  });

  it('APP access_key is refused (Cookie only): -101', async () => {
    const { accessKey } = await s.signedIn();
    const app = createClient({ baseUrl: s.url, accessKey });
    expect(await app.toview.list()).toMatchObject({ code: -101 });
  });
});
