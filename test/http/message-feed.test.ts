import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient, MsgReplyData, MsgUnreadData } from '../../src/client/index.ts';
import {
  MsgAtData,
  MsgLikeData,
  MsgLikeDetailData,
  MsgReplyData as MsgReplySchema,
  MsgUnreadData as MsgUnreadSchema,
} from '../../src/wire/message-feed.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const NO_LIMITS = {
  commentBurstLimit: 0,
  commentHourlyLimit: 0,
  reportPerMinuteLimit: 0,
  duplicateWindowSeconds: 0,
};

interface Actor {
  client: BiliClient;
  mid: number;
  uname: string;
}

describe.each(dialects())('message center over HTTP (%s)', (dialect) => {
  let s: TestServer;
  let counter = 0;

  const actor = async (prefix: string): Promise<Actor> => {
    const uname = `${prefix}${++counter}${dialect[0]}`;
    const { client, mid } = await s.signedIn(uname);
    return { client, mid, uname };
  };
  /** A video owned by `owner`; its comment area is (1, aid). */
  const video = async (owner: Actor, title = '消息中心测试视频') => {
    const archive = await s.admin.createArchive({
      title,
      owner_mid: owner.mid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    return { aid: archive.aid, bvid: archive.bvid };
  };
  const add = async (
    who: Actor,
    oid: number,
    message: string,
    extra: { root?: number; parent?: number } = {},
  ) => {
    const body = await who.client.reply.add({ type: 1, oid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    s.clock.advance(10);
    return body.data!;
  };
  const like = async (who: Actor, oid: number, rpid: number, action: 0 | 1 = 1) => {
    const body = await who.client.reply.like({ type: 1, oid, rpid, action });
    expect(body.code, body.message).toBe(0);
    s.clock.advance(10);
  };
  const unread = async (who: Actor): Promise<MsgUnreadData> => {
    const body = await who.client.msgfeed.unread();
    expect(body.code).toBe(0);
    expectWire(MsgUnreadSchema, body.data);
    return body.data!;
  };
  const replies = async (who: Actor, cursor?: { id: number; time: number }): Promise<MsgReplyData> => {
    const body = await who.client.msgfeed.reply(cursor);
    expect(body.code).toBe(0);
    expectWire(MsgReplySchema, body.data);
    return body.data!;
  };
  const now = () => Math.floor(s.clock.nowMs() / 1000);

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
  });
  afterAll(async () => s.close());

  it('reply, root-comment and @ notices: every field of the items, newest first', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const bob = await actor('bob');
    const { aid, bvid } = await video(owner, '我的视频');

    const rootTime = now();
    const root = await add(alice, aid, `好视频 @${bob.uname} 来看`);
    const ownerReplyTime = now();
    const ownerReply = await add(owner, aid, '谢谢', { root: root.rpid, parent: root.rpid });
    const deepTime = now();
    const deep = await add(bob, aid, '不客气', { root: root.rpid, parent: ownerReply.rpid });
    await add(owner, aid, '置顶说明'); // the owner on the owner's own video: no notice

    const feed = await replies(owner);
    expect(feed.items.map((i) => i.item.source_id)).toEqual([deep.rpid, root.rpid]);
    expect(feed.cursor).toEqual({ is_end: true, id: feed.items[1]!.id, time: rootTime });
    expect(feed.last_view_at).toBe(0);
    const face = `${s.config.publicUrl}/static/noface.png`;
    expect(feed.items[0]).toEqual({
      id: feed.items[0]!.id,
      user: { mid: bob.mid, fans: 0, nickname: bob.uname, avatar: face, mid_link: '', follow: false },
      item: {
        subject_id: aid,
        root_id: root.rpid,
        source_id: deep.rpid,
        target_id: ownerReply.rpid,
        type: 'video',
        business_id: 1,
        business: '视频',
        title: '我的视频',
        desc: '',
        image: '',
        uri: `${s.config.publicUrl}/video/${bvid}#reply${deep.rpid}`,
        native_uri: `bilibili://comment/detail/1/${aid}/${root.rpid}/?subType=0&anchor=${deep.rpid}&showEnter=1&extraIntentId=0&scene=1&enterUri=bilibili://video/${aid}`,
        detail_title: '',
        root_reply_content: `好视频 @${bob.uname} 来看`,
        source_content: `回复 @${owner.uname} :不客气`,
        target_reply_content: '谢谢',
        // The reply prefix names the owner (the comment's `content.members`); the owner gets the reply notice
        // only, no @ notice besides.
        at_details: [
          { mid: owner.mid, fans: 0, nickname: owner.uname, avatar: face, mid_link: '', follow: false },
        ],
        topic_details: [],
        hide_reply_button: false,
        hide_like_button: false,
        like_state: 0,
        danmu: null,
        message: '',
      },
      counts: 1,
      is_multi: 0,
      reply_time: deepTime,
    });
    // A root comment on my content: no target, no root.
    expect(feed.items[1]!.item).toMatchObject({
      root_id: 0,
      source_id: root.rpid,
      target_id: 0,
      root_reply_content: '',
      target_reply_content: '',
      source_content: `好视频 @${bob.uname} 来看`,
    });
    expect(feed.items[1]!.item.at_details).toEqual([
      { mid: bob.mid, fans: 0, nickname: bob.uname, avatar: face, mid_link: '', follow: false },
    ]);

    // Alice hears about the owner's answer to her comment.
    const aliceFeed = await replies(alice);
    expect(aliceFeed.items).toHaveLength(1);
    expect(aliceFeed.items[0]).toMatchObject({
      user: { mid: owner.mid },
      item: {
        root_id: root.rpid,
        source_id: ownerReply.rpid,
        target_id: root.rpid,
        target_reply_content: root.reply!.content.message,
      },
      reply_time: ownerReplyTime,
    });

    // Bob was mentioned: the at feed, with the mentioner and `at_time`.
    const at = await bob.client.msgfeed.at();
    expectWire(MsgAtData, at.data);
    expect(at.data!.items).toHaveLength(1);
    expect(at.data!.items[0]).toMatchObject({
      user: { mid: alice.mid, nickname: alice.uname },
      item: { subject_id: aid, root_id: 0, source_id: root.rpid, target_id: 0, business_id: 1 },
      at_time: rootTime,
    });
    expect(Object.keys(at.data!.items[0]!)).toEqual(['id', 'user', 'item', 'at_time']);
    expect(at.data!.cursor).toEqual({ is_end: true, id: at.data!.items[0]!.id, time: rootTime });
    expect((await owner.client.msgfeed.at()).data!.items).toEqual([]);
  });

  it('unread counts: recv_reply = reply + at; opening a feed resets only that feed', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const { aid } = await video(owner);
    const first = await add(alice, aid, `第一 @${owner.uname}`);
    await add(alice, aid, '第二');
    await add(alice, aid, '第三', { root: first.rpid }); // a reply to alice herself: no notice
    expect(await unread(owner)).toEqual({
      at: 1,
      chat: 0,
      coin: 0,
      danmu: 0,
      favorite: 0,
      like: 0,
      recv_like: 0,
      recv_reply: 3,
      reply: 2,
      sys_msg: 0,
      sys_msg_style: 1,
      up: 0,
    });

    const opened = now();
    expect((await replies(owner)).last_view_at).toBe(0);
    expect(await unread(owner)).toMatchObject({ reply: 0, at: 1, recv_reply: 1 });
    // The next read reports when the feed was last opened.
    s.clock.advance(5);
    expect((await replies(owner)).last_view_at).toBe(opened);
    expect((await owner.client.msgfeed.at()).data!.last_view_at).toBe(0);
    expect(await unread(owner)).toMatchObject({ reply: 0, at: 0, recv_reply: 0 });

    // Something new after the view counts again.
    s.clock.advance(5);
    await add(alice, aid, '第四');
    expect(await unread(owner)).toMatchObject({ reply: 1, recv_reply: 1 });
  });

  it('no notice to yourself: own video, own comment, @ of yourself, like of your own comment', async () => {
    const me = await actor('self');
    const { aid } = await video(me);
    const root = await add(me, aid, `自言自语 @${me.uname}`);
    await add(me, aid, '再说一句', { root: root.rpid });
    await like(me, aid, root.rpid);
    expect(await unread(me)).toMatchObject({ reply: 0, at: 0, like: 0 });
    expect((await replies(me)).items).toEqual([]);
    expect((await me.client.msgfeed.at()).data!.items).toEqual([]);
    expect((await me.client.msgfeed.like()).data!.total.items).toEqual([]);
  });

  it('a banned author notifies nobody: hidden while banned, back when unbanned; banned writes are refused', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const spammer = await actor('spam');
    const { aid } = await video(owner);
    const mine = await add(alice, aid, '我的评论');
    await add(spammer, aid, `广告 @${alice.uname}`, { root: mine.rpid });
    expect(await unread(alice)).toMatchObject({ reply: 1, at: 1 });

    await s.admin.updateUser(spammer.mid, { banned: true });
    expect(await unread(alice)).toMatchObject({ reply: 0, at: 0, recv_reply: 0 });
    expect((await replies(alice)).items).toEqual([]);
    expect((await alice.client.msgfeed.at()).data!.items).toEqual([]);
    const refused = await spammer.client.reply.add({ type: 1, oid: aid, message: '再来', root: mine.rpid });
    expect(refused.code).toBe(-102);
    expect((await spammer.client.reply.like({ type: 1, oid: aid, rpid: mine.rpid, action: 1 })).code).toBe(
      -102,
    );

    await s.admin.updateUser(spammer.mid, { banned: false });
    const back = await replies(alice);
    expect(back.items.map((i) => i.user.mid)).toEqual([spammer.mid]);
  });

  it('likes aggregate per comment: latest likers, count, unlike, like_detail, mute, delete', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const fans = [await actor('fan'), await actor('fan'), await actor('fan'), await actor('fan')];
    const { aid, bvid } = await video(owner);
    const liked = await add(alice, aid, '求赞[doge]');
    const other = await add(alice, aid, '另一条');
    const times: number[] = [];
    for (const fan of fans) {
      times.push(now());
      await like(fan, aid, liked.rpid);
    }
    const otherTime = now();
    await like(fans[0]!, aid, other.rpid);
    await like(alice, aid, liked.rpid); // her own like: nothing
    expect(await unread(alice)).toMatchObject({ like: 2, recv_like: 2 });

    const page = await alice.client.msgfeed.like();
    expectWire(MsgLikeData, page.data);
    const data = page.data!;
    expect(data.total.items.map((c) => c.item.item_id)).toEqual([other.rpid, liked.rpid]);
    expect(data.latest.items.map((c) => c.item.item_id)).toEqual([other.rpid, liked.rpid]);
    expect(data.latest.last_view_at).toBe(0);
    const card = data.total.items[1]!;
    expect(card).toEqual({
      id: card.id,
      users: [fans[3]!, fans[2]!, fans[1]!].map((f) => ({
        mid: f.mid,
        fans: 0,
        nickname: f.uname,
        avatar: `${s.config.publicUrl}/static/noface.png`,
        mid_link: '',
        follow: false,
      })),
      item: {
        item_id: liked.rpid,
        pid: 0,
        type: 'reply',
        business: '评论',
        business_id: 1,
        reply_business_id: 0,
        like_business_id: 0,
        title: '求赞[doge]',
        desc: '',
        image: '',
        uri: `${s.config.publicUrl}/video/${bvid}#reply${liked.rpid}`,
        detail_name: '',
        native_uri: `bilibili://comment/detail/1/${aid}/${liked.rpid}/?subType=0&anchor=${liked.rpid}&showEnter=1&extraIntentId=0&scene=1&enterUri=bilibili://video/${aid}`,
        ctime: liked.reply!.ctime,
      },
      counts: 4,
      like_time: times[3],
      notice_state: 0,
    });
    expect(data.total.cursor).toEqual({ is_end: true, id: card.id, time: times[3] });
    expect(data.total.items[0]).toMatchObject({ counts: 1, like_time: otherTime });

    // Read: the unread count falls to 0 and `latest` empties.
    expect(await unread(alice)).toMatchObject({ like: 0, recv_like: 0 });
    const again = (await alice.client.msgfeed.like()).data!;
    expect(again.latest.items).toEqual([]);
    expect(again.total.items).toHaveLength(2);

    // Unliking takes the liker off the card; the card keeps the time of its latest like.
    await like(fans[3]!, aid, liked.rpid, 0);
    const afterUnlike = (await alice.client.msgfeed.like()).data!.total.items[1]!;
    expect(afterUnlike.counts).toBe(3);
    expect(afterUnlike.users.map((u) => u.mid)).toEqual([fans[2]!.mid, fans[1]!.mid, fans[0]!.mid]);
    expect(afterUnlike.like_time).toBe(times[3]);

    // like_detail: everyone, newest first, with the like's time; paged by pn or after last_mid.
    const detail = await alice.client.msgfeed.likeDetail({ card_id: card.id });
    expectWire(MsgLikeDetailData, detail.data);
    expect(detail.data!.items.map((i) => [i.user.mid, i.like_time])).toEqual([
      [fans[2]!.mid, times[2]],
      [fans[1]!.mid, times[1]],
      [fans[0]!.mid, times[0]],
    ]);
    expect(detail.data!.page).toEqual({ is_end: true });
    const first = await alice.client.msgfeed.likeDetail({ card_id: card.id, ps: 2 });
    expect(first.data!.items.map((i) => i.user.mid)).toEqual([fans[2]!.mid, fans[1]!.mid]);
    expect(first.data!.page.is_end).toBe(false);
    const second = await alice.client.msgfeed.likeDetail({ card_id: card.id, ps: 2, pn: 2 });
    expect(second.data!.items.map((i) => i.user.mid)).toEqual([fans[0]!.mid]);
    const after = await alice.client.msgfeed.likeDetail({ card_id: card.id, ps: 2, last_mid: fans[1]!.mid });
    expect(after.data!.items.map((i) => i.user.mid)).toEqual([fans[0]!.mid]);
    expect(after.data!.page.is_end).toBe(true);
    // Another user's card is not found.
    expect((await owner.client.msgfeed.likeDetail({ card_id: card.id })).code).toBe(-404);

    // Muted: new likes still count but neither move the card nor make it unread.
    expect((await alice.client.msgfeed.notice(card.id, 1)).code).toBe(0);
    s.clock.advance(5);
    await like(fans[3]!, aid, liked.rpid);
    expect(await unread(alice)).toMatchObject({ like: 0 });
    const muted = (await alice.client.msgfeed.like()).data!.total.items[1]!;
    expect(muted).toMatchObject({ counts: 4, notice_state: 1, like_time: times[3] });
    expect((await alice.client.msgfeed.notice(card.id, 0)).code).toBe(0);
    expect((await owner.client.msgfeed.notice(card.id, 1)).code).toBe(-404);

    // The last like gone: the card goes.
    await like(fans[0]!, aid, other.rpid, 0);
    expect((await alice.client.msgfeed.like()).data!.total.items.map((c) => c.item.item_id)).toEqual([
      liked.rpid,
    ]);
    // Deleting a card (tp 0).
    expect((await alice.client.msgfeed.del(0, card.id)).code).toBe(0);
    expect((await alice.client.msgfeed.like()).data!.total.items).toEqual([]);
    expect((await alice.client.msgfeed.del(0, card.id)).code).toBe(-404);
  });

  it('deleting the source comment removes its reply and @ notices (a root takes its thread with it)', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const bob = await actor('bob');
    const { aid } = await video(owner);
    const root = await add(alice, aid, '楼主');
    const answer = await add(bob, aid, `回复 @${owner.uname}`, { root: root.rpid });
    const second = await add(bob, aid, '再回复', { root: root.rpid });
    await like(bob, aid, root.rpid);
    expect((await replies(alice)).items.map((i) => i.item.source_id)).toEqual([second.rpid, answer.rpid]);

    expect((await bob.client.reply.del({ type: 1, oid: aid, rpid: answer.rpid })).code).toBe(0);
    expect((await replies(alice)).items.map((i) => i.item.source_id)).toEqual([second.rpid]);
    expect((await owner.client.msgfeed.at()).data!.items).toEqual([]);

    // The root deleted by the area owner: its own notice (to the owner), its thread's (to alice), its card.
    expect((await owner.client.reply.del({ type: 1, oid: aid, rpid: root.rpid })).code).toBe(0);
    expect((await replies(alice)).items).toEqual([]);
    expect((await replies(owner)).items).toEqual([]);
    expect((await alice.client.msgfeed.like()).data!.total.items).toEqual([]);
    expect(await unread(alice)).toMatchObject({ reply: 0, like: 0 });
  });

  it('cursor paging is exact over many notices, ties in one second included (keyset on time, id)', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const { aid } = await video(owner);
    const expected: number[] = [];
    for (let i = 0; i < 45; i++) {
      const body = await alice.client.reply.add({ type: 1, oid: aid, message: `评论 ${i}` });
      expect(body.code, body.message).toBe(0);
      expected.unshift(body.data!.rpid);
      // Three notices per second: the cursor's id breaks the ties.
      if (i % 3 === 2) s.clock.advance(1);
    }
    const seen: number[] = [];
    const pages: boolean[] = [];
    let cursor: { id: number; time: number } | undefined;
    for (;;) {
      const page = await replies(owner, cursor);
      seen.push(...page.items.map((i) => i.item.source_id));
      pages.push(page.cursor.is_end);
      if (page.cursor.is_end) break;
      cursor = { id: page.cursor.id, time: page.cursor.time };
      expect(page.items.at(-1)).toMatchObject({ id: cursor.id, reply_time: cursor.time });
    }
    expect(pages).toEqual([false, false, true]);
    expect(seen).toEqual(expected);
    // The same cursor twice gives the same page (reading page 2 changes nothing).
    const p1 = await replies(owner);
    const p2a = await replies(owner, { id: p1.cursor.id, time: p1.cursor.time });
    const p2b = await replies(owner, { id: p1.cursor.id, time: p1.cursor.time });
    expect(p2a.items.map((i) => i.id)).toEqual(p2b.items.map((i) => i.id));
    expect(p2a.items.map((i) => i.item.source_id)).toEqual(expected.slice(20, 40));
  });

  it('a 20 000-notice inbox: the page query reads its index in order (plan) and pages stay exact', async () => {
    const big = await actor('busy');
    const writer = await actor('writer');
    const { aid } = await video(big);
    const source = await add(writer, aid, '很多通知的来源');
    // Written straight into the table (the API would take minutes); one second per 4 notices.
    const base = now() - 10_000;
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      recipient_mid: big.mid,
      kind: 1,
      time: base + Math.floor(i / 4),
      actor_mid: writer.mid,
      type: 1,
      oid: aid,
      root: 0,
      source_rpid: source.rpid,
      target_rpid: 0,
    }));
    for (let i = 0; i < rows.length; i += 500) await s.store.notices.insertMany(rows.slice(i, i + 500));
    const feedQuery = `SELECT notices.* FROM notices INNER JOIN users ON users.mid = notices.actor_mid
         WHERE notices.recipient_mid = ${big.mid} AND notices.kind = 1 AND users.banned = 0
           AND notices.time <= ${base + 2000} AND (notices.time < ${base + 2000} OR notices.id < 999999)
         ORDER BY notices.time DESC, notices.id DESC LIMIT 21`;
    if (dialect === 'sqlite') {
      s.handle.sqlite!.exec('ANALYZE');
      const plan = s.handle.sqlite!.prepare(`EXPLAIN QUERY PLAN ${feedQuery}`).all() as { detail: string }[];
      const text = plan.map((p) => p.detail).join('\n');
      expect(text).toMatch(/SEARCH notices USING INDEX notices_feed/);
      expect(text).not.toContain('TEMP B-TREE');
    } else {
      await s.handle.pool!.query('ANALYZE notices; ANALYZE users');
      const { rows: plan } = await s.handle.pool!.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${feedQuery}`);
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('notices_feed');
      expect(text).not.toMatch(/\bSort\b/);
    }

    // 20 001 unread reply notices: the count stops at its documented cap (it reads at most 999 rows).
    expect(await unread(big)).toMatchObject({ reply: 999, at: 0, recv_reply: 999 });

    // The newest page, and a page deep in the inbox reached by its cursor, are exact.
    const first = await replies(big);
    expect(await unread(big)).toMatchObject({ reply: 0, recv_reply: 0 });
    expect(first.items).toHaveLength(20);
    expect(first.items[0]!.item.source_id).toBe(source.rpid); // the real notice is the newest
    // The newest notice of second base+2499 (row 9999: ids follow the insertion order), then the 20 rows
    // before it: the rest of that second, then four a second.
    const cursorRow = (await s.store.notices.page(big.mid, 1, { id: 0, time: base + 2500 }, 1))[0]!;
    expect(cursorRow.time).toBe(base + 2499);
    const page = await replies(big, { id: cursorRow.id, time: cursorRow.time });
    expect(page.items.map((i) => i.id)).toEqual(Array.from({ length: 20 }, (_, k) => cursorRow.id - 1 - k));
    expect(page.items.map((i) => i.reply_time)).toEqual(
      Array.from({ length: 20 }, (_, k) => base + Math.floor((9998 - k) / 4)),
    );
    expect(page.cursor).toEqual({ is_end: false, id: cursorRow.id - 20, time: base + Math.floor(9979 / 4) });
  });

  it('del and notice: tp, ownership and login are checked; nothing changes on a refusal', async () => {
    const owner = await actor('up');
    const alice = await actor('alice');
    const { aid } = await video(owner);
    await add(alice, aid, `@${owner.uname} 看这里`);
    const feed = await replies(owner);
    const at = (await owner.client.msgfeed.at()).data!;
    const replyId = feed.items[0]!.id;
    const atId = at.items[0]!.id;

    expect((await alice.client.msgfeed.del(1, replyId)).code).toBe(-404);
    expect((await owner.client.msgfeed.del(2, replyId)).code).toBe(-404);
    expect((await owner.client.post<{ code: number }>('/x/msgfeed/del', { tp: 3, id: replyId })).code).toBe(
      -400,
    );
    expect((await owner.client.post<{ code: number }>('/x/msgfeed/del', { tp: 1 })).code).toBe(-400);
    expect(
      (
        await owner.client.post<{ code: number }>('/x/msgfeed/notice', {
          tp: 1,
          id: replyId,
          notice_state: 1,
        })
      ).code,
    ).toBe(-400);
    expect(
      (await owner.client.post<{ code: number }>('/x/msgfeed/del', { tp: 1, id: replyId, csrf: 'wrong' }))
        .code,
    ).toBe(-111);
    expect((await s.anonymous().get<{ code: number }>('/x/msgfeed/reply')).code).toBe(-101);
    expect((await s.anonymous().get<{ code: number }>('/x/msgfeed/unread')).code).toBe(-101);
    expect((await replies(owner)).items).toHaveLength(1);

    expect((await owner.client.msgfeed.del(1, replyId)).code).toBe(0);
    expect((await owner.client.msgfeed.del(2, atId)).code).toBe(0);
    expect((await replies(owner)).items).toEqual([]);
    expect((await owner.client.msgfeed.at()).data!.items).toEqual([]);
  });
});
