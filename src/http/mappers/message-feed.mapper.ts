import { ARCHIVE_AREA_TYPE } from '../../domain/area-types.ts';
import type {
  LikeCardView,
  LikeDetailPage,
  LikePage,
  NoticePage,
  NoticeView,
  UnreadCounts,
} from '../../services/message-feed.service.ts';
import type { ArchiveRow } from '../../store/repositories/archive.repository.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import type {
  MsgAtData,
  MsgCursor,
  MsgLikeData,
  MsgLikeDetailData,
  MsgLikeItem,
  MsgReplyData,
  MsgReplyDetail,
  MsgUnreadData,
  MsgUser,
} from '../../wire/message-feed.schema.ts';
import { faceUrl } from './account.mapper.ts';

/**
 * Wire objects of the message center (CONTRACT.md §15), typed by `src/wire/message-feed.schema.ts`.
 * Links point at Replay's own pages (`publicUrl`): the watch page of the area's video, with the
 * `#reply<rpid>` anchor Bilibili's links use, which the web UI opens at that comment.
 */

export function unreadData(c: UnreadCounts): MsgUnreadData {
  return {
    at: c.at,
    chat: 0,
    coin: 0,
    danmu: 0,
    favorite: 0,
    like: c.like,
    recv_like: c.like,
    recv_reply: c.reply + c.at,
    reply: c.reply,
    sys_msg: 0,
    sys_msg_style: 1,
    up: 0,
  };
}

export function msgUser(user: UserRow, publicUrl: string): MsgUser {
  return {
    mid: user.mid,
    fans: 0,
    nickname: user.uname,
    avatar: faceUrl(user, publicUrl),
    mid_link: '',
    follow: false,
  };
}

function cursorOf(last: { id: number; time: number } | undefined, isEnd: boolean): MsgCursor {
  return { is_end: isEnd || last === undefined, id: last?.id ?? 0, time: last?.time ?? 0 };
}

/** The watch page of the area's video at one comment; '' for areas Replay has no page for. */
function webUri(archive: ArchiveRow | undefined, publicUrl: string, rpid: number): string {
  return archive ? `${publicUrl}/video/${archive.bvid}#reply${rpid}` : '';
}

/** The app's comment-detail link (the form Bilibili's notices carry). */
function nativeUri(type: number, oid: number, root: number, rpid: number): string {
  const enter = type === ARCHIVE_AREA_TYPE ? `&enterUri=bilibili://video/${oid}` : '';
  return `bilibili://comment/detail/${type}/${oid}/${root || rpid}/?subType=0&anchor=${rpid}&showEnter=1&extraIntentId=0&scene=1${enter}`;
}

function replyDetail(v: NoticeView, publicUrl: string): MsgReplyDetail {
  const n = v.notice;
  const video = n.type === ARCHIVE_AREA_TYPE;
  return {
    subject_id: n.oid,
    root_id: n.root,
    source_id: n.source_rpid,
    target_id: n.target_rpid,
    type: video ? 'video' : 'reply',
    business_id: n.type,
    business: video ? '视频' : '评论',
    title: v.archive?.title ?? '',
    desc: '',
    image: '',
    uri: webUri(v.archive, publicUrl, n.source_rpid),
    native_uri: nativeUri(n.type, n.oid, n.root, n.source_rpid),
    detail_title: '',
    root_reply_content: v.root?.message ?? '',
    source_content: v.source?.message ?? '',
    target_reply_content: v.target?.message ?? '',
    at_details: v.mentioned.map((u) => msgUser(u, publicUrl)),
    topic_details: [],
    hide_reply_button: false,
    hide_like_button: false,
    like_state: v.likeState,
    danmu: null,
    message: '',
  };
}

export function replyFeedData(page: NoticePage, publicUrl: string): MsgReplyData {
  const last = page.items.at(-1)?.notice;
  return {
    cursor: cursorOf(last && { id: last.id, time: last.time }, page.isEnd),
    items: page.items.map((v) => ({
      id: v.notice.id,
      user: msgUser(v.actor, publicUrl),
      item: replyDetail(v, publicUrl),
      counts: 1,
      is_multi: 0,
      reply_time: v.notice.time,
    })),
    last_view_at: page.lastViewAt,
  };
}

export function atFeedData(page: NoticePage, publicUrl: string): MsgAtData {
  const last = page.items.at(-1)?.notice;
  return {
    cursor: cursorOf(last && { id: last.id, time: last.time }, page.isEnd),
    items: page.items.map((v) => ({
      id: v.notice.id,
      user: msgUser(v.actor, publicUrl),
      item: replyDetail(v, publicUrl),
      at_time: v.notice.time,
    })),
    last_view_at: page.lastViewAt,
  };
}

function likeItem(v: LikeCardView, publicUrl: string): MsgLikeItem {
  const c = v.card;
  return {
    id: c.id,
    users: v.likers.map((l) => msgUser(l.user, publicUrl)),
    item: {
      item_id: c.rpid,
      pid: 0,
      type: 'reply',
      business: '评论',
      business_id: c.type,
      reply_business_id: 0,
      like_business_id: 0,
      title: v.comment?.message ?? '',
      desc: '',
      image: '',
      uri: webUri(v.archive, publicUrl, c.rpid),
      detail_name: '',
      native_uri: nativeUri(c.type, c.oid, v.comment?.root ?? 0, c.rpid),
      ctime: v.comment?.ctime ?? 0,
    },
    counts: c.counts,
    like_time: c.like_time,
    notice_state: c.muted,
  };
}

export function likeFeedData(page: LikePage, publicUrl: string): MsgLikeData {
  const last = page.total.at(-1)?.card;
  return {
    latest: { items: page.latest.map((v) => likeItem(v, publicUrl)), last_view_at: page.lastViewAt },
    total: {
      cursor: cursorOf(last && { id: last.id, time: last.like_time }, page.isEnd),
      items: page.total.map((v) => likeItem(v, publicUrl)),
    },
  };
}

export function likeDetailData(page: LikeDetailPage, publicUrl: string): MsgLikeDetailData {
  return {
    items: page.items.map((l) => ({ user: msgUser(l.user, publicUrl), like_time: l.time })),
    page: { is_end: page.isEnd },
  };
}
