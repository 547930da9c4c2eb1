import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/**
 * The message center (CONTRACT.md §15): unread counts, the reply / @ / like feeds and like_detail.
 * Field order follows the community docs' examples of the real answers.
 */

/** `data` of GET /x/msgfeed/unread: the old and the new endpoint's fields together. */
export const MsgUnreadData = Wire({
  at: Type.Integer(),
  chat: Type.Integer(),
  coin: Type.Integer(),
  danmu: Type.Integer(),
  favorite: Type.Integer(),
  like: Type.Integer(),
  /** Same as `like`. */
  recv_like: Type.Integer(),
  /** `reply` + `at`. */
  recv_reply: Type.Integer(),
  reply: Type.Integer(),
  sys_msg: Type.Integer(),
  sys_msg_style: Type.Integer(),
  up: Type.Integer(),
});
export type MsgUnreadData = Static<typeof MsgUnreadData>;

/** A user in a notice: the replier, the mentioner, a liker or a mentioned user. */
export const MsgUser = Wire({
  mid: Type.Integer(),
  /** Always 0. */
  fans: Type.Integer(),
  nickname: Type.String(),
  avatar: Type.String(),
  mid_link: Type.String(),
  follow: Type.Boolean(),
});
export type MsgUser = Static<typeof MsgUser>;

/** Cursor of a feed: the (id, time) of the page's last (oldest) item; the next page sends both back. */
export const MsgCursor = Wire({
  is_end: Type.Boolean(),
  id: Type.Integer(),
  time: Type.Integer(),
});
export type MsgCursor = Static<typeof MsgCursor>;

/** `item` of a reply or @ notice. */
export const MsgReplyDetail = Wire({
  /** The area's oid. */
  subject_id: Type.Integer(),
  /** The new comment's root (0 when it is a level-1 comment). */
  root_id: Type.Integer(),
  /** The new comment's rpid. */
  source_id: Type.Integer(),
  /** The recipient's comment that was answered (0: a comment on the recipient's content, or an @). */
  target_id: Type.Integer(),
  type: Type.String(),
  /** The area type code. */
  business_id: Type.Integer(),
  business: Type.String(),
  title: Type.String(),
  desc: Type.String(),
  image: Type.String(),
  uri: Type.String(),
  native_uri: Type.String(),
  detail_title: Type.String(),
  root_reply_content: Type.String(),
  source_content: Type.String(),
  target_reply_content: Type.String(),
  at_details: Type.Array(MsgUser),
  /** Always empty. */
  topic_details: Type.Array(Type.Unknown()),
  hide_reply_button: Type.Boolean(),
  hide_like_button: Type.Boolean(),
  like_state: Type.Integer(),
  danmu: Type.Null(),
  message: Type.String(),
});
export type MsgReplyDetail = Static<typeof MsgReplyDetail>;

/** One item of GET /x/msgfeed/reply. */
export const MsgReplyItem = Wire({
  id: Type.Integer(),
  user: MsgUser,
  item: MsgReplyDetail,
  counts: Type.Integer(),
  is_multi: Type.Integer(),
  reply_time: Type.Integer(),
});
export type MsgReplyItem = Static<typeof MsgReplyItem>;

/** `data` of GET /x/msgfeed/reply. */
export const MsgReplyData = Wire({
  cursor: MsgCursor,
  items: Type.Array(MsgReplyItem),
  last_view_at: Type.Integer(),
});
export type MsgReplyData = Static<typeof MsgReplyData>;

/** One item of GET /x/msgfeed/at. */
export const MsgAtItem = Wire({
  id: Type.Integer(),
  user: MsgUser,
  item: MsgReplyDetail,
  at_time: Type.Integer(),
});
export type MsgAtItem = Static<typeof MsgAtItem>;

/** `data` of GET /x/msgfeed/at. */
export const MsgAtData = Wire({
  cursor: MsgCursor,
  items: Type.Array(MsgAtItem),
  last_view_at: Type.Integer(),
});
export type MsgAtData = Static<typeof MsgAtData>;

/** `item` of a like card: the liked comment. */
export const MsgLikeDetail = Wire({
  /** The liked comment's rpid. */
  item_id: Type.Integer(),
  pid: Type.Integer(),
  type: Type.String(),
  business: Type.String(),
  business_id: Type.Integer(),
  reply_business_id: Type.Integer(),
  like_business_id: Type.Integer(),
  /** The liked comment's text. */
  title: Type.String(),
  desc: Type.String(),
  image: Type.String(),
  uri: Type.String(),
  detail_name: Type.String(),
  native_uri: Type.String(),
  /** The liked comment's ctime. */
  ctime: Type.Integer(),
});
export type MsgLikeDetail = Static<typeof MsgLikeDetail>;

/** A like card: one per liked comment. */
export const MsgLikeItem = Wire({
  /** The card id (`card_id` of like_detail, `id` of del/notice with tp 0). */
  id: Type.Integer(),
  /** The latest likers, newest first. */
  users: Type.Array(MsgUser),
  item: MsgLikeDetail,
  /** Likers aggregated on the card. */
  counts: Type.Integer(),
  /** The latest like. */
  like_time: Type.Integer(),
  /** 0 notify, 1 muted. */
  notice_state: Type.Integer(),
});
export type MsgLikeItem = Static<typeof MsgLikeItem>;

/** `data` of GET /x/msgfeed/like. */
export const MsgLikeData = Wire({
  latest: Wire({ items: Type.Array(MsgLikeItem), last_view_at: Type.Integer() }),
  total: Wire({ cursor: MsgCursor, items: Type.Array(MsgLikeItem) }),
});
export type MsgLikeData = Static<typeof MsgLikeData>;

/** One liker of GET /x/msgfeed/like_detail. */
export const MsgLiker = Wire({ user: MsgUser, like_time: Type.Integer() });
export type MsgLiker = Static<typeof MsgLiker>;

/** `data` of GET /x/msgfeed/like_detail. */
export const MsgLikeDetailData = Wire({
  items: Type.Array(MsgLiker),
  page: Wire({ is_end: Type.Boolean() }),
});
export type MsgLikeDetailData = Static<typeof MsgLikeDetailData>;
