import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../database.ts';
import type { Database } from '../schema.ts';
import type { Repositories } from '../store.ts';
import { WriteBatcher } from '../write-batcher.ts';
import type { WriteBatcherOptions } from '../write-batcher.ts';
import { ReplyState } from '../../domain/reply-state.ts';
import { NoticeKind } from './notice.repository.ts';
import type { NoticeTarget } from './notice.repository.ts';
import { OutboxRepository } from './outbox.repository.ts';
import type { CausedEvent } from './outbox.repository.ts';
import { DEDUPE_PRUNE_BATCH, FIRST_RPID } from './reply.repository.ts';
import type { AreaRef, DuplicateClaim, NewCommentFields, ReplyRow } from './reply.repository.ts';

/** A new comment as reply/add placed it; its rpid, floor (and a level-2 reply's dialog) come from the insert. */
export interface NewComment extends NewCommentFields {
  area: AreaRef;
  /** 1 level-1 comment, 2 reply to a root, 3 reply to a reply. */
  level: 1 | 2 | 3;
  /** Level 3: the thread it joins (a level-2 reply opens its own, a level-1 comment has none). */
  dialog: number;
}

/** What a new comment writes besides itself: its duplicate claim, notices and outbox events. */
export interface CommentEffects {
  claim: DuplicateClaim | undefined;
  /** A Reply notice answers `parent` (none for a level-1 comment's), an At notice nothing. */
  notices: readonly NoticeTarget[];
  /** Payloads are JSON objects without `rpid` and `floor`, which the insert adds. */
  events: readonly CausedEvent[];
}

/** 'duplicate': the claim found the key taken (12051); 'root-gone': the thread's root was deleted (12006). */
export type CommentOutcome = ReplyRow | 'duplicate' | 'root-gone';

/**
 * The write of reply/add (DESIGN.md §4, §5): claims the duplicate key first (so a duplicate counts
 * nothing and every add locks its key before the area and thread rows), counts the comment in its thread
 * and area, inserts it, writes its notices and outbox events, all in one transaction; nothing of an add
 * that is a duplicate or whose root is gone is kept. It differs by database: SQLite group-commits the adds
 * of one moment in one transaction (each in a savepoint) of prepared statements; PostgreSQL runs each add
 * alone and writes a level-1 comment with everything it causes in ONE statement. Either way an rpid
 * collision (another SQLite process; on PostgreSQL rows imported with explicit ids behind the sequence)
 * rolls the add back and runs it again, up to five times.
 */
export interface CommentInserts {
  add(comment: NewComment, effects: CommentEffects): Promise<CommentOutcome>;
}

const ATTEMPTS = 5;

async function retryingCollision<T>(insert: () => Promise<T>, beforeRetry: () => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insert();
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= ATTEMPTS) throw error;
      await beforeRetry();
    }
  }
}

/** The notice rows of a comment once it has its rpid. */
function noticeRows(comment: NewComment, rpid: number, notices: readonly NoticeTarget[]) {
  return notices.map((n) => ({
    recipient_mid: n.recipient,
    kind: n.kind,
    time: comment.ctime,
    actor_mid: comment.mid,
    type: comment.area.type,
    oid: comment.area.oid,
    root: comment.root,
    source_rpid: rpid,
    target_rpid: n.kind === NoticeKind.Reply ? comment.parent : 0,
  }));
}

/** The event's payload object with the ids the insert handed out appended to its text. */
function eventPayload(payload: string, rpid: number, floor: number): string {
  return `${payload.slice(0, -1)},"rpid":${rpid},"floor":${floor}}`;
}

// --- SQLite ------------------------------------------------------------------------------------------

interface SqliteUnit {
  comment: NewComment;
  effects: CommentEffects;
  outcome: CommentOutcome | undefined;
  error: unknown;
}

/** Thrown inside an add's savepoint or transaction to roll back what it wrote, with its outcome. */
class RolledBack extends Error {
  constructor(readonly outcome: 'duplicate' | 'root-gone') {
    super(outcome);
  }
}

/**
 * Adds of one moment share one COMMIT (its fsync is what limits comment throughput on SQLite), and are
 * written by prepared statements in one synchronous transaction: this is the hottest write of the
 * service, where building Kysely's query trees and awaiting each statement cost several times SQLite's
 * own work. Units run one after another, each in its own SAVEPOINT (better-sqlite3's nested
 * transaction), so each sees the writes of those before it (rpid = max + 1 and the counters stay
 * exact); a unit that fails is rolled back alone and its caller gets its error; every caller's promise
 * settles only after the shared COMMIT, and a failed COMMIT fails every unit of the group.
 */
export class SqliteCommentInserts implements CommentInserts {
  private readonly batcher: WriteBatcher<SqliteUnit>;
  private statements: ReturnType<SqliteCommentInserts['prepare']> | null = null;

  constructor(
    private readonly sqlite: SQLite.Database,
    /** Kysely over the same connection: its lock keeps a Kysely transaction and a group apart. */
    private readonly db: Kysely<Database>,
    groupCommit: WriteBatcherOptions,
  ) {
    this.batcher = new WriteBatcher<SqliteUnit>((units) => this.runGroup(units), groupCommit);
  }

  add(comment: NewComment, effects: CommentEffects): Promise<CommentOutcome> {
    // The rpid is max + 1 read inside the transaction: a retry reads the new maximum.
    return retryingCollision(
      async () => {
        const unit: SqliteUnit = { comment, effects, outcome: undefined, error: undefined };
        await this.batcher.enqueue(unit);
        if (unit.outcome === undefined) throw unit.error;
        return unit.outcome;
      },
      () => Promise.resolve(),
    );
  }

  /** Runs what is gathered now and waits for it; new adds are still accepted. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  /** Runs what is gathered and refuses new adds (before the database closes). */
  close(): Promise<void> {
    return this.batcher.close();
  }

  private async runGroup(units: SqliteUnit[]): Promise<void> {
    const s = (this.statements ??= this.prepare());
    // Holding Kysely's connection: a synchronous transaction started while a Kysely transaction awaits
    // between its statements would otherwise become a savepoint of that one (and commit or roll back
    // with it).
    await this.db.connection().execute(() => {
      try {
        s.group(units);
      } catch (error) {
        // The COMMIT (or BEGIN) failed: nothing of the group is acknowledged.
        for (const unit of units) {
          unit.outcome = undefined;
          unit.error = error;
        }
      }
      return Promise.resolve();
    });
  }

  // Prepared on first use, not in the constructor: services may be built before migrations have run.
  private prepare() {
    const db = this.sqlite;
    const claim = db.prepare<[number, number, number, number, string, number, number]>(
      `INSERT INTO reply_dedupe (mid, type, oid, parent, digest, ctime) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (mid, type, oid, parent, digest) DO UPDATE SET ctime = excluded.ctime
       WHERE reply_dedupe.ctime < ?`,
    );
    // After the claim, so the claimed row (now fresh) is never among the pruned ones.
    const prune = db.prepare<[number, number]>(
      `DELETE FROM reply_dedupe WHERE rowid IN (
         SELECT rowid FROM reply_dedupe WHERE ctime < ? ORDER BY ctime LIMIT ?)`,
    );
    const countRoot = db.prepare<[number, number], { root_floor: number }>(
      `UPDATE areas SET root_floor = root_floor + 1, root_count = root_count + 1, all_count = all_count + 1
       WHERE type = ? AND oid = ? RETURNING root_floor`,
    );
    const countReply = db.prepare<[number, number], { reply_total: number }>(
      `UPDATE replies SET rcount = rcount + 1, reply_total = reply_total + 1
       WHERE rpid = ? AND state = ? RETURNING reply_total`,
    );
    const countOwnerReply = db.prepare<[number, number], { reply_total: number }>(
      `UPDATE replies SET rcount = rcount + 1, reply_total = reply_total + 1, up_reply = 1
       WHERE rpid = ? AND state = ? RETURNING reply_total`,
    );
    const countAreaReply = db.prepare<[number, number]>(
      'UPDATE areas SET all_count = all_count + 1 WHERE type = ? AND oid = ?',
    );
    const markUpReply = db.prepare<[number]>('UPDATE replies SET up_reply = 1 WHERE rpid = ?');
    const maxRpid = db.prepare<[], { max: number | null }>('SELECT max(rpid) AS max FROM replies');
    const insert = db.prepare<
      [number, number, number, number, number, number, number, number, string, number, string, number],
      ReplyRow
    >(
      `INSERT INTO replies (rpid, type, oid, mid, root, parent, dialog, floor, message, plat, mentions, ctime)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    // A deleted account gets no notices (its inbox was erased with it: docs/api/accounts.md).
    const notice = db.prepare<[number, number, number, number, number, number, number, number, number]>(
      `INSERT INTO notices (recipient_mid, kind, time, actor_mid, type, oid, root, source_rpid, target_rpid)
       SELECT * FROM (SELECT ? AS recipient_mid, ?, ?, ?, ?, ?, ?, ?, ?) AS n
       WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.mid = n.recipient_mid AND u.deleted = 1)`,
    );
    const event = db.prepare(OutboxRepository.SQLITE_INSERT);

    /** One add, inside the group's transaction; throws RolledBack to undo its writes. */
    const write = (unit: SqliteUnit): ReplyRow => {
      const { comment: c, effects } = unit;
      const { area } = c;
      if (effects.claim) {
        const { key, windowSeconds } = effects.claim;
        const since = c.ctime - windowSeconds;
        if (claim.run(key.mid, key.type, key.oid, key.parent, key.digest, c.ctime, since).changes === 0) {
          throw new RolledBack('duplicate');
        }
        prune.run(since, DEDUPE_PRUNE_BATCH);
      }
      let floor: number;
      if (c.level === 1) {
        const counted = countRoot.get(area.type, area.oid);
        if (!counted)
          throw new Error(`area ${area.type}/${area.oid} vanished while a comment was added to it`);
        floor = counted.root_floor;
      } else {
        // The owner's reply records on its root that the owner replied in this thread.
        const counted = (c.byOwner ? countOwnerReply : countReply).get(c.root, ReplyState.Visible);
        if (!counted) {
          throw new RolledBack('root-gone');
        }
        floor = counted.reply_total;
        countAreaReply.run(area.type, area.oid);
      }
      const rpid = Math.max(Number(maxRpid.get()?.max ?? 0) + 1, FIRST_RPID);
      // An owner's deep reply also marks the reply it answers.
      if (c.level === 3 && c.byOwner) markUpReply.run(c.parent);
      const dialog = c.level === 2 ? rpid : c.dialog;
      const row = insert.get(
        rpid,
        area.type,
        area.oid,
        c.mid,
        c.root,
        c.parent,
        dialog,
        floor,
        c.message,
        c.plat,
        c.mentions,
        c.ctime,
      )!;
      for (const n of noticeRows(c, rpid, effects.notices)) {
        notice.run(
          n.recipient_mid,
          n.kind,
          n.time,
          n.actor_mid,
          n.type,
          n.oid,
          n.root,
          n.source_rpid,
          n.target_rpid,
        );
      }
      for (const e of effects.events) {
        event.run({
          event_id: e.event_id,
          type: e.type,
          time: c.ctime,
          payload: eventPayload(e.payload, rpid, floor),
        });
      }
      return row;
    };

    // Nested in the group's transaction, better-sqlite3 runs this in a SAVEPOINT.
    const savepoint = db.transaction(write);
    const group = db.transaction((units: SqliteUnit[]) => {
      for (const unit of units) {
        try {
          unit.outcome = savepoint(unit);
        } catch (error) {
          if (error instanceof RolledBack) unit.outcome = error.outcome;
          else unit.error = error;
        }
      }
    });
    return { group: (units: SqliteUnit[]) => group.immediate(units) };
  }
}

// --- PostgreSQL --------------------------------------------------------------------------------------

/** Each add alone (PostgreSQL groups commits itself); a level-1 comment in one statement. */
export class PostgresCommentInserts implements CommentInserts {
  constructor(
    private readonly repositories: Repositories,
    private readonly transaction: <T>(work: (tx: Repositories) => Promise<T>) => Promise<T>,
  ) {}

  add(comment: NewComment, effects: CommentEffects): Promise<CommentOutcome> {
    const replies = this.repositories.replies;
    if (comment.level === 1) {
      return retryingCollision(
        () => replies.insertRoot(comment.area, comment, effects.claim, effects.notices, effects.events),
        () => replies.resyncRpidSequence(),
      );
    }
    // In a transaction: a claim written before the root turned out to be gone is rolled back with it.
    const reply = async (tx: Repositories): Promise<ReplyRow> => {
      const outcome = await tx.replies.insertReply(
        comment.area,
        { ...comment, dialog: comment.level === 3 ? comment.dialog : null },
        effects.claim,
        effects.notices,
        effects.events,
      );
      if (typeof outcome === 'string') throw new RolledBack(outcome);
      return outcome;
    };
    return retryingCollision(
      async () => {
        try {
          return await this.transaction(reply);
        } catch (error) {
          if (error instanceof RolledBack) return error.outcome;
          throw error;
        }
      },
      () => replies.resyncRpidSequence(),
    );
  }
}
