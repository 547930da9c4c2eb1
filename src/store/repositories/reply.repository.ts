import { createHash } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { isUniqueViolation } from '../database.ts';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import type { RepliesTable } from '../tables/comment.tables.ts';
import { NoticeRepository } from './notice.repository.ts';
import type { NoticeTarget } from './notice.repository.ts';
import { OutboxRepository } from './outbox.repository.ts';
import type { CausedEvent } from './outbox.repository.ts';
import { ReplyState } from '../../domain/reply-state.ts';

/**
 * The first rpid handed out: real rpids are around 1e11 (CONTRACT.md §2.1). The comments migration keeps
 * its own frozen copy, where PostgreSQL's sequence starts.
 */
export const FIRST_RPID = 100_000_000_001;

export type ReplyRow = Selectable<RepliesTable>;
export type NewReply = Insertable<RepliesTable>;

export { ReplyState, VoteValue } from '../../domain/reply-state.ts';

/** The orders a list of level-1 comments can be asked for. */
export type RootOrder = 'time' | 'heat' | 'busy';

export interface AreaRef {
  type: number;
  oid: number;
}

/** What the duplicate rule (12051) compares: author, area, parent, and the stored message by digest. */
export interface DuplicateKey {
  mid: number;
  type: number;
  oid: number;
  parent: number;
  digest: string;
}

export function duplicateKey(area: AreaRef, mid: number, parent: number, message: string): DuplicateKey {
  // Must stay the digest the reply-dedupe migration filled the table with.
  const digest = createHash('sha256').update(message).digest('base64url');
  return { mid, type: area.type, oid: area.oid, parent, digest };
}

/** A claim of a duplicate key inside an add: the key, and how long a claim lasts. */
export interface DuplicateClaim {
  key: DuplicateKey;
  windowSeconds: number;
}

/** A new comment's own columns as its add gives them; rpid, floor and dialog come from the insert. */
export interface NewCommentFields {
  /** 0 for a level-1 comment. */
  root: number;
  /** 0 for a level-1 comment. */
  parent: number;
  /** Posted by the area owner: the thread's root (and a level-3 parent) records that the owner replied. */
  byOwner: boolean;
  mid: number;
  message: string;
  plat: number;
  mentions: string;
  ctime: number;
}

/** Expired claims deleted per accepted comment: bounded work, and more than the one row each adds. */
export const DEDUPE_PRUNE_BATCH = 8;

/**
 * Comments and votes. Every list here is one index range scan of `(type, oid, root, state, …)` (see the
 * migration), never a scan of the area.
 */
export class ReplyRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
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
   * benchmark seed) would otherwise collide with the sequence forever. The next rpid is the one SQLite's
   * `nextRpid` gives (max + 1, or FIRST_RPID while every stored rpid is below it), but not back over the
   * rpids the sequence has given already: another node's transaction may hold one, not yet committed. (A
   * `nextval` between this statement's read of the sequence and its `setval` can still be given again;
   * the second insert then fails on the primary key and is retried, as any collision here is.)
   */
  async resyncRpidSequence(): Promise<void> {
    if (!this.postgres) return;
    await sql`SELECT setval('replies_rpid_seq', GREATEST(COALESCE(m + 1, ${FIRST_RPID}), ${FIRST_RPID},
        (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM replies_rpid_seq)), false)
      FROM (SELECT MAX(rpid) AS m FROM replies) stored`.execute(this.db);
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

  // --- the duplicate rule (12051) --------------------------------------------------------------------

  /**
   * The key was claimed at `since` or later: a read-only early answer, so a duplicate sent after the
   * first one committed costs one primary-key lookup and no rate-limit point. The claim inside the add
   * (CommentInserts) decides.
   */
  async hasRecentDuplicate(key: DuplicateKey, since: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('reply_dedupe')
      .select('ctime')
      .where('mid', '=', key.mid)
      .where('type', '=', key.type)
      .where('oid', '=', key.oid)
      .where('parent', '=', key.parent)
      .where('digest', '=', key.digest)
      .where('ctime', '>=', since)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * A deleted comment stops counting as a duplicate (as the rule read only visible comments before the
   * claims existed): its claim goes, unless a later post of the same text has claimed the key since.
   */
  async releaseDuplicate(key: DuplicateKey, ctime: number): Promise<void> {
    await this.db
      .deleteFrom('reply_dedupe')
      .where('mid', '=', key.mid)
      .where('type', '=', key.type)
      .where('oid', '=', key.oid)
      .where('parent', '=', key.parent)
      .where('digest', '=', key.digest)
      .where('ctime', '=', ctime)
      .execute();
  }

  /**
   * PostgreSQL: the CTEs `pruned` (up to DEDUPE_PRUNE_BATCH expired claims of other keys, skipping rows
   * another transaction holds) and `claimed` (one row when the claim was written), for one statement.
   */
  private pruneAndClaim({ key, windowSeconds }: DuplicateClaim, now: number) {
    return sql`pruned AS (
        DELETE FROM reply_dedupe WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM reply_dedupe
          WHERE ctime < ${now - windowSeconds}::bigint
            AND NOT (mid = ${key.mid}::bigint AND type = ${key.type}::integer AND oid = ${key.oid}::bigint
              AND parent = ${key.parent}::bigint AND digest = ${key.digest}::text)
          ORDER BY ctime LIMIT ${DEDUPE_PRUNE_BATCH} FOR UPDATE SKIP LOCKED))
      ),
      claimed AS (
        INSERT INTO reply_dedupe (mid, type, oid, parent, digest, ctime)
        VALUES (${key.mid}::bigint, ${key.type}::integer, ${key.oid}::bigint, ${key.parent}::bigint,
          ${key.digest}::text, ${now}::bigint)
        ON CONFLICT (mid, type, oid, parent, digest) DO UPDATE SET ctime = excluded.ctime
        WHERE reply_dedupe.ctime < excluded.ctime - ${windowSeconds}::bigint
        RETURNING 1
      )`;
  }

  // --- counters (always inside the write's transaction) ---------------------------------------------

  /**
   * PostgreSQL only: counts the new level-1 comment in its area and inserts it with the floor the count
   * handed out and an rpid from the sequence, in one statement (three round trips fewer than
   * BEGIN / count / insert / COMMIT). With a `claim`, the duplicate key is claimed in the same statement
   * and nothing is counted or inserted unless the claim was written: 'duplicate'. The `notices` the
   * comment causes are written by the same statement.
   */
  async insertRoot(
    area: AreaRef,
    row: Pick<NewCommentFields, 'mid' | 'message' | 'plat' | 'mentions' | 'ctime'>,
    claim?: DuplicateClaim,
    notices: readonly NoticeTarget[] = [],
    events: readonly CausedEvent[] = [],
  ): Promise<ReplyRow | 'duplicate'> {
    if (!this.postgres) throw new Error('insertRoot is PostgreSQL-only (PostgresCommentInserts)');
    // INSERT … SELECT does not type its parameters from the target columns: each is cast.
    const caused = notices.length > 0 || events.length > 0;
    const { rows } = await sql<ReplyRow>`WITH ${claim ? sql`${this.pruneAndClaim(claim, row.ctime)},` : sql``}
      counted AS (
        UPDATE areas SET root_floor = root_floor + 1, root_count = root_count + 1, all_count = all_count + 1
        WHERE type = ${area.type} AND oid = ${area.oid}${claim ? sql` AND EXISTS (SELECT 1 FROM claimed)` : sql``}
        RETURNING root_floor
      )
      ${caused ? sql`, inserted AS (` : sql``}
      INSERT INTO replies (rpid, type, oid, mid, root, parent, dialog, floor, message, plat, mentions, ctime)
      SELECT nextval('replies_rpid_seq'), ${area.type}::integer, ${area.oid}::bigint, ${row.mid}::bigint, 0, 0, 0,
        counted.root_floor, ${row.message}::text, ${row.plat}::integer, ${row.mentions}::text, ${row.ctime}::bigint
      FROM counted
      RETURNING *${
        // The notices and outbox events it causes are data-modifying CTEs of the same statement (DESIGN.md §9).
        caused
          ? sql`)${notices.length > 0 ? sql`, noticed AS (${NoticeRepository.insertFromInserted(notices)})` : sql``}${sql.join(
              events.map(
                (e, i) => sql`, ${sql.raw(`event_${i}`)} AS (${OutboxRepository.insertFromInserted(e)})`,
              ),
              sql``,
            )}
      SELECT * FROM inserted`
          : sql``
      }`.execute(this.db);
    const inserted = rows[0];
    if (inserted) return inserted;
    const exists = await this.db
      .selectFrom('areas')
      .select('oid')
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .executeTakeFirst();
    if (claim && exists) return 'duplicate';
    throw new Error(`area ${area.type}/${area.oid} vanished while a comment was added to it`);
  }

  /**
   * PostgreSQL only: a reply under a visible root in one statement (inside the caller's transaction, which
   * rolls the claim back when nothing was inserted): claims the duplicate key, counts the reply in its
   * root (also recording an owner's reply there) and its area, marks the answered reply of an owner's
   * deep reply, inserts it with the floor the count handed out and an rpid from the sequence, and writes
   * its notices and outbox events. The rows are locked in the order of the transaction this replaces:
   * claim, root, area, parent. 'duplicate' when the key was taken, 'root-gone' when the root is not
   * visible any more.
   */
  async insertReply(
    area: AreaRef,
    row: NewCommentFields & {
      /** The dialog of a level-3 reply; null: a level-2 reply, whose dialog is its own rpid. */
      dialog: number | null;
    },
    claim: DuplicateClaim | undefined,
    notices: readonly NoticeTarget[],
    events: readonly CausedEvent[],
  ): Promise<ReplyRow | 'duplicate' | 'root-gone'> {
    if (!this.postgres) throw new Error('insertReply is PostgreSQL-only (PostgresCommentInserts)');
    const markParent = row.byOwner && row.dialog !== null;
    const { rows } = await sql<
      ReplyRow & { claim_taken: boolean }
    >`WITH ${claim ? sql`${this.pruneAndClaim(claim, row.ctime)},` : sql``}
      counted AS (
        UPDATE replies SET rcount = rcount + 1, reply_total = reply_total + 1${row.byOwner ? sql`, up_reply = 1` : sql``}
        WHERE rpid = ${row.root}::bigint AND state = ${ReplyState.Visible}${claim ? sql` AND EXISTS (SELECT 1 FROM claimed)` : sql``}
        RETURNING reply_total, nextval('replies_rpid_seq') AS rpid
      ),
      area_counted AS (
        UPDATE areas SET all_count = all_count + 1
        WHERE type = ${area.type} AND oid = ${area.oid} AND EXISTS (SELECT 1 FROM counted)
        RETURNING 1
      ),
      ${markParent ? sql`marked AS (UPDATE replies SET up_reply = 1 WHERE rpid = ${row.parent}::bigint AND EXISTS (SELECT 1 FROM area_counted) RETURNING 1),` : sql``}
      inserted AS (
        INSERT INTO replies (rpid, type, oid, mid, root, parent, dialog, floor, message, plat, mentions, ctime)
        SELECT counted.rpid, ${area.type}::integer, ${area.oid}::bigint, ${row.mid}::bigint, ${row.root}::bigint,
          ${row.parent}::bigint, ${row.dialog === null ? sql`counted.rpid` : sql`${row.dialog}::bigint`},
          counted.reply_total, ${row.message}::text, ${row.plat}::integer, ${row.mentions}::text, ${row.ctime}::bigint
        FROM counted
        RETURNING *
      )${notices.length > 0 ? sql`, noticed AS (${NoticeRepository.insertFromInserted(notices)})` : sql``}${sql.join(
        events.map((e, i) => sql`, ${sql.raw(`event_${i}`)} AS (${OutboxRepository.insertFromInserted(e)})`),
        sql``,
      )}
      SELECT inserted.*, ${claim ? sql`NOT EXISTS (SELECT 1 FROM claimed)` : sql`false`} AS claim_taken
      FROM (SELECT 1) AS one LEFT JOIN inserted ON true`.execute(this.db);
    const result = rows[0]!;
    if (result.rpid === null) return result.claim_taken ? 'duplicate' : 'root-gone';
    const { claim_taken: _taken, ...inserted } = result;
    return inserted;
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
  /**
   * Pins a visible comment: 'not-found' when it is no longer visible, 'taken' when the area's one pin
   * (a unique index) went to another comment first, e.g. on another node between a check and this write.
   * Outside a transaction only (the refused statement would abort one on PostgreSQL).
   */
  async pin(rpid: number): Promise<'pinned' | 'not-found' | 'taken'> {
    try {
      return (await this.setPinned(rpid, true)) ? 'pinned' : 'not-found';
    } catch (error) {
      if (isUniqueViolation(error)) return 'taken';
      throw error;
    }
  }

  /** Sets or clears the flag; pinning a second comment of an area throws (its unique index). */
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

  /** Visible, unpinned level-1 comments newer than `floor`: how many come before it in time order. */
  async countRootsAfter(area: AreaRef, floor: number): Promise<number> {
    const row = await this.db
      .selectFrom('replies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', area.type)
      .where('oid', '=', area.oid)
      .where('root', '=', 0)
      .where('state', '=', ReplyState.Visible)
      .where('floor', '>', floor)
      .where('pinned', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
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
