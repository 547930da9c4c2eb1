import { shownUsers } from '../domain/account-rules.ts';
import { ARCHIVE_AREA_TYPE } from '../domain/area-types.ts';
import { BiliError } from '../errors.ts';
import type { ArchiveRow } from '../store/repositories/archive.repository.ts';
import { NoticeFeed, NoticeKind } from '../store/repositories/notice.repository.ts';
import type { FeedCursor, LikeCardRow, Liker, NoticeRow } from '../store/repositories/notice.repository.ts';
import type { ReplyRow } from '../store/repositories/reply.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { mentionsOf } from './reply-query.service.ts';

/**
 * Unread counts stop at this number: a client shows "99+" long before it, and counting stays O(cap) for
 * an inbox of any size (docs/api/message-center.md).
 */
export const UNREAD_CAP = 999;

/** Items per page of every feed (what Bilibili's web inbox gets). */
export const FEED_PAGE_SIZE = 20;
/** Latest likers shown on a like card. */
export const LIKERS_PER_CARD = 3;
/** like_detail page size: default and largest. */
export const LIKE_DETAIL_PAGE = 20;
export const LIKE_DETAIL_MAX_PAGE = 50;

/** `tp` of msgfeed/del and msgfeed/notice. */
export const NoticeTp = { Like: 0, Reply: 1, At: 2 } as const;

export interface UnreadCounts {
  reply: number;
  at: number;
  like: number;
}

/** Everything the wire item of one reply or @ notice shows, loaded in one batch per page. */
export interface NoticeView {
  notice: NoticeRow;
  actor: UserRow;
  source: ReplyRow | undefined;
  root: ReplyRow | undefined;
  target: ReplyRow | undefined;
  mentioned: UserRow[];
  /** The area's archive (type 1), for the title and the link. */
  archive: ArchiveRow | undefined;
  /** The recipient likes the source comment (1) or not (0). */
  likeState: number;
}

export interface NoticePage {
  items: NoticeView[];
  isEnd: boolean;
  /** The feed's last view before this read (0 = never opened). */
  lastViewAt: number;
}

export interface LikeCardView {
  card: LikeCardRow;
  likers: { user: UserRow; time: number }[];
  comment: ReplyRow | undefined;
  archive: ArchiveRow | undefined;
}

export interface LikePage {
  latest: LikeCardView[];
  total: LikeCardView[];
  isEnd: boolean;
  lastViewAt: number;
}

export interface LikeDetailPage {
  items: { user: UserRow; time: number }[];
  isEnd: boolean;
}

/**
 * The message center (CONTRACT.md §15): the reply, @ and like feeds of the signed-in user, read from the
 * notices the comment writes recorded (ReplyService). Every page is one keyset range of its index plus a
 * fixed number of batch reads, so it costs the same at any inbox size.
 */
export class MessageFeedService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** GET /x/msgfeed/unread: what is newer than each feed's last view (each count at most UNREAD_CAP). */
  async unread(mid: number): Promise<UnreadCounts> {
    const views = await this.store.notices.lastViews(mid);
    const since = (feed: NoticeFeed) => views.get(feed) ?? 0;
    const [reply, at, like] = await Promise.all([
      this.store.notices.unread(mid, NoticeKind.Reply, since(NoticeFeed.Reply), UNREAD_CAP),
      this.store.notices.unread(mid, NoticeKind.At, since(NoticeFeed.At), UNREAD_CAP),
      this.store.notices.likeUnread(mid, since(NoticeFeed.Like), UNREAD_CAP),
    ]);
    return { reply, at, like };
  }

  /** GET /x/msgfeed/reply and /x/msgfeed/at. Opening the first page marks the feed read. */
  async notices(mid: number, which: 'reply' | 'at', cursor: FeedCursor | null): Promise<NoticePage> {
    const kind = which === 'reply' ? NoticeKind.Reply : NoticeKind.At;
    const feed = which === 'reply' ? NoticeFeed.Reply : NoticeFeed.At;
    const lastViewAt = await this.opened(mid, feed, cursor);
    const fetched = await this.store.notices.page(mid, kind, cursor, FEED_PAGE_SIZE + 1);
    const rows = fetched.slice(0, FEED_PAGE_SIZE);
    return { items: await this.noticeViews(mid, rows), isEnd: fetched.length <= FEED_PAGE_SIZE, lastViewAt };
  }

  /**
   * GET /x/msgfeed/like: `total` pages through every card; `latest` (first page only) holds the cards
   * with a like since the last view, which therefore also appear in `total`.
   */
  async likes(mid: number, cursor: FeedCursor | null): Promise<LikePage> {
    const lastViewAt = await this.opened(mid, NoticeFeed.Like, cursor);
    const [fetched, latest] = await Promise.all([
      this.store.notices.likePage(mid, cursor, FEED_PAGE_SIZE + 1),
      cursor ? Promise.resolve([]) : this.store.notices.likePage(mid, null, FEED_PAGE_SIZE, lastViewAt),
    ]);
    const total = fetched.slice(0, FEED_PAGE_SIZE);
    const views = await this.cardViews(mid, [...latest, ...total]);
    return {
      latest: views.slice(0, latest.length),
      total: views.slice(latest.length),
      isEnd: fetched.length <= FEED_PAGE_SIZE,
      lastViewAt,
    };
  }

  /** GET /x/msgfeed/like_detail: everyone who likes the comment of one of my cards, newest first. */
  async likeDetail(
    mid: number,
    q: { cardId: number; pn: number; ps: number; lastMid: number },
  ): Promise<LikeDetailPage> {
    const card = await this.store.notices.findCard(q.cardId);
    if (!card || card.recipient_mid !== mid) throw new BiliError(-404);
    const ps = Math.min(q.ps, LIKE_DETAIL_MAX_PAGE);
    const from = q.lastMid > 0 ? { afterMid: q.lastMid } : { offset: (q.pn - 1) * ps };
    const fetched = await this.store.notices.likers(card.rpid, mid, from, ps + 1);
    const likers = fetched.slice(0, ps);
    const users = await this.shownUsers(likers.map((l) => l.mid));
    return { items: withUsers(likers, users), isEnd: fetched.length <= ps };
  }

  /** POST /x/msgfeed/del: `tp` 0 a like card, 1 a reply notice, 2 an @ notice; -404 if it is not mine. */
  async delete(mid: number, tp: number, id: number): Promise<void> {
    let deleted: boolean;
    if (tp === NoticeTp.Like) deleted = await this.store.notices.deleteCard(mid, id);
    else if (tp === NoticeTp.Reply)
      deleted = await this.store.notices.deleteNotice(mid, NoticeKind.Reply, id);
    else if (tp === NoticeTp.At) deleted = await this.store.notices.deleteNotice(mid, NoticeKind.At, id);
    else throw new BiliError(-400, '参数 tp 不支持');
    if (!deleted) throw new BiliError(-404);
  }

  /** POST /x/msgfeed/notice: mute (1) or unmute (0) the like notices of one card (`tp` 0 only). */
  async setNoticeState(mid: number, tp: number, id: number, state: number): Promise<void> {
    if (tp !== NoticeTp.Like) throw new BiliError(-400, '参数 tp 不支持');
    if (!(await this.store.notices.setMuted(mid, id, state === 1))) throw new BiliError(-404);
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** The feed's previous last view; a first page (no cursor) moves it to now. */
  private async opened(mid: number, feed: NoticeFeed, cursor: FeedCursor | null): Promise<number> {
    const previous = (await this.store.notices.lastViews(mid)).get(feed) ?? 0;
    if (!cursor) await this.store.notices.markViewed(mid, feed, nowSeconds(this.clock));
    return previous;
  }

  private async noticeViews(mid: number, rows: readonly NoticeRow[]): Promise<NoticeView[]> {
    if (rows.length === 0) return [];
    const rpids = new Set<number>();
    for (const n of rows) {
      rpids.add(n.source_rpid);
      if (n.root) rpids.add(n.root);
      if (n.target_rpid) rpids.add(n.target_rpid);
    }
    const [replies, votes, archives] = await Promise.all([
      this.store.replies.findMany([...rpids]),
      this.store.replies.votesOf(
        mid,
        rows.map((n) => n.source_rpid),
      ),
      this.archivesOf(rows),
    ]);
    const mids = new Set<number>(rows.map((n) => n.actor_mid));
    for (const n of rows) {
      const source = replies.get(n.source_rpid);
      if (source) for (const m of mentionsOf(source)) mids.add(m);
    }
    const users = await this.shownUsers([...mids]);
    const items: NoticeView[] = [];
    for (const notice of rows) {
      const actor = users.get(notice.actor_mid);
      if (!actor) continue;
      const source = replies.get(notice.source_rpid);
      items.push({
        notice,
        actor,
        source,
        root: notice.root ? replies.get(notice.root) : undefined,
        target: notice.target_rpid ? replies.get(notice.target_rpid) : undefined,
        mentioned: source
          ? mentionsOf(source)
              .map((m) => users.get(m))
              .filter((u): u is UserRow => u !== undefined)
          : [],
        archive: notice.type === ARCHIVE_AREA_TYPE ? archives.get(notice.oid) : undefined,
        likeState: votes.get(notice.source_rpid) === 1 ? 1 : 0,
      });
    }
    return items;
  }

  private async cardViews(mid: number, cards: readonly LikeCardRow[]): Promise<LikeCardView[]> {
    if (cards.length === 0) return [];
    const rpids = cards.map((c) => c.rpid);
    const [likers, comments, archives] = await Promise.all([
      this.store.notices.latestLikers(mid, rpids, LIKERS_PER_CARD),
      this.store.replies.findMany(rpids),
      this.archivesOf(cards),
    ]);
    const mids = new Set<number>();
    for (const list of likers.values()) for (const l of list) mids.add(l.mid);
    const users = await this.shownUsers([...mids]);
    return cards.map((card) => ({
      card,
      likers: withUsers(likers.get(card.rpid) ?? [], users),
      comment: comments.get(card.rpid),
      archive: card.type === ARCHIVE_AREA_TYPE ? archives.get(card.oid) : undefined,
    }));
  }

  /** The users as others see them (a deleted account under its one shown name: `shownUser`). */
  private async shownUsers(mids: readonly number[]): Promise<Map<number, UserRow>> {
    return shownUsers(await this.store.users.findByMids(mids));
  }

  private archivesOf(rows: readonly { type: number; oid: number }[]): Promise<Map<number, ArchiveRow>> {
    const aids = rows.filter((r) => r.type === ARCHIVE_AREA_TYPE).map((r) => r.oid);
    return this.store.archives.findByAids([...new Set(aids)]);
  }
}

function withUsers(likers: readonly Liker[], users: Map<number, UserRow>): { user: UserRow; time: number }[] {
  const out: { user: UserRow; time: number }[] = [];
  for (const l of likers) {
    const user = users.get(l.mid);
    if (user) out.push({ user, time: l.time });
  }
  return out;
}
