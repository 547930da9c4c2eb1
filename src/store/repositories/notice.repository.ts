import type { Insertable, Kysely, RawBuilder, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import type { LikeNoticesTable, NoticesTable } from '../tables/notice.tables.ts';
import { insertForLiveUser } from './live-user.ts';
import { ReplyState, VoteValue } from '../../domain/reply-state.ts';

export type NoticeRow = Selectable<NoticesTable>;
export type NewNotice = Insertable<NoticesTable>;
export type LikeCardRow = Selectable<LikeNoticesTable>;

/** `notices.kind`. */
export const NoticeKind = { Reply: 1, At: 2 } as const;
export type NoticeKind = (typeof NoticeKind)[keyof typeof NoticeKind];

/** `notice_views.feed`. */
export const NoticeFeed = { Reply: 1, At: 2, Like: 3 } as const;
export type NoticeFeed = (typeof NoticeFeed)[keyof typeof NoticeFeed];

/** A feed position: the (time, id) of the last item a page returned; pages run newest first. */
export interface FeedCursor {
  time: number;
  id: number;
}

/** Who a new comment notifies, before the comment has its rpid (PostgreSQL's one-statement root add). */
export interface NoticeTarget {
  recipient: number;
  kind: NoticeKind;
}

export interface Liker {
  mid: number;
  time: number;
}

/**
 * Notices of the message center. Written only inside the transaction (or the one statement) of the
 * comment or vote that caused them; every feed page is one keyset range of its index, newest first.
 * A later outbox row (webhooks, e-mail: DESIGN.md §9) is written the same way, next to these.
 */
export class NoticeRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
  }

  // --- writes (inside the causing transaction) -------------------------------------------------------

  async insertMany(rows: readonly NewNotice[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('notices')
      .values([...rows])
      .execute();
  }

  /**
   * PostgreSQL: the CTE body that writes `targets`' notices for the comment the CTE named `inserted`
   * returns, so an add stays ONE statement (ReplyRepository.insertRoot, insertReply). A Reply notice
   * answers the comment's parent (none for a level-1 comment), an At notice nothing. A deleted account
   * gets none.
   */
  static insertFromInserted(targets: readonly NoticeTarget[]): RawBuilder<unknown> {
    const recipients = targets.map((t) => t.recipient);
    const kinds = targets.map((t) => t.kind);
    return sql`INSERT INTO notices (recipient_mid, kind, time, actor_mid, type, oid, root, source_rpid, target_rpid)
      SELECT n.recipient, n.kind, inserted.ctime, inserted.mid, inserted.type, inserted.oid, inserted.root,
        inserted.rpid, CASE WHEN n.kind = ${NoticeKind.Reply} THEN inserted.parent ELSE 0 END
      FROM inserted CROSS JOIN unnest(${recipients}::bigint[], ${kinds}::integer[]) AS n(recipient, kind)
      WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.mid = n.recipient AND u.deleted = 1)`;
  }

  /** The comment is gone: so are the notices it caused, and its like card. */
  async deleteBySource(rpid: number): Promise<void> {
    await this.db.deleteFrom('notices').where('source_rpid', '=', rpid).execute();
    await this.db.deleteFrom('like_notices').where('rpid', '=', rpid).execute();
  }

  /** A root and its thread are gone: the notices of every comment in it (the thread is one index range). */
  async deleteByThread(area: { type: number; oid: number }, root: number): Promise<void> {
    const thread = this.db
      .selectFrom('replies')
      .select('rpid')
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', root);
    await this.db.deleteFrom('notices').where('source_rpid', 'in', thread).execute();
    await this.db.deleteFrom('like_notices').where('rpid', 'in', thread).execute();
    await this.deleteBySource(root);
  }

  /**
   * One more like on the card of `rpid` (created on the first); a muted card keeps its time. Only while
   * the comment is visible: the vote's transaction locked the comment row (its counter) first, so a
   * delete that committed meanwhile is seen here and no card outlives its comment.
   */
  async addLike(rpid: number, time: number): Promise<void> {
    await this.db
      .insertInto('like_notices')
      .columns(['recipient_mid', 'rpid', 'type', 'oid', 'like_time', 'counts'])
      .expression((eb) =>
        eb
          .selectFrom('replies')
          .select([
            'mid',
            'rpid',
            'type',
            'oid',
            sql<number>`CAST(${time} AS bigint)`.as('like_time'),
            sql<number>`1`.as('counts'),
          ])
          .where('rpid', '=', rpid)
          .where('state', '=', ReplyState.Visible)
          // A deleted author's comments collect no like card (their inbox was erased with them).
          .where((w) =>
            w.not(
              w.exists(
                w
                  .selectFrom('users')
                  .select('users.mid')
                  .whereRef('users.mid', '=', 'replies.mid')
                  .where('users.deleted', '=', 1),
              ),
            ),
          ),
      )
      .onConflict((oc) =>
        oc.column('rpid').doUpdateSet((eb) => ({
          counts: eb('like_notices.counts', '+', 1),
          like_time: sql<number>`CASE WHEN like_notices.muted = 1 THEN like_notices.like_time ELSE ${time} END`,
        })),
      )
      .execute();
  }

  /** One like less; the card goes with its last like. */
  async removeLike(rpid: number): Promise<void> {
    const row = await this.db
      .updateTable('like_notices')
      .set((eb) => ({ counts: eb('counts', '-', 1) }))
      .where('rpid', '=', rpid)
      .returning('counts')
      .executeTakeFirst();
    if (row && row.counts <= 0) await this.db.deleteFrom('like_notices').where('rpid', '=', rpid).execute();
  }

  // --- reply / at feeds ----------------------------------------------------------------------------

  /**
   * One page of a reply or at feed, newest first, after `cursor`. Notices whose author is banned now are
   * skipped (they come back if the ban is lifted).
   */
  page(recipient: number, kind: NoticeKind, cursor: FeedCursor | null, limit: number): Promise<NoticeRow[]> {
    let query = this.db
      .selectFrom('notices')
      .innerJoin('users', 'users.mid', 'notices.actor_mid')
      .selectAll('notices')
      .where('notices.recipient_mid', '=', recipient)
      .where('notices.kind', '=', kind)
      .where('users.banned', '=', 0);
    if (cursor) {
      // `time <= t` bounds the index range; the OR only filters the rows of that one second.
      query = query
        .where('notices.time', '<=', cursor.time)
        .where((eb) => eb.or([eb('notices.time', '<', cursor.time), eb('notices.id', '<', cursor.id)]));
    }
    return query.orderBy('notices.time', 'desc').orderBy('notices.id', 'desc').limit(limit).execute();
  }

  /**
   * Notices newer than `since`, counted up to `cap` (an index range of the unread ones only, stopped at
   * `cap` rows, so the count costs the same however many are unread).
   */
  async unread(recipient: number, kind: NoticeKind, since: number, cap: number): Promise<number> {
    const row = await this.db
      .selectFrom((db) =>
        db
          .selectFrom('notices')
          .innerJoin('users', 'users.mid', 'notices.actor_mid')
          .select('notices.id')
          .where('notices.recipient_mid', '=', recipient)
          .where('notices.kind', '=', kind)
          .where('notices.time', '>', since)
          .where('users.banned', '=', 0)
          .limit(cap)
          .as('unread'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes one of the recipient's reply/at notices; false when there is none with that id. */
  async deleteNotice(recipient: number, kind: NoticeKind, id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('notices')
      .where('id', '=', id)
      .where('recipient_mid', '=', recipient)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // --- like feed ------------------------------------------------------------------------------------

  likePage(
    recipient: number,
    cursor: FeedCursor | null,
    limit: number,
    since?: number,
  ): Promise<LikeCardRow[]> {
    let query = this.db.selectFrom('like_notices').selectAll().where('recipient_mid', '=', recipient);
    if (since !== undefined) query = query.where('like_time', '>', since);
    if (cursor) {
      query = query
        .where('like_time', '<=', cursor.time)
        .where((eb) => eb.or([eb('like_time', '<', cursor.time), eb('id', '<', cursor.id)]));
    }
    return query.orderBy('like_time', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** Like cards with a like newer than `since`, counted up to `cap`. */
  async likeUnread(recipient: number, since: number, cap: number): Promise<number> {
    const row = await this.db
      .selectFrom((db) =>
        db
          .selectFrom('like_notices')
          .select('id')
          .where('recipient_mid', '=', recipient)
          .where('like_time', '>', since)
          .limit(cap)
          .as('unread'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findCard(id: number): Promise<LikeCardRow | undefined> {
    return this.db.selectFrom('like_notices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async deleteCard(recipient: number, id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('like_notices')
      .where('id', '=', id)
      .where('recipient_mid', '=', recipient)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async setMuted(recipient: number, id: number, muted: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('like_notices')
      .set({ muted: muted ? 1 : 0 })
      .where('id', '=', id)
      .where('recipient_mid', '=', recipient)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * The `perCard` latest likers of each comment other than its author (`recipient`), in one statement
   * whose text does not depend on the number of cards: a LIMITed scan of `reply_votes_recent` per card.
   */
  async latestLikers(
    recipient: number,
    rpids: readonly number[],
    perCard: number,
  ): Promise<Map<number, Liker[]>> {
    const byRpid = new Map<number, Liker[]>();
    if (rpids.length === 0) return byRpid;
    const unique = [...new Set(rpids)];
    const query = this.postgres
      ? sql<{ rpid: number; mid: number; created_at: number }>`SELECT r.rpid, v.mid, v.created_at
          FROM unnest(${unique}::bigint[]) AS r(rpid) CROSS JOIN LATERAL (
            SELECT mid, created_at FROM reply_votes
            WHERE reply_votes.rpid = r.rpid AND value = ${VoteValue.Like} AND mid <> ${recipient}
            ORDER BY created_at DESC, mid DESC LIMIT ${perCard}) AS v`
      : sql<{ rpid: number; mid: number; created_at: number }>`SELECT v.rpid, v.mid, v.created_at
          FROM json_each(${JSON.stringify(unique)}) AS r, reply_votes AS v
          WHERE v.rpid = r.value AND v.mid IN (
            SELECT p.mid FROM reply_votes AS p
            WHERE p.rpid = r.value AND p.value = ${VoteValue.Like} AND p.mid <> ${recipient}
            ORDER BY p.created_at DESC, p.mid DESC LIMIT ${perCard})`;
    const { rows } = await query.execute(this.db);
    for (const row of rows) {
      const list = byRpid.get(Number(row.rpid)) ?? [];
      list.push({ mid: Number(row.mid), time: Number(row.created_at) });
      byRpid.set(Number(row.rpid), list);
    }
    for (const list of byRpid.values()) list.sort((a, b) => b.time - a.time || b.mid - a.mid);
    return byRpid;
  }

  /**
   * Everyone but the author who likes `rpid`, newest first: after the liker `afterMid` when given (keyset),
   * else from `offset`.
   */
  async likers(
    rpid: number,
    recipient: number,
    from: { afterMid: number } | { offset: number },
    limit: number,
  ): Promise<Liker[]> {
    let query = this.db
      .selectFrom('reply_votes')
      .select(['mid', 'created_at'])
      .where('rpid', '=', rpid)
      .where('value', '=', VoteValue.Like)
      .where('mid', '<>', recipient);
    if ('afterMid' in from) {
      const anchor = await this.db
        .selectFrom('reply_votes')
        .select('created_at')
        .where('rpid', '=', rpid)
        .where('mid', '=', from.afterMid)
        .where('value', '=', VoteValue.Like)
        .executeTakeFirst();
      if (!anchor) return [];
      const t = anchor.created_at;
      query = query
        .where('created_at', '<=', t)
        .where((eb) => eb.or([eb('created_at', '<', t), eb('mid', '<', from.afterMid)]));
    }
    query = query.orderBy('created_at', 'desc').orderBy('mid', 'desc').limit(limit);
    if ('offset' in from) query = query.offset(from.offset);
    const rows = await query.execute();
    return rows.map((r) => ({ mid: r.mid, time: r.created_at }));
  }

  // --- last views -----------------------------------------------------------------------------------

  async lastViews(mid: number): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('notice_views')
      .select(['feed', 'last_view_at'])
      .where('mid', '=', mid)
      .execute();
    return new Map(rows.map((r) => [r.feed, Number(r.last_view_at)]));
  }

  /**
   * Written only for a live account (`liveUserRow`): a feed read racing the account's deletion, from a
   * session another node still holds for a moment, leaves no mark behind.
   */
  async markViewed(mid: number, feed: NoticeFeed, now: number): Promise<void> {
    await insertForLiveUser(this.db, this.postgres, 'notice_views', mid, {
      feed: [feed, 'integer'],
      last_view_at: [now, 'bigint'],
    })
      .onConflict((oc) => oc.columns(['mid', 'feed']).doUpdateSet({ last_view_at: now }))
      .execute();
  }
}
