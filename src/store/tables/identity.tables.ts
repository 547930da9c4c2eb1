import type { Generated } from 'kysely';

export interface UsersTable {
  mid: number;
  uname: string;
  /** `scrypt$N$r$p$salt$hash`, or null for accounts that can only be handed sessions by an operator. */
  password_hash: string | null;
  sex: string;
  sign: string;
  face: string;
  level: number;
  vip_type: number;
  /** Unix milliseconds, as the wire format has it. */
  vip_due_date: number;
  official_type: number;
  official_desc: string;
  banned: number;
  /** 1 once the owner deleted the account (migration 2026-12-05-08); the row stays for their comments. */
  deleted: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** sha256 of the SESSDATA value (web) or the access_key (app); the token itself is never stored. */
  token_hash: string;
  kind: 'web' | 'app';
  mid: number;
  /** bili_jct: the csrf token a web client echoes back; empty for app tokens. */
  csrf: string;
  sid: string;
  refresh_token_hash: string | null;
  created_at: number;
  expires_at: number;
  /** sha256 of the refresh_csrf the correspond page last handed to this session, and when it expires. */
  refresh_csrf_hash: string | null;
  refresh_csrf_expires_at: number | null;
  /** Set by cookie/refresh: the token hash of the session that replaces this one once confirmed. */
  superseded_by: string | null;
}

/** Users whose web clients `cookie/info` tells to refresh, set by an operator; cleared by a refresh. */
export interface CookieRefreshForcedTable {
  mid: number;
  created_at: number;
}

export interface QrLoginsTable {
  qrcode_key: string;
  /** 0 waiting for a scan, 1 scanned, 2 confirmed by a signed-in person, 3 consumed by a poll. */
  state: number;
  mid: number | null;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}
