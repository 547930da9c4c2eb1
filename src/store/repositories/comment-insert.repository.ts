import { isUniqueViolation } from '../database.ts';
import type { GroupTransactions } from '../group-transaction.ts';
import type { Repositories } from '../store.ts';
import type { NoticeTarget } from './notice.repository.ts';
import type { AreaRef, DuplicateClaim, ReplyRepository, ReplyRow } from './reply.repository.ts';

/** A new level-1 comment's own fields (its rpid and floor are handed out by the insert). */
export interface NewRootComment {
  mid: number;
  message: string;
  plat: number;
  mentions: string;
  ctime: number;
}

/** What a new level-1 comment writes besides itself: its duplicate claim, notices and outbox events. */
export interface RootEffects {
  claim: DuplicateClaim | undefined;
  notices: readonly NoticeTarget[];
  events: readonly { event_id: string; type: string; payload: string }[];
}

/** The add's transaction body: claims the duplicate key, counts, inserts, writes notices and events. */
export type CommentWork = (tx: Repositories) => Promise<ReplyRow>;

/**
 * The write of reply/add (DESIGN.md §4, §5), which differs by database: SQLite group-commits the adds of
 * one moment in one transaction (each in a savepoint), PostgreSQL runs each add alone and writes a
 * level-1 comment with everything it causes in ONE statement. Either way an rpid collision (another
 * SQLite process; on PostgreSQL rows imported with explicit ids behind the sequence) rolls the add back
 * and runs it again, up to five times.
 */
export interface CommentInserts {
  /**
   * A new level-1 comment: `inTransaction` where the database writes it in a transaction, or one
   * statement from `comment` and `effects`; 'duplicate' when that statement found the key claimed.
   */
  root(
    area: AreaRef,
    comment: NewRootComment,
    effects: RootEffects,
    inTransaction: CommentWork,
  ): Promise<ReplyRow | 'duplicate'>;
  /** A reply in a thread: `work` in the add's transaction. */
  reply(work: CommentWork): Promise<ReplyRow>;
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

/** Adds of one moment share one COMMIT (its fsync is what limits comment throughput on SQLite). */
export class SqliteCommentInserts implements CommentInserts {
  constructor(private readonly group: GroupTransactions) {}

  root(_area: AreaRef, _comment: NewRootComment, _effects: RootEffects, inTransaction: CommentWork) {
    return this.reply(inTransaction);
  }

  reply(work: CommentWork): Promise<ReplyRow> {
    // The rpid is max + 1 read inside the transaction: a retry reads the new maximum.
    return retryingCollision(
      () => this.group.run(work),
      () => Promise.resolve(),
    );
  }
}

/** Each add alone (PostgreSQL groups commits itself); a level-1 comment in one statement. */
export class PostgresCommentInserts implements CommentInserts {
  constructor(
    private readonly replies: ReplyRepository,
    private readonly transaction: (work: CommentWork) => Promise<ReplyRow>,
  ) {}

  root(area: AreaRef, comment: NewRootComment, effects: RootEffects): Promise<ReplyRow | 'duplicate'> {
    return retryingCollision(
      () => this.replies.insertRoot(area, comment, effects.claim, effects.notices, effects.events),
      () => this.replies.resyncRpidSequence(),
    );
  }

  reply(work: CommentWork): Promise<ReplyRow> {
    return retryingCollision(
      () => this.transaction(work),
      () => this.replies.resyncRpidSequence(),
    );
  }
}
