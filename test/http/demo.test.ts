import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient, ReplyItem } from '../../src/client/index.ts';
import { MEDIA_ROOT } from '../../src/http/web/web.routes.ts';
import { DEMO, DEMO_CLIP_SECONDS } from '../../src/services/demo.service.ts';
import { ReplyListData, ReplyThreadData } from '../../src/wire/reply.schema.ts';
import { HistoryCursorData } from '../../src/wire/history.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';
import { expectWire } from '../support/wire.ts';

/**
 * The clip's own length, read from the file (WebM: Segment Info's Duration, element 0x4489, an 8-byte
 * float in TimecodeScale units, 1 ms unless the file says otherwise), so a regenerated clip of another
 * length fails this test until the fixture follows.
 */
function clipSeconds(): number {
  const bytes = readFileSync(join(MEDIA_ROOT, 'replay-demo.webm'));
  const at = bytes.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  expect(at).toBeGreaterThan(0);
  const scaleAt = bytes.indexOf(Buffer.from([0x2a, 0xd7, 0xb1]));
  const scaleNs = scaleAt > 0 ? bytes.readUIntBE(scaleAt + 4, bytes[scaleAt + 3]! & 0x0f) : 1_000_000;
  return (bytes.readDoubleBE(at + 3) * scaleNs) / 1e9;
}

describe.each(dialects())('demo fixture (%s)', (dialect) => {
  let s: TestServer;
  let viewer: BiliClient;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    expect(await s.services.demo.seed()).toBe(true);
    const session = await s.admin.issueSession(DEMO.viewer.mid);
    viewer = createClient({ baseUrl: s.url, cookies: session.cookies });
  });
  afterAll(async () => {
    await s.close();
  });

  it('every part lasts exactly as long as the clip it plays, under its documented ids', async () => {
    expect(Math.round(clipSeconds())).toBe(DEMO_CLIP_SECONDS);
    const cids: Record<number, number[]> = {};
    for (const archive of DEMO.archives) {
      const view = await viewer.video.view({ aid: archive.aid });
      expect(view.code).toBe(0);
      cids[archive.aid] = view.data!.pages.map((p) => p.cid);
      expect(view.data!.pages.map((p) => p.duration)).toEqual(archive.pages.map(() => DEMO_CLIP_SECONDS));
      expect(view.data!.duration).toBe(DEMO_CLIP_SECONDS * archive.pages.length);
    }
    expect(cids[2]).toEqual([62131]);
    expect(cids[170001]).toEqual([279786, 279787, 279788]);
  });

  it('labels a part once: names distinct within an archive and not numbered "P1 …" themselves', async () => {
    for (const archive of DEMO.archives) {
      const parts = (await viewer.video.view({ aid: archive.aid })).data!.pages.map((p) => p.part);
      expect(new Set(parts).size).toBe(parts.length);
      for (const part of parts) expect(part).not.toMatch(/^P\d/i);
    }
  });

  it('has threads with replies, likes and a pinned comment by the demo users', async () => {
    const list = await viewer.reply.list({ type: 1, oid: 170001, sort: 0 });
    expect(list.code).toBe(0);
    expectWire(ReplyListData, list.data);
    const pinned = list.data!.upper.top!;
    expect(pinned).toMatchObject({ mid: DEMO.uploader.mid, like: 1, action: 1 });
    expect(pinned.content.message).toMatch(/24-second/);
    const roots = list.data!.replies!;
    expect(roots.map((r) => r.mid)).toEqual([DEMO.viewer.mid, DEMO.viewer.mid]);
    expect(list.data!.page).toMatchObject({ count: 3, acount: 6 });
    const thread = roots.find((r) => r.rcount > 0)!;
    expect(thread).toMatchObject({ rcount: 3, like: 1, action: 0 });

    const replies = await viewer.reply.replies({ type: 1, oid: 170001, root: thread.rpid });
    expectWire(ReplyThreadData, replies.data);
    const items: ReplyItem[] = replies.data!.replies;
    expect(items.map((r) => r.mid)).toEqual([DEMO.uploader.mid, DEMO.viewer.mid, DEMO.uploader.mid]);
    // A reply to a reply names whom it answers, as Bilibili's does.
    expect(items[1]!.content.message).toMatch(/^回复 @bishi :/);
    expect(items[2]!.content.message).toMatch(/^回复 @viewer :/);
    expect(items.map((r) => r.like)).toEqual([1, 0, 0]);

    const av2 = await viewer.reply.list({ type: 1, oid: 2, sort: 0 });
    expect(av2.data!.page).toMatchObject({ count: 1, acount: 2 });
    expect(av2.data!.replies![0]).toMatchObject({ mid: DEMO.viewer.mid, like: 1, rcount: 1 });

    // The uploader's replies and like reached the viewer's message center, as real ones would.
    const unread = await viewer.msgfeed.unread();
    expect(unread.data).toMatchObject({ reply: 3, like: 2 });
  });

  it('gives the demo viewer some watch history: mid-part, finished, and a season episode', async () => {
    const cursor = await viewer.history.cursor({ ps: 20 });
    expect(cursor.code).toBe(0);
    expectWire(HistoryCursorData, cursor.data);
    const entries = cursor.data!.list.map((e) => [
      e.history.business,
      e.history.oid,
      e.history.cid,
      e.progress,
    ]);
    expect(entries).toEqual(
      expect.arrayContaining([
        ['archive', 170001, 279787, 11],
        ['archive', 2, 62131, -1],
        ['pgc', 170102, 279802, 9],
      ]),
    );
    expect(entries).toHaveLength(3);
    for (const e of cursor.data!.list) expect(e.duration).toBe(DEMO_CLIP_SECONDS);
  });

  it('keeps every counter in step with its rows, and a second seed adds nothing', async () => {
    expect(await s.services.demo.seed()).toBe(false);
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);
    expect((await viewer.reply.list({ type: 1, oid: 170001 })).data!.page.acount).toBe(6);
  });
});

describe.each(dialects())('demo seed under strict comment limits (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    // An operator who allows one comment per user per minute still gets the whole demo.
    s = await startTestServer(dialect, { commentBurstLimit: 1, commentBurstSeconds: 60 });
  });
  afterAll(async () => {
    await s.close();
  });

  it('seeds every demo comment, while a visitor is still held to the limit', async () => {
    expect(await s.services.demo.seed()).toBe(true);
    expect((await s.anonymous().reply.list({ type: 1, oid: 170001 })).data!.page.acount).toBe(6);
    const session = await s.admin.issueSession(DEMO.viewer.mid);
    const viewer = createClient({ baseUrl: s.url, cookies: session.cookies });
    const post = (message: string) => viewer.reply.add({ type: 1, oid: 2, message });
    expect((await post('first of the minute')).code).toBe(0);
    expect((await post('second of the minute')).code).toBe(-509);
  });
});
