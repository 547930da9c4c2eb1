import { shownUsers } from '../domain/account-rules.ts';
import { bv2av } from '../domain/bvid.ts';
import { foldForMatching } from '../domain/text-fold.ts';
import { BiliError, badParam } from '../errors.ts';
import type { ArchiveRow, PageRow } from '../store/repositories/archive.repository.ts';
import type { HistoryRow } from '../store/repositories/history.repository.ts';
import type { ToviewRow } from '../store/repositories/toview.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';

/** "最多添加100个视频" (CONTRACT.md §17.1): the 101st addition is 90001. */
export const TOVIEW_LIMIT = 100;

/** `progress` of a finished entry (DESIGN.md §4). */
const FINISHED = -1;

/** One watch-later entry with what the lists show about its archive (null when the archive is gone). */
export interface ToviewEntry {
  row: ToviewRow;
  archive: ArchiveRow | null;
  pages: PageRow[];
  owner: UserRow | null;
  view: number;
  reply: number;
  /** The user's history entry of the archive: the resume point and the part it is in. */
  history: HistoryRow | null;
}

export interface ToviewWebQuery {
  pn: number;
  ps: number;
  /** 0 all, 1 not yet watched to the end, 2 watched to the end. */
  viewed: number;
  key: string;
  asc: boolean;
}

/** `clean_type` of `/toview/clear`: absent or 0 everything, 1 the unavailable archives, 2 the watched ones. */
export const CLEAN_TYPES = [0, 1, 2] as const;

/**
 * Watch-later (CONTRACT.md §17). `progress` is never stored here: it is read from the history entry the
 * heartbeats and reports keep (§17.3), and "watched" is that entry's finished mark (-1).
 */
export class ToviewService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** `/x/v2/history/toview`: the whole list, newest addition first. */
  async list(mid: number): Promise<ToviewEntry[]> {
    return this.entries(mid, await this.store.toview.list(mid));
  }

  /** `/x/v2/history/toview/web`: filtered by `viewed` and `key` (title or uploader), then paged. */
  async web(mid: number, q: ToviewWebQuery): Promise<{ count: number; entries: ToviewEntry[] }> {
    if (q.viewed < 0 || q.viewed > 2) throw badParam('viewed', '只能是 0、1 或 2');
    let entries = await this.list(mid);
    if (q.viewed !== 0) {
      const watched = q.viewed === 2;
      entries = entries.filter((e) => (e.history?.progress === FINISHED) === watched);
    }
    const key = foldForMatching(q.key.trim());
    if (key !== '') {
      entries = entries.filter(
        (e) =>
          foldForMatching(e.archive?.title ?? '').includes(key) ||
          foldForMatching(e.owner?.uname ?? '').includes(key),
      );
    }
    if (q.asc) entries.reverse();
    const start = (q.pn - 1) * q.ps;
    return { count: entries.length, entries: entries.slice(start, start + q.ps) };
  }

  /**
   * `/x/v2/history/toview/add`: an archive already listed moves to the top (0); an unknown one is 90003;
   * the list holding `TOVIEW_LIMIT` others is 90001.
   */
  async add(mid: number, aid: number | undefined, bvid: string | undefined): Promise<void> {
    const target = this.resolveAid(aid, bvid);
    const archive = await this.store.archives.findByAid(target);
    if (!archive || archive.state < 0) throw new BiliError(90003, `av${target}`);
    const now = nowSeconds(this.clock);
    await this.store.transaction(async (tx) => {
      const listed = await tx.toview.find(mid, target);
      if (!listed && (await tx.toview.count(mid)) >= TOVIEW_LIMIT) throw new BiliError(90001);
      // The account was deleted a moment ago (this node still held the session): signed out by now.
      if (!(await tx.toview.upsert(mid, target, now))) throw new BiliError(-101);
    });
  }

  /** `/x/v2/history/toview/del`: one archive (`aid`), or every watched one (`viewed=true`). */
  async del(mid: number, aid: number | undefined, viewed: boolean): Promise<void> {
    if (viewed) await this.store.toview.removeWatched(mid);
    if (aid !== undefined) await this.store.toview.remove(mid, [aid]);
    if (!viewed && aid === undefined) throw new BiliError(-400, '缺少参数 aid 或 viewed');
  }

  /** `/x/v2/history/toview/v2/dels`: `resources` is a comma-separated list of avids. */
  async dels(mid: number, resources: string): Promise<void> {
    const aids = parseResources(resources);
    await this.store.toview.remove(mid, aids);
  }

  /** `/x/v2/history/toview/clear`. */
  async clear(mid: number, cleanType: number): Promise<void> {
    if (cleanType === 1) await this.store.toview.removeInvalid(mid);
    else if (cleanType === 2) await this.store.toview.removeWatched(mid);
    else if (cleanType === 0) await this.store.toview.clear(mid);
    else throw badParam('clean_type', '只能是 1 或 2（不传则全部清空）');
  }

  private resolveAid(aid: number | undefined, bvid: string | undefined): number {
    let target = aid;
    if (bvid !== undefined && bvid !== '') {
      const fromBvid = bv2av(bvid);
      if (fromBvid === null) throw badParam('bvid');
      if (target !== undefined && target !== fromBvid) throw new BiliError(-400, 'aid 与 bvid 不一致');
      target = fromBvid;
    }
    if (target === undefined) throw new BiliError(-400, '缺少参数 aid 或 bvid');
    return target;
  }

  private async entries(mid: number, rows: readonly ToviewRow[]): Promise<ToviewEntry[]> {
    const aids = rows.map((r) => r.aid);
    const [archives, pagesOf, views, replies, history] = await Promise.all([
      this.store.archives.findByAids(aids),
      this.store.archives.findPagesOf(aids),
      this.store.history.viewCounts(aids),
      this.store.history.replyCounts(aids),
      this.store.toview.historyOf(mid, aids),
    ]);
    const owners = shownUsers(
      await this.store.users.findByMids([...archives.values()].map((a) => a.owner_mid)),
    );
    return rows.map((row) => {
      const archive = archives.get(row.aid) ?? null;
      return {
        row,
        archive,
        pages: pagesOf.get(row.aid) ?? [],
        owner: archive ? (owners.get(archive.owner_mid) ?? null) : null,
        view: views.get(row.aid) ?? 0,
        reply: replies.get(row.aid) ?? 0,
        history: history.get(row.aid) ?? null,
      };
    });
  }
}

/** `"170001,170002"` → avids; each must be a positive id (`aid:type` pairs of newer clients keep the aid). */
function parseResources(resources: string): number[] {
  const parts = resources
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw badParam('resources', '不能为空');
  if (parts.length > TOVIEW_LIMIT * 2) throw badParam('resources', '数量过多');
  return parts.map((part) => {
    const match = /^([1-9][0-9]{0,15})(?::[0-9]{1,4})?$/.exec(part);
    const aid = match ? Number(match[1]) : NaN;
    if (!Number.isSafeInteger(aid)) throw badParam('resources', '应为逗号分隔的 avid');
    return aid;
  });
}
