import type { Insertable, Kysely, Selectable } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';
import { FIRST_RPID } from '../migrations/2026-11-22-02-comments.ts';
import type { Database } from '../schema.ts';
import type { RepliesTable } from '../tables/comment.tables.ts';

export type ReplyRow = Selectable<RepliesTable>;
export type NewReply = Insertable<RepliesTable>;

export const ReplyState = { Visible: 0, Deleted: 1 } as const;
export const VoteValue = { Like: 1, Hate: 2 } as const;

/** The orders a list of level-1 comments can be asked for. */
export type RootOrder = 'time' | 'heat' | 'busy';

export interface AreaRef {
  type: number;
  oid: number;
}

/**
 * Comments and votes. Every list here is one index range scan of `(type, oid, root, state, …)` (see the
 * migration), never a scan of the area.
 */
export class ReplyRepository {
  private readonly postgres: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  // --- ids -----------------------------------------------------------------------------------------

  /**
   * The next rpid. PostgreSQL: a sequence (nodes never wait for each other). SQLite: max + 1 inside the
   * caller's write transaction; another process racing it fails on the primary key and the caller retries.
   */
  async nextRpid(): Promise<number> {
    if (this.postgres) {
      const { rows } = await sql<{ id: number }>`SELECT nextval('replies_rpid_seq') AS id`.execute(this.db);
      return Number(rows[0]!.id);
    }
    const row = await this.db
      .selectFrom('replies')
      .select((eb) => eb.fn.max('rpid').as('max'))
      .executeTakeFirst();
    return Math.max(Number(row?.max ?? 0) + 1, FIRST_RPID);
  }

  /**
   * Moves the PostgreSQL sequence past every stored rpid: rows inserted with explicit ids (an import, a
   * benchmark seed) would otherwise collide with the sequence forever.
   */
  async resyncRpidSequence(): Promise<void> {
    if (!this.postgres) return;
    await sql`SELECT setval('replies_rpid_seq', GREATEST((SELECT COALESCE(MAX(rpid), 0) FROM replies), ${FIRST_RPID}))`.execute(
      this.db,
    );
  }

  // --- single rows ---------------------------------------------------------------------------------

  async insert(row: NewReply): Promise<ReplyRow> {
    return this.db.insertInto('replies').values(row).returningAll().executeTakeFirstOrThrow();
  }

  find(rpid: number): Promise<ReplyRow | undefined> {
    return this.db.selectFrom('replies').selectAll().where('rpid', '=', rpid).executeTakeFirst();
  }

  async findMany(rpids: readonly number[]): Promise<Map<number, ReplyRow>> {
    if (rpids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('replies')
      .selectAll()
      .where('rpid', 'in', [...new Set(rpids)])
      .execute();
    return new Map(rows.map((r) => [r.rpid, r]));
  }

  findPinned(area: AreaRef): Promise<ReplyRow | undefined> {
    return this.db
      .selectFrom('replies')
      .selectAll()
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('pinned', '=', 1)
      .executeTakeFirst();
  }

  /** The same author posted the same text to the same place since `since` (the 12051 rule). */
  async hasRecentDuplicate(
    area: AreaRef,
    mid: number,
    parent: number,
    message: string,
    since: number,
  ): Promise<boolean> {
    const row = await this.db
      .selectFrom('replies')
      .select('rpid')
      .where('mid', '=', mid)
      .where('ctime', '>=', since)
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('parent', '=', parent)
      .where('state', '=', ReplyState.Visible)
      .where('message', '=', message)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  // --- counters (always inside the write's transaction) ---------------------------------------------

  /**
   * PostgreSQL writes a new level-1 comment and its area counters in ONE statement (`insertRoot`), atomic
   * without a transaction; SQLite writes them inside the caller's transaction.
   */
  get insertsRootAtomically(): boolean {
    return this.postgres;
  }

  /**
   * PostgreSQL only: counts the new level-1 comment in its area and inserts it with the floor the count
   * handed out and an rpid from the sequence, in one statement (three round trips fewer than
   * BEGIN / count / insert / COMMIT).
   */
  async insertRoot(
    area: AreaRef,
    row: { mid: number; message: string; plat: number; mentions: string; ctime: number },
  ): Promise<ReplyRow> {
    if (!this.postgres) throw new Error('insertRoot is PostgreSQL-only; SQLite uses countNewRoot + insert');
    // INSERT … SELECT does not type its parameters from the target columns: each is cast.
    const { rows } = await sql<ReplyRow>`WITH counted AS (
        UPDATE areas SET root_floor = root_floor + 1, root_count = root_count + 1, all_count = all_count + 1
        WHERE type = ${area.type} AND oid = ${area.oid}
        RETURNING root_floor
      )
      INSERT INTO replies (rpid, type, oid, mid, root, parent, dialog, floor, message, plat, mentions, ctime)
      SELECT nextval('replies_rpid_seq'), ${area.type}::integer, ${area.oid}::bigint, ${row.mid}::bigint, 0, 0, 0,
        counted.root_floor, ${row.message}::text, ${row.plat}::integer, ${row.mentions}::text, ${row.ctime}::bigint
      FROM counted
      RETURNING *`.execute(this.db);
    const inserted = rows[0];
    if (!inserted) throw new Error(`area ${area.type}/${area.oid} vanished while a comment was added to it`);
    return inserted;
  }

  /**
   * A new level-1 comment: returns its floor and its rpid. On PostgreSQL the rpid comes from the sequence
   * in the counter's own statement (one round trip less per comment); on SQLite it is max + 1, read after
   * this write took the database's write lock.
   */
  async countNewRoot(area: AreaRef): Promise<{ floor: number; rpid: number }> {
    const row = await this.db
      .updateTable('areas')
      .set((eb) => ({
        root_floor: eb('root_floor', '+', 1),
        root_count: eb('root_count', '+', 1),
        all_count: eb('all_count', '+', 1),
      }))
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .returning(['root_floor', this.sequenceRpid()])
      .executeTakeFirstOrThrow();
    return { floor: Number(row.root_floor), rpid: await this.allocatedRpid(row.next_rpid) };
  }

  /**
   * A new reply under a visible root: returns its floor and rpid (as countNewRoot), or null when the root
   * is gone (deleted since it was checked). `byOwner` records that the area owner replied in this thread.
   */
  async countNewReply(
    area: AreaRef,
    root: number,
    byOwner: boolean,
  ): Promise<{ floor: number; rpid: number } | null> {
    const row = await this.db
      .updateTable('replies')
      .set((eb) => ({
        rcount: eb('rcount', '+', 1),
        reply_total: eb('reply_total', '+', 1),
        ...(byOwner ? { up_reply: 1 } : {}),
      }))
      .where('rpid', '=', root)
      .where('state', '=', ReplyState.Visible)
      .returning(['reply_total', this.sequenceRpid()])
      .executeTakeFirst();
    if (!row) return null;
    await this.adjustAreaCounts(area, 0, 1);
    return { floor: row.reply_total, rpid: await this.allocatedRpid(row.next_rpid) };
  }

  /** `next_rpid` for a RETURNING list: the sequence's next value on PostgreSQL, NULL on SQLite. */
  private sequenceRpid() {
    return (this.postgres ? sql<number | null>`nextval('replies_rpid_seq')` : sql<number | null>`NULL`).as(
      'next_rpid',
    );
  }

  private async allocatedRpid(fromSequence: number | null): Promise<number> {
    return fromSequence === null ? this.nextRpid() : Number(fromSequence);
  }

  async adjustAreaCounts(area: AreaRef, rootDelta: number, allDelta: number): Promise<void> {
    await this.db
      .updateTable('areas')
      .set((eb) => ({
        root_count: eb('root_count', '+', rootDelta),
        all_count: eb('all_count', '+', allDelta),
      }))
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .execute();
  }

  async markUpReply(rpid: number): Promise<void> {
    await this.db.updateTable('replies').set({ up_reply: 1 }).where('rpid', '=', rpid).execute();
  }

  // --- votes ---------------------------------------------------------------------------------------

  /** Removes the user's vote of `value`; true when there was one. */
  async removeVote(rpid: number, mid: number, value: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('reply_votes')
      .where('rpid', '=', rpid)
      .where('mid', '=', mid)
      .where('value', '=', value)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Adds the user's vote; false when the user already has one (the primary key decides, not a read). */
  async addVote(rpid: number, mid: number, value: number, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('reply_votes')
      .values({ rpid, mid, value, created_at: now })
      .onConflict((oc) => oc.columns(['rpid', 'mid']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async adjustVotes(
    rpid: number,
    likeDelta: number,
    hateDelta: number,
    upLike: boolean | undefined,
  ): Promise<void> {
    if (likeDelta === 0 && hateDelta === 0 && upLike === undefined) return;
    await this.db
      .updateTable('replies')
      .set((eb) => ({
        like_count: eb('like_count', '+', likeDelta),
        hate_count: eb('hate_count', '+', hateDelta),
        ...(upLike === undefined ? {} : { up_like: upLike ? 1 : 0 }),
      }))
      .where('rpid', '=', rpid)
      .execute();
  }

  /** The viewer's votes on the given comments: rpid → 1 (like) / 2 (dislike). */
  async votesOf(mid: number, rpids: readonly number[]): Promise<Map<number, number>> {
    if (rpids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('reply_votes')
      .select(['rpid', 'value'])
      .where('mid', '=', mid)
      .where('rpid', 'in', [...new Set(rpids)])
      .execute();
    return new Map(rows.map((r) => [r.rpid, r.value]));
  }

  // --- deletion and pinning ------------------------------------------------------------------------

  /** Deletes one visible comment (and unpins it); false when it was not visible any more. */
  async markDeleted(rpid: number): Promise<boolean> {
    const result = await this.db
      .updateTable('replies')
      .set({ state: ReplyState.Deleted, pinned: 0 })
      .where('rpid', '=', rpid)
      .where('state', '=', ReplyState.Visible)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Hides every visible reply of a thread whose root was deleted; returns how many. */
  async markThreadDeleted(area: AreaRef, root: number): Promise<number> {
    const result = await this.db
      .updateTable('replies')
      .set({ state: ReplyState.Deleted })
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', root)
      .where('state', '=', ReplyState.Visible)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async adjustRcount(root: number, delta: number): Promise<void> {
    await this.db
      .updateTable('replies')
      .set((eb) => ({ rcount: eb('rcount', '+', delta) }))
      .where('rpid', '=', root)
      .execute();
  }

  /**
   * Pins or unpins; false when nothing changed. Only a visible comment is pinned, in the same statement, so
   * a delete racing the pin either comes first (no pin) or clears the pin itself.
   */
  async setPinned(rpid: number, pinned: boolean): Promise<boolean> {
    let query = this.db
      .updateTable('replies')
      .set({ pinned: pinned ? 1 : 0 })
      .where('rpid', '=', rpid);
    if (pinned) query = query.where('state', '=', ReplyState.Visible);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // --- lists ---------------------------------------------------------------------------------------

  /** One page of visible level-1 comments in page-number mode (OFFSET over the order's index). */
  listRoots(
    area: AreaRef,
    order: RootOrder,
    limit: number,
    offset: number,
    excludePinned: boolean,
  ): Promise<ReplyRow[]> {
    let query = this.db
      .selectFrom('replies')
      .selectAll()
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', 0)
      .where('state', '=', ReplyState.Visible);
    if (excludePinned) query = query.where('pinned', '=', 0);
    if (order === 'time') query = query.orderBy('floor', 'desc');
    else if (order === 'heat') query = query.orderBy('like_count', 'desc').orderBy('floor', 'asc');
    else query = query.orderBy('rcount', 'desc').orderBy('floor', 'asc');
    return query.limit(limit).offset(offset).execute();
  }

  /**
   * Level-1 comments by time, keyset on the floor: `forward` = older than `cursor` (newest first);
   * backward = newer than `cursor` (returned newest first as well). cursor 0 forward = from the newest.
   */
  async listRootsByFloor(
    area: AreaRef,
    cursor: number,
    forward: boolean,
    limit: number,
    excludePinned: boolean,
  ): Promise<ReplyRow[]> {
    let query = this.db
      .selectFrom('replies')
      .selectAll()
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', 0)
      .where('state', '=', ReplyState.Visible);
    if (excludePinned) query = query.where('pinned', '=', 0);
    if (forward) {
      if (cursor > 0) query = query.where('floor', '<', cursor);
      return query.orderBy('floor', 'desc').limit(limit).execute();
    }
    const rows = await query.where('floor', '>', cursor).orderBy('floor', 'asc').limit(limit).execute();
    return rows.reverse();
  }

  /** Replies under one root in reply order (page-number mode). */
  listReplies(area: AreaRef, root: number, limit: number, offset: number): Promise<ReplyRow[]> {
    return this.db
      .selectFrom('replies')
      .selectAll()
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', root)
      .where('state', '=', ReplyState.Visible)
      .orderBy('floor', 'asc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** Hot replies under one root (or hot level-1 comments with root 0). */
  listHot(area: AreaRef, root: number, limit: number, offset: number): Promise<ReplyRow[]> {
    return this.db
      .selectFrom('replies')
      .selectAll()
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', root)
      .where('state', '=', ReplyState.Visible)
      .orderBy('like_count', 'desc')
      .orderBy('floor', 'asc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** Level-1 comments with at least `minLikes` likes, most liked first (the `hots` section). */
  listLiked(area: AreaRef, minLikes: number, limit: number): Promise<ReplyRow[]> {
    return this.db
      .selectFrom('replies')
      .selectAll()
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', 0)
      .where('state', '=', ReplyState.Visible)
      .where('like_count', '>=', minLikes)
      .orderBy('like_count', 'desc')
      .orderBy('floor', 'asc')
      .limit(limit)
      .execute();
  }

  /** One conversation thread after `minFloor`, in floor order. */
  listDialog(
    area: AreaRef,
    root: number,
    dialog: number,
    minFloor: number,
    limit: number,
  ): Promise<ReplyRow[]> {
    return this.db
      .selectFrom('replies')
      .selectAll()
      .where('dialog', '=', dialog)
      .where('state', '=', ReplyState.Visible)
      .where('floor', '>', minFloor)
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', root)
      .orderBy('floor', 'asc')
      .limit(limit)
      .execute();
  }

  /** Lowest and highest visible floor of a thread (two index probes via min/max). */
  async dialogRange(dialog: number): Promise<{ min: number; max: number }> {
    const row = await this.db
      .selectFrom('replies')
      .select((eb) => [eb.fn.min('floor').as('min'), eb.fn.max('floor').as('max')])
      .where('dialog', '=', dialog)
      .where('state', '=', ReplyState.Visible)
      .executeTakeFirst();
    return { min: Number(row?.min ?? 0), max: Number(row?.max ?? 0) };
  }

  /**
   * The preview replies of several roots, `perRoot` each by heat, in ONE statement whose text does not
   * depend on the number of roots (PostgreSQL plans it once per connection instead of once per page): a
   * LIMITed scan of the heat index per root, driven by the list of roots. PostgreSQL: a lateral join
   * over `unnest($roots)`; SQLite: `json_each($roots)` with a correlated `rpid IN (… LIMIT n)`. (A window
   * function over the roots' replies would read every reply of a busy thread; this reads at most
   * `perRoot` rows per root.)
   */
  async previews(area: AreaRef, roots: readonly number[], perRoot: number): Promise<Map<number, ReplyRow[]>> {
    const byRoot = new Map<number, ReplyRow[]>();
    if (roots.length === 0) return byRoot;
    const unique = [...new Set(roots)];
    const query = this.postgres
      ? sql<ReplyRow>`SELECT p.* FROM unnest(${unique}::bigint[]) AS r(root) CROSS JOIN LATERAL (
          SELECT * FROM replies
          WHERE replies.type = ${area.type} AND replies.oid = ${area.oid} AND replies.root = r.root
            AND replies.state = ${ReplyState.Visible}
          ORDER BY like_count DESC, floor ASC LIMIT ${perRoot}) AS p`
      : sql<ReplyRow>`SELECT replies.* FROM json_each(${JSON.stringify(unique)}) AS r, replies
          WHERE replies.rpid IN (
            SELECT p.rpid FROM replies AS p
            WHERE p.type = ${area.type} AND p.oid = ${area.oid} AND p.root = r.value AND p.state = ${ReplyState.Visible}
            ORDER BY p.like_count DESC, p.floor ASC LIMIT ${perRoot})`;
    const { rows } = await query.execute(this.db);
    for (const row of rows) {
      const list = byRoot.get(row.root) ?? [];
      list.push(row);
      byRoot.set(row.root, list);
    }
    // Neither form promises the LIMITed scan's order in its result.
    for (const list of byRoot.values()) list.sort((a, b) => b.like_count - a.like_count || a.floor - b.floor);
    return byRoot;
  }
}
