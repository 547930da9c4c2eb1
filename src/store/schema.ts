import type { ArchivePagesTable, ArchivesTable, AreasTable } from './tables/catalog.tables.ts';
import type {
  RepliesTable,
  ReplyDedupeTable,
  ReplyReportsTable,
  ReplyVotesTable,
} from './tables/comment.tables.ts';
import type {
  ArchiveStatsTable,
  HistoryPrefsTable,
  HistoryTable,
  PlayCountsTable,
  WatchSessionsTable,
} from './tables/history.tables.ts';
import type {
  ChangeVersionsTable,
  EmoteImagesTable,
  EmotePackagesTable,
  EmotesTable,
  SensitiveWordsTable,
  UserEmotePackagesTable,
} from './tables/emote.tables.ts';
import type { DevicesTable } from './tables/device.tables.ts';
import type { AvatarsTable, ExternalIdentitiesTable, InviteCodesTable } from './tables/account.tables.ts';
import type { LikeNoticesTable, NoticeViewsTable, NoticesTable } from './tables/notice.tables.ts';
import type { SeasonEpisodesTable, SeasonsTable } from './tables/season.tables.ts';
import type { TvLoginsTable } from './tables/tv-login.tables.ts';
import type { AuditLogTable } from './tables/audit.tables.ts';
import type {
  ToolkitClockTable,
  ToolkitFaultsTable,
  ToolkitJournalTable,
  ToolkitNodesTable,
  ToolkitSnapshotsTable,
} from './tables/toolkit.tables.ts';
import type { OnlineViewersTable, ToviewTable } from './tables/online.tables.ts';
import type {
  AnalyticsDailyTable,
  AnalyticsRetentionTable,
  AnalyticsSessionsTable,
  AnalyticsUsersTable,
  AnalyticsViewersTable,
} from './tables/analytics.tables.ts';
import type {
  MailQueueTable,
  MailRecipientsTable,
  OutboxEventsTable,
  UserMailTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from './tables/outbox.tables.ts';
import type {
  CookieRefreshForcedTable,
  QrLoginsTable,
  SessionsTable,
  SettingsTable,
  UsersTable,
} from './tables/identity.tables.ts';

/** Every table Replay stores; each feature declares its own in `tables/` and lists them here. */
export interface Database {
  analytics_sessions: AnalyticsSessionsTable;
  analytics_daily: AnalyticsDailyTable;
  analytics_retention: AnalyticsRetentionTable;
  analytics_viewers: AnalyticsViewersTable;
  analytics_users: AnalyticsUsersTable;
  devices: DevicesTable;
  users: UsersTable;
  sessions: SessionsTable;
  cookie_refresh_forced: CookieRefreshForcedTable;
  qr_logins: QrLoginsTable;
  tv_logins: TvLoginsTable;
  settings: SettingsTable;
  archives: ArchivesTable;
  archive_pages: ArchivePagesTable;
  areas: AreasTable;
  replies: RepliesTable;
  reply_votes: ReplyVotesTable;
  reply_reports: ReplyReportsTable;
  reply_dedupe: ReplyDedupeTable;
  history: HistoryTable;
  history_prefs: HistoryPrefsTable;
  watch_sessions: WatchSessionsTable;
  play_counts: PlayCountsTable;
  archive_stats: ArchiveStatsTable;
  emote_packages: EmotePackagesTable;
  emotes: EmotesTable;
  emote_images: EmoteImagesTable;
  sensitive_words: SensitiveWordsTable;
  user_emote_packages: UserEmotePackagesTable;
  change_versions: ChangeVersionsTable;
  seasons: SeasonsTable;
  season_episodes: SeasonEpisodesTable;
  notices: NoticesTable;
  like_notices: LikeNoticesTable;
  notice_views: NoticeViewsTable;
  invite_codes: InviteCodesTable;
  external_identities: ExternalIdentitiesTable;
  avatars: AvatarsTable;
  online_viewers: OnlineViewersTable;
  toview: ToviewTable;
  outbox_events: OutboxEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  user_mail: UserMailTable;
  mail_queue: MailQueueTable;
  mail_recipients: MailRecipientsTable;
  audit_log: AuditLogTable;
  toolkit_snapshots: ToolkitSnapshotsTable;
  toolkit_faults: ToolkitFaultsTable;
  toolkit_clock: ToolkitClockTable;
  toolkit_journal: ToolkitJournalTable;
  toolkit_nodes: ToolkitNodesTable;
}
