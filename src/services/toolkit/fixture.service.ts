import { readFile } from 'node:fs/promises';
import type * as Yaml from 'yaml';
import { CHEESE_BUSINESS, PGC_BUSINESS } from '../../domain/season.ts';
import { BiliError } from '../../errors.ts';
import type { FixtureRows } from '../../store/toolkit/fixture.store.ts';
import { insertFixtureRows } from '../../store/toolkit/fixture.store.ts';
import type { Store } from '../../store/store.ts';
import { NoticeKind } from '../../store/repositories/notice.repository.ts';
import type { Clock } from '../clock.ts';
import { nowSeconds } from '../clock.ts';
import { newArchiveRow } from '../catalog.service.ts';
import { lazyModule } from '../../lazy-module.ts';

/** Read only when a fixture file is loaded. */
const yaml = lazyModule<typeof Yaml>('yaml');
import { hashPassword, randomAlnum, randomHex } from '../crypto.ts';
import { SESSION_LIFETIME_SECONDS, tokenHash } from '../session.service.ts';
import { Fixture } from './fixture.schema.ts';
import type { FixtureData } from './fixture.schema.ts';
import type { FixtureWork, ToolkitStateService } from './state.service.ts';

const ARCHIVE_AREA = 1;
/** A course lesson's comment area (type 33, oid = epid), as SeasonService creates it. */
const COURSE_AREA = 33;
const DEFAULT_DT = 2;
const DEFAULT_VIP_MS = 365 * 24 * 3600 * 1000;

/** What a loaded fixture holds, per kind (the API's answer). */
export interface FixtureSummary {
  users: number;
  sessions: number;
  archives: number;
  comments: number;
  history: number;
  notices: number;
  /** Seasons and courses. */
  seasons: number;
  /** Episodes and lessons. */
  episodes: number;
}

/** A fixture checked and turned into rows, ready to be written in any number of resets. */
export interface CompiledFixture {
  rows: FixtureRows;
  summary: FixtureSummary;
}

/**
 * Fixtures (docs/toolkit.md "Fixtures"): a declarative file of users, archives, comment threads, seasons
 * and courses, and history, checked as a whole first — the first problem found is a -400 naming its path
 * (`/threads/2/replies/0/message: …`) — and then written in the transaction of a reset, so a bad fixture
 * loads nothing and a good one replaces the whole state at once.
 */
export class FixtureService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly state: ToolkitStateService,
  ) {}

  /** Reads a YAML or JSON file (JSON is YAML), checks it and loads it; errors name the file. */
  async loadFile(path: string): Promise<FixtureSummary> {
    const text = await readFile(path, 'utf8');
    let data: unknown;
    try {
      data = yaml().parse(text, { prettyErrors: true });
    } catch (error) {
      throw new BiliError(-400, `${path}: ${(error as Error).message}`);
    }
    return this.load(data, path);
  }

  /** Checks and loads a parsed fixture, replacing the whole state; `reset {to: "fixture"}` reloads it. */
  async load(data: unknown, source = ''): Promise<FixtureSummary> {
    let compiled: CompiledFixture;
    try {
      compiled = await compileFixture(data, nowSeconds(this.clock));
    } catch (error) {
      // A file's error names the file, then the JSON pointer in it: `fixture.yaml: /threads/0/mid: …`.
      if (error instanceof FixtureError) {
        throw new BiliError(-400, source === '' ? error.message : `${source}: ${error.message}`);
      }
      throw error;
    }
    await this.state.loadFixture(this.work(compiled));
    return compiled.summary;
  }

  private work(compiled: CompiledFixture): FixtureWork {
    return (tx) => insertFixtureRows(tx, compiled.rows);
  }
}

/** A bad entry: the message starts with its JSON pointer (`/threads/2/replies/0/message: …`). */
export class FixtureError extends Error {}

function fail(path: string, problem: string): never {
  throw new FixtureError(`${path}: ${problem}`);
}

/** Checks `data` against the schema and its references, and builds every row (counters included). */
export async function compileFixture(data: unknown, now: number): Promise<CompiledFixture> {
  // TypeBox's value checker (a few hundred modules) is loaded by the first fixture, not by every server.
  const { default: Value } = await import('typebox/value');
  const first = Value.Errors(Fixture, data)[0];
  if (first) {
    // `additionalProperties: false` reports the unknown key's path with the schema `false`.
    const unknown = first.message === 'schema is false';
    fail(first.instancePath || '/', unknown ? 'unknown property' : first.message);
  }
  const fixture = data as FixtureData;
  const rows: Required<Pick<FixtureRows, 'users' | 'sessions' | 'archives' | 'archive_pages' | 'areas'>> &
    Required<Pick<FixtureRows, 'replies' | 'reply_votes' | 'notices' | 'like_notices' | 'history'>> &
    Required<Pick<FixtureRows, 'seasons' | 'season_episodes'>> = {
    users: [],
    sessions: [],
    archives: [],
    archive_pages: [],
    areas: [],
    replies: [],
    reply_votes: [],
    notices: [],
    like_notices: [],
    history: [],
    seasons: [],
    season_episodes: [],
  };

  const users = new Map<number, { banned: boolean }>();
  const unames = new Set<string>();
  const tokens = new Set<string>();
  for (const [i, u] of (fixture.users ?? []).entries()) {
    const at = `/users/${i}`;
    if (users.has(u.mid)) fail(`${at}/mid`, `duplicate mid ${u.mid}`);
    // As the admin API and sign-up have it: a name padded with spaces looks like another.
    if (u.uname.trim() !== u.uname) fail(`${at}/uname`, 'no spaces around a uname');
    const lower = u.uname.toLowerCase();
    if (unames.has(lower)) fail(`${at}/uname`, `duplicate uname ${JSON.stringify(u.uname)}`);
    unames.add(lower);
    users.set(u.mid, { banned: u.banned ?? false });
    const vipType = u.vip_type ?? 0;
    rows.users.push({
      mid: u.mid,
      uname: u.uname,
      password_hash: u.password === undefined ? null : await hashPassword(u.password),
      sex: u.sex ?? '保密',
      sign: u.sign ?? '',
      face: u.face ?? '',
      level: u.level ?? 0,
      vip_type: vipType,
      vip_due_date: u.vip_due_date ?? (vipType > 0 ? now * 1000 + DEFAULT_VIP_MS : 0),
      official_type: u.official_type ?? -1,
      official_desc: u.official_desc ?? '',
      banned: u.banned ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    for (const [j, s] of (u.sessions ?? []).entries()) {
      const sat = `${at}/sessions/${j}`;
      if (s.SESSDATA === undefined && s.access_key === undefined) fail(sat, 'needs SESSDATA or access_key');
      if (s.bili_jct !== undefined && s.SESSDATA === undefined) fail(`${sat}/bili_jct`, 'needs SESSDATA');
      const expiresAt = s.expires_at ?? now + SESSION_LIFETIME_SECONDS;
      for (const [field, value, kind] of [
        ['SESSDATA', s.SESSDATA, 'web'],
        ['access_key', s.access_key, 'app'],
      ] as const) {
        if (value === undefined) continue;
        const hash = tokenHash(value);
        if (tokens.has(hash)) fail(`${sat}/${field}`, 'this value is already another session');
        tokens.add(hash);
        rows.sessions.push({
          token_hash: hash,
          kind,
          mid: u.mid,
          csrf: kind === 'web' ? (s.bili_jct ?? randomHex(16)) : '',
          sid: kind === 'web' ? randomAlnum(8) : '',
          refresh_token_hash: null,
          created_at: now,
          expires_at: expiresAt,
        });
      }
    }
  }
  const needUser = (path: string, mid: number) => {
    if (!users.has(mid)) fail(path, `no user ${mid} in the fixture`);
  };

  const archives = new Map<number, { owner: number; cids: number[]; parts: string[] }>();
  const cids = new Set<number>();
  for (const [i, a] of (fixture.archives ?? []).entries()) {
    const at = `/archives/${i}`;
    if (archives.has(a.aid)) fail(`${at}/aid`, `duplicate aid ${a.aid}`);
    needUser(`${at}/owner_mid`, a.owner_mid);
    for (const [j, p] of a.pages.entries()) {
      if (cids.has(p.cid)) fail(`${at}/pages/${j}/cid`, `duplicate cid ${p.cid}`);
      cids.add(p.cid);
      rows.archive_pages.push({ cid: p.cid, aid: a.aid, page: j + 1, part: p.part, duration: p.duration });
    }
    archives.set(a.aid, {
      owner: a.owner_mid,
      cids: a.pages.map((p) => p.cid),
      parts: a.pages.map((p) => p.part),
    });
    rows.archives.push(newArchiveRow(a.aid, a, a.pages, now));
  }

  const areas = new Map<number, { roots: number; visibleRoots: number; visible: number; pinned: boolean }>();
  for (const aid of archives.keys()) areas.set(aid, { roots: 0, visibleRoots: 0, visible: 0, pinned: false });
  const rpids = new Set<number>();
  let comments = 0;
  for (const [i, t] of (fixture.threads ?? []).entries()) {
    const at = `/threads/${i}`;
    const archive = archives.get(t.oid);
    if (!archive) fail(`${at}/oid`, `no archive ${t.oid} in the fixture`);
    const area = areas.get(t.oid)!;
    const owner = archive.owner;
    if (t.pinned) {
      if (t.deleted) fail(`${at}/pinned`, 'a deleted comment cannot be pinned');
      if (area.pinned) fail(`${at}/pinned`, `archive ${t.oid} already has a pinned comment`);
      area.pinned = true;
    }
    type Node = { rpid: number; mid: number; visible: boolean; dialog: number; path: string };
    const thread = new Map<number, Node>();
    const comment = (
      path: string,
      c: {
        rpid: number;
        mid: number;
        likes?: number[];
        hates?: number[];
        deleted?: boolean;
        ctime?: number;
      },
    ) => {
      if (rpids.has(c.rpid)) fail(`${path}/rpid`, `duplicate rpid ${c.rpid}`);
      rpids.add(c.rpid);
      needUser(`${path}/mid`, c.mid);
      const voters = new Set<number>();
      for (const [key, list] of [
        ['likes', c.likes ?? []],
        ['hates', c.hates ?? []],
      ] as const) {
        for (const [k, mid] of list.entries()) {
          needUser(`${path}/${key}/${k}`, mid);
          if (voters.has(mid)) fail(`${path}/${key}/${k}`, `user ${mid} already voted on this comment`);
          voters.add(mid);
          rows.reply_votes.push({
            rpid: c.rpid,
            mid,
            value: key === 'likes' ? 1 : 2,
            created_at: c.ctime ?? now,
          });
        }
      }
      const visible = !c.deleted;
      const others = (c.likes ?? []).filter((mid) => mid !== c.mid).length;
      if (visible && others > 0) {
        rows.like_notices.push({
          recipient_mid: c.mid,
          rpid: c.rpid,
          type: ARCHIVE_AREA,
          oid: t.oid,
          like_time: c.ctime ?? now,
          counts: others,
        });
      }
      comments++;
      return { visible, upLike: (c.likes ?? []).includes(owner) ? 1 : 0 };
    };
    const notify = (
      recipient: number,
      actor: number,
      root: number,
      rpid: number,
      target: number,
      time: number,
    ) => {
      if (recipient === actor || users.get(actor)!.banned) return;
      rows.notices.push({
        recipient_mid: recipient,
        kind: NoticeKind.Reply,
        time,
        actor_mid: actor,
        type: ARCHIVE_AREA,
        oid: t.oid,
        root,
        source_rpid: rpid,
        target_rpid: target,
      });
    };

    const root = comment(at, t);
    area.roots++;
    const rootRow = {
      rpid: t.rpid,
      type: ARCHIVE_AREA,
      oid: t.oid,
      mid: t.mid,
      root: 0,
      parent: 0,
      dialog: 0,
      floor: area.roots,
      message: t.message,
      state: root.visible ? 0 : 1,
      like_count: (t.likes ?? []).length,
      hate_count: (t.hates ?? []).length,
      rcount: 0,
      reply_total: (t.replies ?? []).length,
      pinned: t.pinned ? 1 : 0,
      up_like: root.upLike,
      up_reply: 0,
      ctime: t.ctime ?? now,
    };
    rows.replies.push(rootRow);
    if (root.visible) {
      area.visibleRoots++;
      area.visible++;
      notify(owner, t.mid, 0, t.rpid, 0, rootRow.ctime);
    }
    thread.set(t.rpid, { rpid: t.rpid, mid: t.mid, visible: root.visible, dialog: 0, path: at });
    for (const [j, r] of (t.replies ?? []).entries()) {
      const rat = `${at}/replies/${j}`;
      const parentRpid = r.parent ?? t.rpid;
      const parent = thread.get(parentRpid);
      if (!parent) {
        fail(`${rat}/parent`, `no comment ${parentRpid} earlier in this thread`);
      }
      const reply = comment(rat, r);
      if (reply.visible && !root.visible) {
        fail(`${rat}/deleted`, 'the thread root is deleted, so its replies must be deleted too');
      }
      const dialog = parentRpid === t.rpid ? r.rpid : parent.dialog;
      const ctime = r.ctime ?? now;
      rows.replies.push({
        rpid: r.rpid,
        type: ARCHIVE_AREA,
        oid: t.oid,
        mid: r.mid,
        root: t.rpid,
        parent: parentRpid,
        dialog,
        floor: j + 1,
        message: r.message,
        state: reply.visible ? 0 : 1,
        like_count: (r.likes ?? []).length,
        hate_count: (r.hates ?? []).length,
        rcount: 0,
        reply_total: 0,
        pinned: 0,
        up_like: reply.upLike,
        up_reply: 0,
        ctime,
      });
      if (r.mid === owner) rootRow.up_reply = 1;
      if (reply.visible) {
        rootRow.rcount++;
        area.visible++;
        notify(parent.mid, r.mid, t.rpid, r.rpid, parentRpid, ctime);
      }
      thread.set(r.rpid, { rpid: r.rpid, mid: r.mid, visible: reply.visible, dialog, path: rat });
    }
  }
  for (const [aid, a] of areas) {
    rows.areas.push({
      type: ARCHIVE_AREA,
      oid: aid,
      owner_mid: archives.get(aid)!.owner,
      closed: 0,
      created_at: now,
      root_count: a.visibleRoots,
      all_count: a.visible,
      root_floor: a.roots,
    });
  }

  // Seasons and courses: the same rows SeasonService writes (episodes on fixture archive parts, a part
  // carrying at most one episode, a lesson's comment area), with every id given.
  const episodes = new Map<string, { seasonId: number; aid: number; cid: number; page: number }>();
  const carried = new Set<number>();
  const seasonIds = new Set<string>();
  const seasonLists = [
    ...(fixture.seasons ?? []).map((s, i) => ({
      business: PGC_BUSINESS,
      at: `/seasons/${i}`,
      list: 'episodes',
      season: s,
      items: s.episodes,
      mediaId: s.media_id ?? 0,
      subType: s.sub_type,
    })),
    ...(fixture.courses ?? []).map((c, i) => ({
      business: CHEESE_BUSINESS,
      at: `/courses/${i}`,
      list: 'lessons',
      season: c,
      items: c.lessons,
      mediaId: 0,
      subType: 0,
    })),
  ];
  for (const { business, at, list, season, items, mediaId, subType } of seasonLists) {
    const key = `${business}:${season.season_id}`;
    if (seasonIds.has(key)) fail(`${at}/season_id`, `duplicate season_id ${season.season_id}`);
    seasonIds.add(key);
    rows.seasons.push({
      business,
      season_id: season.season_id,
      media_id: mediaId,
      title: season.title,
      sub_type: subType,
      cover: season.cover ?? '',
      description: season.desc ?? '',
      total: season.total ?? 0,
      is_finish: season.is_finish ? 1 : 0,
      created_at: now,
    });
    for (const [j, e] of items.entries()) {
      const eat = `${at}/${list}/${j}`;
      const archive = archives.get(e.aid);
      if (!archive) fail(`${eat}/aid`, `no archive ${e.aid} in the fixture`);
      const cid = e.cid ?? archive.cids[0]!;
      const page = archive.cids.indexOf(cid) + 1;
      if (page === 0) fail(`${eat}/cid`, `cid ${cid} is not a part of archive ${e.aid}`);
      if (carried.has(cid)) fail(`${eat}/cid`, `cid ${cid} already carries an episode`);
      carried.add(cid);
      const epKey = `${business}:${e.epid}`;
      if (episodes.has(epKey)) fail(`${eat}/epid`, `duplicate epid ${e.epid}`);
      episodes.set(epKey, { seasonId: season.season_id, aid: e.aid, cid, page });
      const ord = j + 1;
      rows.season_episodes.push({
        business,
        epid: e.epid,
        season_id: season.season_id,
        ord,
        title: e.title ?? (business === PGC_BUSINESS ? String(ord) : archive.parts[page - 1]!),
        long_title: e.long_title ?? '',
        aid: e.aid,
        cid,
        pub_time: e.pub_time ?? now,
      });
      if (business === CHEESE_BUSINESS) {
        rows.areas.push({
          type: COURSE_AREA,
          oid: e.epid,
          owner_mid: archive.owner,
          closed: 0,
          created_at: now,
          root_count: 0,
          all_count: 0,
          root_floor: 0,
        });
      }
    }
  }

  const seen = new Set<string>();
  for (const [i, h] of (fixture.history ?? []).entries()) {
    const at = `/history/${i}`;
    needUser(`${at}/mid`, h.mid);
    let entry: { business: string; kid: number; aid: number; epid: number; cid: number; page: number };
    if (h.epid !== undefined) {
      // An episode's entry is its season's, as a watched episode is recorded (one entry per season).
      const business = h.course ? CHEESE_BUSINESS : PGC_BUSINESS;
      const episode = episodes.get(`${business}:${h.epid}`);
      if (!episode)
        fail(`${at}/epid`, `no ${h.course ? 'lesson' : 'season episode'} ${h.epid} in the fixture`);
      if (h.aid !== undefined && h.aid !== episode.aid)
        fail(`${at}/aid`, `ep${h.epid} is on archive ${episode.aid}, not ${h.aid}`);
      if (h.cid !== undefined && h.cid !== episode.cid)
        fail(`${at}/cid`, `ep${h.epid} is on part ${episode.cid}, not ${h.cid}`);
      entry = { business, kid: episode.seasonId, ...episode, epid: h.epid };
    } else {
      if (h.course) fail(`${at}/course`, 'needs epid');
      if (h.aid === undefined) fail(at, 'needs aid or epid');
      const archive = archives.get(h.aid);
      if (!archive) fail(`${at}/aid`, `no archive ${h.aid} in the fixture`);
      const cid = h.cid ?? archive.cids[0]!;
      const page = archive.cids.indexOf(cid) + 1;
      if (page === 0) fail(`${at}/cid`, `cid ${cid} is not a part of archive ${h.aid}`);
      entry = { business: 'archive', kid: h.aid, aid: h.aid, epid: 0, cid, page };
    }
    const key = `${h.mid}:${entry.business}:${entry.kid}`;
    if (seen.has(key)) {
      const what =
        entry.business === 'archive' ? 'archive' : entry.business === PGC_BUSINESS ? 'season' : 'course';
      fail(at, `user ${h.mid} already has a history entry for ${what} ${entry.kid}`);
    }
    seen.add(key);
    rows.history.push({
      mid: h.mid,
      business: entry.business,
      kid: entry.kid,
      oid: entry.aid,
      epid: entry.epid,
      cid: entry.cid,
      page: entry.page,
      progress: h.progress ?? 0,
      dt: h.dt ?? DEFAULT_DT,
      view_at: h.view_at ?? now,
    });
  }

  return {
    rows,
    summary: {
      users: rows.users.length,
      sessions: rows.sessions.length,
      archives: rows.archives.length,
      comments,
      history: rows.history.length,
      notices: rows.notices.length + rows.like_notices.length,
      seasons: rows.seasons.length,
      episodes: rows.season_episodes.length,
    },
  };
}
