import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const CAP = 5;
/** The play window of history.service.ts: a viewer's play counts again only after it. */
const WINDOW = 300;

describe.each(dialects())('honest play counts (%s)', (dialect) => {
  let s: TestServer;
  let next = 0;

  /** A browser with a cookie nobody saw before, behind `address` (the trusted proxy's X-Forwarded-For). */
  const browser = (address = '203.0.113.7'): BiliClient =>
    createClient({
      baseUrl: s.url,
      cookies: { buvid3: `fresh-${dialect}-${++next}-infoc` },
      headers: { 'x-forwarded-for': address },
    });
  const views = async (aid: number) => (await s.admin.history.archiveStats(aid)).view;
  const archive = async (aid: number) => {
    const owner = await s.signedIn();
    await s.admin.createArchive({
      aid,
      title: `cap ${aid}`,
      owner_mid: owner.mid,
      pages: [{ cid: aid * 10, part: 'P1', duration: 60 }],
    });
    return aid;
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, { anonymousPlayCap: CAP, trustProxy: '127.0.0.1' });
  });
  afterAll(async () => s.close());

  it('30 fresh cookies from one address add CAP views, by h5 click or by starting heartbeat', async () => {
    const aid = await archive(550001);
    for (let i = 0; i < 30; i++) {
      const c = browser();
      const body =
        i % 2 === 0 ? await c.history.click({ aid }) : await c.history.heartbeat({ aid, play_type: 1 });
      // Every call is acknowledged: a capped play is simply not counted.
      expect(body.code).toBe(0);
    }
    expect(await views(aid)).toBe(CAP);
  });

  it('the cap is per archive and per address; signed-in viewers are never capped', async () => {
    const aid = await archive(550002);
    const other = await archive(550003);
    for (let i = 0; i < 8; i++) await browser().history.click({ aid });
    for (let i = 0; i < 8; i++) await browser('198.51.100.9').history.click({ aid });
    for (let i = 0; i < 8; i++) await browser().history.click({ aid: other });
    expect(await views(aid)).toBe(2 * CAP);
    expect(await views(other)).toBe(CAP);
    for (let i = 0; i < 3; i++) {
      const { client } = await s.signedIn();
      await client.history.click({ aid });
    }
    expect(await views(aid)).toBe(2 * CAP + 3);
  });

  it('a repeat within the window neither counts nor uses up the cap', async () => {
    const aid = await archive(550004);
    const regulars = [browser(), browser()];
    for (let round = 0; round < 4; round++) for (const c of regulars) await c.history.click({ aid });
    expect(await views(aid)).toBe(2);
    for (let i = 0; i < 10; i++) await browser().history.click({ aid });
    expect(await views(aid)).toBe(CAP);
  });

  it('after the window the address may add CAP more', async () => {
    const aid = await archive(550005);
    for (let i = 0; i < 10; i++) await browser().history.click({ aid });
    expect(await views(aid)).toBe(CAP);
    s.clock.advance(WINDOW + 1);
    for (let i = 0; i < 10; i++) await browser().history.click({ aid });
    expect(await views(aid)).toBe(2 * CAP);
  });

  it('plays of one batch are capped together (concurrent clicks)', async () => {
    const aid = await archive(550006);
    await Promise.all(Array.from({ length: 20 }, () => browser('192.0.2.44').history.click({ aid })));
    expect(await views(aid)).toBe(CAP);
  });
});

describe.each(dialects())('anonymousPlayCap 0 turns the cap off (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { anonymousPlayCap: 0 }, { transport: 'inject' });
  });
  afterAll(async () => s.close());

  it('every fresh cookie counts', async () => {
    const owner = await s.signedIn();
    await s.admin.createArchive({
      aid: 550100,
      title: 'uncapped',
      owner_mid: owner.mid,
      pages: [{ cid: 5501000, part: 'P1', duration: 60 }],
    });
    for (let i = 0; i < 12; i++) {
      await createClient({ baseUrl: s.url, cookies: { buvid3: `u-${dialect}-${i}-infoc` } }).history.click({
        aid: 550100,
      });
    }
    expect((await s.admin.history.archiveStats(550100)).view).toBe(12);
  });
});
