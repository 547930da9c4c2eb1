import { ARCHIVE_AREA_TYPE, isAreaType } from '../domain/area-types.ts';
import { av2bv, bv2av, isValidAid } from '../domain/bvid.ts';
import { BiliError } from '../errors.ts';
import type { ArchiveRow, PageRow } from '../store/repositories/archive.repository.ts';
import type { AreaRow } from '../store/repositories/area.repository.ts';
import type { Repositories, Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { AreaRevisions } from './reply-page-cache.ts';
import { MAX_GIVEN_AID, givenIdProblem } from '../domain/ids.ts';

export interface NewArchiveInput {
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

export interface ArchiveWithPages {
  archive: ArchiveRow;
  pages: PageRow[];
}

/**
 * The stored row of a new archive: the admin API's create and the toolkit's fixtures fill the optional
 * fields alike (`pubdate` defaults to now, the duration is the parts' sum).
 */
export function newArchiveRow(
  aid: number,
  input: Omit<NewArchiveInput, 'aid' | 'pages'>,
  pages: readonly { duration: number }[],
  now: number,
): ArchiveRow {
  return {
    aid,
    bvid: av2bv(aid),
    title: input.title,
    cover: input.cover ?? '',
    description: input.desc ?? '',
    owner_mid: input.owner_mid,
    tid: input.tid ?? 0,
    tname: input.tname ?? '',
    copyright: input.copyright ?? 1,
    pubdate: input.pubdate ?? now,
    ctime: now,
    duration: pages.reduce((sum, p) => sum + p.duration, 0),
    state: 0,
  };
}

/** Auto-assigned ids start above the sequential era (av99999999) and above the docs' example cids. */
const FIRST_ASSIGNED_AID = 100_000_001;
const FIRST_ASSIGNED_CID = 1_000_000_001;

/** Archives (videos with parts) and comment areas: what comments and watch history attach to. */
export class CatalogService {
  /** This node's committed writes per comment area (cached comment pages check it). */
  readonly revisions = new AreaRevisions();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async createArchive(input: NewArchiveInput): Promise<ArchiveWithPages> {
    // Given ids leave room for the automatic ones above them (domain/ids.ts), on the CLI as on the API.
    const idProblem =
      givenIdProblem('aid', input.aid, MAX_GIVEN_AID) ??
      input.pages.map((p) => givenIdProblem('cid', p.cid)).find((problem) => problem !== undefined);
    if (idProblem) throw new BiliError(-400, idProblem);
    if (input.aid !== undefined && !isValidAid(input.aid))
      throw new BiliError(-400, 'aid must be 1 to 2^51−1');
    if (!input.title.trim()) throw new BiliError(-400, 'title must not be empty');
    if (input.pages.length === 0) throw new BiliError(-400, 'an archive needs at least one page');
    const cids = input.pages.map((p) => p.cid).filter((c): c is number => c !== undefined);
    if (new Set(cids).size !== cids.length) throw new BiliError(-400, 'duplicate cid in pages');
    for (const page of input.pages) {
      if (!Number.isInteger(page.duration) || page.duration < 1)
        throw new BiliError(-400, 'page duration must be ≥ 1');
      if (!page.part.trim()) throw new BiliError(-400, 'page part must not be empty');
    }
    const now = nowSeconds(this.clock);
    const created = await this.store.transactionUnlessDuplicate(async (tx) => {
      if (!(await tx.users.findByMid(input.owner_mid)))
        throw new BiliError(-626, `owner_mid ${input.owner_mid}`);
      if (input.aid !== undefined && (await tx.archives.findByAid(input.aid))) {
        throw new BiliError(-409, `aid ${input.aid} exists`);
      }
      for (const cid of cids) {
        if (await tx.archives.findPageByCid(cid)) throw new BiliError(-409, `cid ${cid} exists`);
      }
      const aid = input.aid ?? Math.max((await tx.archives.maxAid()) + 1, FIRST_ASSIGNED_AID);
      let nextCid = Math.max((await tx.archives.maxCid()) + 1, FIRST_ASSIGNED_CID);
      const pages = input.pages.map((p, i) => ({
        cid: p.cid ?? nextCid++,
        aid,
        page: i + 1,
        part: p.part,
        duration: p.duration,
      }));
      const archive = newArchiveRow(aid, input, pages, now);
      await tx.archives.insert(archive, pages);
      await tx.areas.upsert({
        type: ARCHIVE_AREA_TYPE,
        oid: aid,
        owner_mid: input.owner_mid,
        closed: 0,
        now,
      });
      return { archive, pages };
    });
    if (created === 'duplicate') throw new BiliError(-409, 'aid or cid already exists');
    return created;
  }

  async getArchive(aid: number): Promise<ArchiveWithPages> {
    const archive = await this.store.archives.findByAid(aid);
    if (!archive) throw new BiliError(-404, `aid ${aid}`);
    return { archive, pages: await this.store.archives.findPages(aid) };
  }

  /**
   * The archive a request names by `aid`, `bvid` or both (they must then agree); -400 when neither is
   * given or they disagree, -404 when no such archive.
   */
  async resolveArchive(ref: {
    aid?: number | undefined;
    bvid?: string | undefined;
  }): Promise<ArchiveWithPages> {
    let aid = ref.aid;
    if (ref.bvid !== undefined && ref.bvid !== '') {
      const fromBvid = bv2av(ref.bvid);
      if (fromBvid === null) throw new BiliError(-400, `参数 bvid 格式错误`);
      if (aid !== undefined && aid !== fromBvid) throw new BiliError(-400, 'aid 与 bvid 不一致');
      aid = fromBvid;
    }
    if (aid === undefined) throw new BiliError(-400, '缺少参数 aid 或 bvid');
    return this.getArchive(aid);
  }

  async putArea(
    type: number,
    oid: number,
    ownerMid: number,
    closed: boolean,
    /** Runs in the write's transaction with the area as it was before (the operator's audit row). */
    alongside?: (tx: Repositories, before: AreaRow | undefined) => Promise<void>,
  ): Promise<AreaRow> {
    if (!isAreaType(type)) throw new BiliError(12009);
    if (!(await this.store.users.findByMid(ownerMid))) throw new BiliError(-626, `owner_mid ${ownerMid}`);
    const upsert = (repos: Repositories) =>
      repos.areas.upsert({
        type,
        oid,
        owner_mid: ownerMid,
        closed: closed ? 1 : 0,
        now: nowSeconds(this.clock),
      });
    const area = alongside
      ? await this.store.transaction(async (tx) => {
          const before = await tx.areas.find(type, oid);
          const row = await upsert(tx);
          await alongside(tx, before);
          return row;
        })
      : await upsert(this.store);
    this.areaChanged(area);
    return area;
  }

  /** Call after a write to an area's comments or settings committed: its cached pages are stale. */
  areaChanged(area: { type: number; oid: number }): void {
    this.revisions.touch(area);
  }

  /** The area of (type, oid): 12009 for an unknown type, -404 when no such area exists. */
  async getArea(type: number, oid: number): Promise<AreaRow> {
    if (!isAreaType(type)) throw new BiliError(12009);
    const area = await this.store.areas.find(type, oid);
    if (!area) throw new BiliError(-404, `area ${type}/${oid}`);
    return area;
  }
}
