import { av2bv } from '../../domain/bvid.ts';
import type { ToviewEntry } from '../../services/toview.service.ts';
import type { PageRow } from '../../store/repositories/archive.repository.ts';
import type { ToviewItem, ToviewPage, ToviewWebItem } from '../../wire/toview.schema.ts';
import { faceUrl } from './account.mapper.ts';
import { archiveRights, archiveStat } from './history.mapper.ts';

/** Replay stores no video dimensions; the same landscape 1080p frame the history lists answer with. */
const DIMENSION = { width: 1920, height: 1080, rotate: 0 } as const;

function pageObject(p: PageRow | undefined): ToviewPage {
  return {
    cid: p?.cid ?? 0,
    page: p?.page ?? 1,
    from: 'vupload',
    part: p?.part ?? '',
    duration: p?.duration ?? 0,
    vid: '',
    weblink: '',
    dimension: DIMENSION,
  };
}

/**
 * One item of `/x/v2/history/toview` (CONTRACT.md §17.1). `cid`/`page` name the part the history's resume
 * point is in, else the first part; `progress` is that history entry's (0 when never watched).
 */
export function toviewItem(entry: ToviewEntry, publicUrl: string): ToviewItem {
  const { row, archive, pages, owner, history } = entry;
  const aid = row.aid;
  const page = (history && pages.find((p) => p.cid === history.cid)) || pages[0];
  return {
    aid,
    videos: pages.length || 1,
    tid: archive?.tid ?? 0,
    tname: archive?.tname ?? '',
    copyright: archive?.copyright ?? 3,
    pic: archive?.cover ?? '',
    title: archive?.title ?? '',
    pubdate: archive?.pubdate ?? 0,
    ctime: archive?.ctime ?? 0,
    desc: archive?.description ?? '',
    // -100: the documented state of a removed archive.
    state: archive?.state ?? -100,
    duration: archive?.duration ?? 0,
    rights: archiveRights(archive?.copyright),
    owner: {
      mid: archive?.owner_mid ?? 0,
      name: owner?.uname ?? '',
      face: owner ? faceUrl(owner, publicUrl) : '',
    },
    stat: archiveStat(aid, entry.view, entry.reply),
    dynamic: '',
    dimension: DIMENSION,
    page: pageObject(page),
    count: pages.length || 1,
    cid: page?.cid ?? 0,
    progress: history && page && history.cid === page.cid ? history.progress : 0,
    add_at: row.add_at,
    bvid: archive?.bvid ?? av2bv(aid),
  };
}

/** One item of `/x/v2/history/toview/web` (§17.2): with every part. */
export function toviewWebItem(entry: ToviewEntry, publicUrl: string): ToviewWebItem {
  return { ...toviewItem(entry, publicUrl), pages: entry.pages.map((p) => pageObject(p)) };
}
