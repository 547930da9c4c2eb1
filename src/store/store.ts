import type { Kysely } from 'kysely';
import type { CommentSource, ImportPlan } from '../domain/comment-import.ts';
import type { CommentImportOptions, CommentImportResult } from './dump/comment-import.ts';
import { writeCommentImport } from './dump/comment-import.ts';
import type { DumpHeader, DumpProgress, ImportOptions, ImportResult } from './dump/dump.ts';
import { exportDump, importDump } from './dump/dump.ts';
import type { DbHandle, Dialect } from './database.ts';
import { isUniqueViolation } from './database.ts';
import { isStaleStatement } from './pg-statement-names.ts';
import { MemoryRateLimits, PostgresRateLimits } from './rate-limits.ts';
import type { RateLimitStorage } from './rate-limits.ts';
import { PostgresCommentInserts, SqliteCommentInserts } from './repositories/comment-insert.repository.ts';
import type { CommentInserts } from './repositories/comment-insert.repository.ts';
import { createWatchBatchWriter } from './repositories/watch-batch.repository.ts';
import type { WatchWrite } from './repositories/watch-batch.repository.ts';
import { ToolkitStateStore } from './toolkit/toolkit-state.store.ts';
import { ToolkitSharedStore } from './toolkit/toolkit-shared.store.ts';
import { WriteBatcher } from './write-batcher.ts';
import type { WriteBatcherOptions } from './write-batcher.ts';
import { AccountRepository } from './repositories/account.repository.ts';
import { AdminListRepository } from './repositories/admin-list.repository.ts';
import { ArchiveRepository } from './repositories/archive.repository.ts';
import { AreaRepository } from './repositories/area.repository.ts';
import { ChangeVersionRepository } from './repositories/change-version.repository.ts';
import { DeviceRepository } from './repositories/device.repository.ts';
import { EmoteRepository } from './repositories/emote.repository.ts';
import { HistoryRepository } from './repositories/history.repository.ts';
import { NoticeRepository } from './repositories/notice.repository.ts';
import { OnlineRepository } from './repositories/online.repository.ts';
import { OutboxRepository } from './repositories/outbox.repository.ts';
import { HistorySearchRepository } from './repositories/history-search.repository.ts';
import { ToviewRepository } from './repositories/toview.repository.ts';
import { QrLoginRepository } from './repositories/qr-login.repository.ts';
import { ReplyReportRepository } from './repositories/reply-report.repository.ts';
import { ReplyRepository } from './repositories/reply.repository.ts';
import { SensitiveWordRepository } from './repositories/sensitive-word.repository.ts';
import { SeasonRepository } from './repositories/season.repository.ts';
import { SessionRepository } from './repositories/session.repository.ts';
import { SettingsRepository } from './repositories/settings.repository.ts';
import { TvLoginRepository } from './repositories/tv-login.repository.ts';
import { UserRepository } from './repositories/user.repository.ts';
import { AnalyticsRepository } from './repositories/analytics.repository.ts';
import type { Database } from './schema.ts';

/** Repositories bound to one executor: the pool, or one open transaction. */
export class Repositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly qrLogins: QrLoginRepository;
  readonly tvLogins: TvLoginRepository;
  readonly settings: SettingsRepository;
  readonly archives: ArchiveRepository;
  readonly areas: AreaRepository;
  readonly replies: ReplyRepository;
  readonly replyReports: ReplyReportRepository;
  readonly history: HistoryRepository;
  readonly emotes: EmoteRepository;
  readonly sensitiveWords: SensitiveWordRepository;
  readonly changeVersions: ChangeVersionRepository;
  readonly devices: DeviceRepository;
  readonly seasons: SeasonRepository;
  readonly notices: NoticeRepository;
  readonly accounts: AccountRepository;
  readonly online: OnlineRepository;
  readonly toview: ToviewRepository;
  readonly historySearch: HistorySearchRepository;
  readonly outbox: OutboxRepository;
  readonly adminLists: AdminListRepository;
  readonly analytics: AnalyticsRepository;

  constructor(
    /** The executor itself, for statements that belong to no repository (SAVEPOINT, …). */
    readonly db: Kysely<Database>,
    /** For the store's own classes only (fixture rows resync PostgreSQL's sequences); services never ask. */
    readonly dialect: Dialect,
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.qrLogins = new QrLoginRepository(db);
    this.tvLogins = new TvLoginRepository(db);
    this.settings = new SettingsRepository(db);
    this.archives = new ArchiveRepository(db);
    this.areas = new AreaRepository(db);
    this.replies = new ReplyRepository(db, dialect);
    this.replyReports = new ReplyReportRepository(db);
    this.history = new HistoryRepository(db, dialect);
    this.emotes = new EmoteRepository(db, dialect);
    this.sensitiveWords = new SensitiveWordRepository(db);
    this.changeVersions = new ChangeVersionRepository(db);
    this.devices = new DeviceRepository(db);
    this.seasons = new SeasonRepository(db);
    this.notices = new NoticeRepository(db, dialect);
    this.accounts = new AccountRepository(db);
    this.online = new OnlineRepository(db);
    this.toview = new ToviewRepository(db, dialect);
    this.historySearch = new HistorySearchRepository(db);
    this.outbox = new OutboxRepository(db, dialect);
    this.adminLists = new AdminListRepository(db, dialect);
    this.analytics = new AnalyticsRepository(db);
  }
}

/** How a group commit gathers its writes (items per transaction, wait behind a running batch). */
export type { WriteBatcherOptions as BatchingOptions } from './write-batcher.ts';

/** How the heartbeat and progress-report writes are batched and counted (see WatchBatchWriter). */
export interface WatchWriteOptions {
  batching: WriteBatcherOptions;
  /** A viewer's play of an archive counts again only this long after the last one. */
  playWindowSeconds: number;
  /** Anonymous viewers from one address counted per archive within the window (0 = no cap). */
  anonymousCap: number;
  /** Whether the batch keeps the watch analytics too (default on). */
  analytics?: boolean;
}

/** The heartbeat path's group commit: `enqueue` resolves once the item's batch has committed. */
export type WatchWrites = Pick<WriteBatcher<WatchWrite>, 'enqueue'>;

interface Drainable {
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Attempts of a transaction that stale prepared statements abort (`Store.transaction`): each attempt
 * meets one (the first aborts it) and renames it, so a transaction of several stale texts needs as many.
 */
const STALE_STATEMENT_ATTEMPTS = 8;

/**
 * The storage entry point services receive: repositories outside a transaction, `transaction()`, and
 * what the store owns on their behalf — the group commits (watch writes, comment adds), the rate-limit
 * storage, and closing, which drains every batch before the database goes. Which database it runs on
 * is the store's business: a difference is a class per database here, never a question a service asks.
 */
export class Store extends Repositories {
  /** Where rate limiters keep their counters (memory on one node, `rate_limits` rows when shared). */
  readonly rateLimits: RateLimitStorage;
  /**
   * True when other nodes may run over this same database (PostgreSQL: cluster mode), so what a node
   * keeps in memory (online counts, caches) must be published or re-checked; false on a SQLite file.
   */
  readonly sharedAcrossNodes: boolean;
  /** What the log names as the database: the file on SQLite, the engine's name on PostgreSQL. */
  readonly label: string;
  private readonly handle: DbHandle;
  private readonly drainables: Drainable[] = [];
  private closing: Promise<void> | null = null;

  constructor(handle: DbHandle) {
    super(handle.db, handle.dialect);
    this.handle = handle;
    if (handle.dialect === 'postgres') {
      this.rateLimits = new PostgresRateLimits(handle.pool);
      this.sharedAcrossNodes = true;
      this.label = 'PostgreSQL';
    } else {
      this.rateLimits = new MemoryRateLimits();
      this.sharedAcrossNodes = false;
      this.label = handle.sqlite.name;
    }
  }

  /**
   * Runs `work` in one transaction. On PostgreSQL, one that a prepared statement gone stale aborted (a
   * newer node's migration changed a table under it; pg-statement-names.ts) runs again: the statement has
   * a new name by then and the failed attempt was rolled back.
   */
  async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handle.db.transaction().execute((trx) => work(new Repositories(trx, this.dialect)));
      } catch (error) {
        if (attempt >= STALE_STATEMENT_ATTEMPTS || !isStaleStatement(error)) throw error;
      }
    }
  }

  /**
   * Runs `work` in a transaction, again (up to `attempts` times) when it hits a unique violation: how
   * id allocation by max+1 stays correct when two nodes insert at once.
   */
  async transactionRetryingUnique<T>(work: (tx: Repositories) => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(work);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * `transactionRetryingUnique`, with a unique key that still refuses the write after the last attempt
   * as an outcome: 'duplicate' (a taken name, an explicit id in use). `attempts` 1: no retry.
   */
  async transactionUnlessDuplicate<T>(
    work: (tx: Repositories) => Promise<T>,
    attempts = 5,
  ): Promise<T | 'duplicate'> {
    try {
      return await this.transactionRetryingUnique(work, attempts);
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  /** Opens the group commit of heartbeats and progress reports; the store flushes and drains it. */
  createWatchWrites(options: WatchWriteOptions): WatchWrites {
    const writer = createWatchBatchWriter(
      this.handle,
      options.playWindowSeconds,
      options.anonymousCap,
      options.analytics ?? true,
    );
    const batcher = new WriteBatcher<WatchWrite>((items) => writer.write(items), options.batching);
    this.drainables.push(batcher);
    return batcher;
  }

  /** Opens the comment-add path (group-committed on SQLite); the store flushes and drains it. */
  createCommentInserts(groupCommit: WriteBatcherOptions): CommentInserts {
    if (this.handle.dialect === 'postgres') {
      return new PostgresCommentInserts(this, (work) => this.transaction(work));
    }
    const inserts = new SqliteCommentInserts(this.handle.sqlite, this.handle.db, groupCommit);
    this.drainables.push(inserts);
    return inserts;
  }

  /** Reset and snapshots of the whole state (the toolkit). */
  createToolkitState(): ToolkitStateStore {
    return new ToolkitStateStore(this.handle);
  }

  /** The toolkit runtime (faults, clock, journal) shared by the nodes of a cluster; null on one node. */
  createToolkitShared(): ToolkitSharedStore | null {
    return this.sharedAcrossNodes ? new ToolkitSharedStore(this.db) : null;
  }

  /** Commits every write gathered now (before a toolkit reset); new writes are still accepted. */
  async flush(): Promise<void> {
    await Promise.all(this.drainables.map((d) => d.flush()));
  }

  /**
   * The one way storage closes (main, the app's onClose, the CLI): refuses new batched writes, commits
   * those gathered, then closes the database. Later calls wait for the first.
   */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      try {
        await Promise.all(this.drainables.map((d) => d.close()));
      } finally {
        await this.handle.close();
      }
    })());
  }

  // --- whole-database operations of the CLI ---------------------------------------------------------

  /** The whole database as JSON Lines (docs/data.md), in one consistent read. */
  exportDump(write: (chunk: string) => Promise<void>, progress?: DumpProgress): Promise<DumpHeader> {
    return exportDump(this.handle, write, progress);
  }

  /** Loads an export, all or nothing. */
  importDump(
    lines: AsyncIterable<string>,
    options: ImportOptions,
    progress?: DumpProgress,
  ): Promise<ImportResult> {
    return importDump(this.handle, lines, options, progress);
  }

  /** Another comment system's export into comment areas, all or nothing. */
  importComments(
    plan: ImportPlan,
    source: CommentSource,
    options: CommentImportOptions,
  ): Promise<CommentImportResult> {
    return writeCommentImport(this.handle, plan, source, options);
  }

  /**
   * A consistent copy of a SQLite database through SQLite's online backup API, safe while a server keeps
   * writing; null on PostgreSQL, which has its own tool (pg_dump). Returns the pages copied.
   */
  async backupSqlite(file: string): Promise<number | null> {
    if (this.handle.dialect !== 'sqlite') return null;
    // After the first step (which only learns the size), copy every page in one step: one read
    // snapshot, so writes by the server meanwhile neither tear the copy nor restart it forever.
    const done = await this.handle.sqlite.backup(file, { progress: () => 0x7fffffff });
    return done.totalPages;
  }
}
