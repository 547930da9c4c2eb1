import type { Kysely } from 'kysely';
import type { DbHandle, Dialect } from './database.ts';
import { isUniqueViolation } from './database.ts';
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

  /** The executor itself, for statements that belong to no repository (SAVEPOINT, …). */
  constructor(readonly db: Kysely<Database>) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.qrLogins = new QrLoginRepository(db);
    this.tvLogins = new TvLoginRepository(db);
    this.settings = new SettingsRepository(db);
    this.archives = new ArchiveRepository(db);
    this.areas = new AreaRepository(db);
    this.replies = new ReplyRepository(db);
    this.replyReports = new ReplyReportRepository(db);
    this.history = new HistoryRepository(db);
    this.emotes = new EmoteRepository(db);
    this.sensitiveWords = new SensitiveWordRepository(db);
    this.changeVersions = new ChangeVersionRepository(db);
    this.devices = new DeviceRepository(db);
    this.seasons = new SeasonRepository(db);
    this.notices = new NoticeRepository(db);
    this.accounts = new AccountRepository(db);
    this.online = new OnlineRepository(db);
    this.toview = new ToviewRepository(db);
    this.historySearch = new HistorySearchRepository(db);
    this.outbox = new OutboxRepository(db);
    this.adminLists = new AdminListRepository(db);
    this.analytics = new AnalyticsRepository(db);
  }
}

/** The storage entry point services receive: repositories outside a transaction, and `transaction()`. */
export class Store extends Repositories {
  readonly dialect: Dialect;

  constructor(readonly handle: DbHandle) {
    super(handle.db);
    this.dialect = handle.dialect;
  }

  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.handle.db.transaction().execute((trx) => work(new Repositories(trx)));
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
}
