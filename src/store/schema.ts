import type { ArchivePagesTable, ArchivesTable, AreasTable } from './tables/catalog.tables.ts';
import type { RepliesTable, ReplyReportsTable, ReplyVotesTable } from './tables/comment.tables.ts';
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
} from './tables/emote.tables.ts';
import type { QrLoginsTable, SessionsTable, SettingsTable, UsersTable } from './tables/identity.tables.ts';

/** Every table Replay stores; each feature declares its own in `tables/` and lists them here. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  qr_logins: QrLoginsTable;
  settings: SettingsTable;
  archives: ArchivesTable;
  archive_pages: ArchivePagesTable;
  areas: AreasTable;
  replies: RepliesTable;
  reply_votes: ReplyVotesTable;
  reply_reports: ReplyReportsTable;
  history: HistoryTable;
  history_prefs: HistoryPrefsTable;
  watch_sessions: WatchSessionsTable;
  play_counts: PlayCountsTable;
  archive_stats: ArchiveStatsTable;
  emote_packages: EmotePackagesTable;
  emotes: EmotesTable;
  emote_images: EmoteImagesTable;
  sensitive_words: SensitiveWordsTable;
  change_versions: ChangeVersionsTable;
}
