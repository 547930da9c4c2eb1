import { AnalyticsAdminApi } from './analytics-admin-api.ts';
import type { FetchLike } from './http.ts';
import { EmoteAdminApi, SensitiveWordAdminApi } from './emote-admin-api.ts';
import { HistoryAdminApi } from './history-admin-api.ts';
import { ModerationAdminApi } from './moderation-admin-api.ts';
import { SeasonAdminApi } from './season-admin-api.ts';
import { WebhookAdminApi } from './webhook-admin-api.ts';
import { ToolkitClockApi, ToolkitFaultsApi, ToolkitJournalApi } from './toolkit-runtime-api.ts';
import { ToolkitAdminApi } from './toolkit-admin-api.ts';

export interface AdminUser {
  mid: number;
  uname: string;
  sex: string;
  sign: string;
  face: string;
  level: number;
  vip_type: number;
  vip_due_date: number;
  official_type: number;
  official_desc: string;
  banned: boolean;
  has_password: boolean;
  created_at: number;
}

export interface NewAdminUser {
  uname: string;
  password?: string;
  mid?: number;
  sex?: '男' | '女' | '保密';
  sign?: string;
  face?: string;
  level?: number;
  vip_type?: number;
  vip_due_date?: number;
  official_type?: number;
  official_desc?: string;
}

export type AdminUserPatch = Partial<Omit<NewAdminUser, 'mid'>> & { banned?: boolean };

export interface IssuedSession {
  cookies: { SESSDATA: string; bili_jct: string; DedeUserID: string; DedeUserID__ckMd5: string; sid: string };
  cookie_header: string;
  access_key: string;
  expires_at: number;
}

export interface AdminPage {
  cid: number;
  page: number;
  part: string;
  duration: number;
}

export interface AdminArchive {
  aid: number;
  bvid: string;
  title: string;
  cover: string;
  desc: string;
  owner_mid: number;
  tid: number;
  tname: string;
  copyright: number;
  pubdate: number;
  ctime: number;
  duration: number;
  pages: AdminPage[];
}

export interface NewAdminArchive {
  aid?: number;
  title: string;
  owner_mid: number;
  cover?: string;
  desc?: string;
  tid?: number;
  tname?: string;
  copyright?: number;
  pubdate?: number;
  pages: { cid?: number; part: string; duration: number }[];
}

export interface AdminArea {
  type: number;
  oid: number;
  owner_mid: number;
  closed: boolean;
  created_at: number;
}

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { statusCode?: number; code?: number; message?: string },
  ) {
    super(`admin API ${status}: ${body.message ?? ''}`);
    this.name = 'AdminApiError';
  }
}

export interface AdminClientOptions {
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
}

/** Typed client of Replay's admin API (/admin/api/v1). Non-2xx answers throw AdminApiError. */
export class AdminClient {
  readonly emotes = new EmoteAdminApi(this);
  readonly sensitiveWords = new SensitiveWordAdminApi(this);
  readonly history = new HistoryAdminApi(this);
  readonly analytics = new AnalyticsAdminApi(this);
  readonly moderation = new ModerationAdminApi(this);
  readonly seasons = new SeasonAdminApi(this);
  readonly webhooks = new WebhookAdminApi(this);
  /** Toolkit (server started with the toolkit on): fault rules, request journal, virtual clock. */
  readonly faults = new ToolkitFaultsApi(this);
  readonly journal = new ToolkitJournalApi(this);
  readonly clock = new ToolkitClockApi(this);
  /** Toolkit: reset, snapshots and fixtures. */
  readonly toolkit = new ToolkitAdminApi(this);
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: AdminClientOptions) {
    this.baseUrl = `${options.baseUrl.replace(/\/+$/, '')}/admin/api/v1`;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new AdminApiError(response.status, json ?? {});
    return json as T;
  }

  createUser(user: NewAdminUser): Promise<AdminUser> {
    return this.request('POST', '/users', user);
  }

  getUser(mid: number): Promise<AdminUser> {
    return this.request('GET', `/users/${mid}`);
  }

  updateUser(mid: number, patch: AdminUserPatch): Promise<AdminUser> {
    return this.request('PATCH', `/users/${mid}`, patch);
  }

  issueSession(mid: number): Promise<IssuedSession> {
    return this.request('POST', `/users/${mid}/sessions`);
  }

  /** Whether `cookie/info` tells this user's web clients to refresh (until one of them does). */
  cookieRefresh(mid: number): Promise<{ mid: number; forced: boolean }> {
    return this.request('GET', `/users/${mid}/cookie-refresh`);
  }

  setCookieRefresh(mid: number, forced: boolean): Promise<{ mid: number; forced: boolean }> {
    return this.request('PUT', `/users/${mid}/cookie-refresh`, { forced });
  }

  createArchive(archive: NewAdminArchive): Promise<AdminArchive> {
    return this.request('POST', '/archives', archive);
  }

  getArchive(aid: number): Promise<AdminArchive> {
    return this.request('GET', `/archives/${aid}`);
  }

  putArea(type: number, oid: number, area: { owner_mid: number; closed?: boolean }): Promise<AdminArea> {
    return this.request('PUT', `/areas/${type}/${oid}`, area);
  }

  getArea(type: number, oid: number): Promise<AdminArea> {
    return this.request('GET', `/areas/${type}/${oid}`);
  }
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  return new AdminClient(options);
}
