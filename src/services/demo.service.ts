import type { CatalogService } from './catalog.service.ts';
import type { SeasonService } from './season.service.ts';
import type { UserService } from './user.service.ts';
import type { Store } from '../store/store.ts';

/**
 * The demo fixture (README "Demo data"): two users, the contract's av2, a three-part archive, and a short
 * season (番剧, three episodes) whose episodes are three more archives.
 */
export const DEMO = {
  uploader: {
    mid: 2,
    uname: 'bishi',
    password: 'uploader-demo',
    sign: '本站的第一个UP主',
    level: 6,
    vip_type: 2,
  },
  viewer: { mid: 3, uname: 'viewer', password: 'viewer-demo', sign: '', level: 3, vip_type: 0 },
  archives: [
    {
      aid: 2,
      title: '字幕君交流场所',
      desc: 'The archive of the contract heartbeat example (av2 / BV1xx411c7mD, cid 62131).',
      tid: 30,
      tname: 'VOCALOID·UTAU',
      pages: [{ cid: 62131, part: '字幕君交流场所', duration: 245 }],
    },
    {
      aid: 170001,
      title: 'Replay demo: three parts',
      desc: 'A three-part archive for trying per-part progress and resume.',
      tid: 17,
      tname: '单机游戏',
      pages: [
        { cid: 279786, part: 'P1 开始', duration: 120 },
        { cid: 279787, part: 'P2 中间', duration: 150 },
        { cid: 279788, part: 'P3 结束', duration: 180 },
      ],
    },
    ...[1, 2, 3].map((n) => ({
      aid: 170100 + n,
      title: `Replay demo season: episode ${n}`,
      desc: `Episode ${n} of the demo season ss41001.`,
      tid: 33,
      tname: '连载动画',
      pages: [{ cid: 279800 + n, part: `第${n}话`, duration: 80 + n * 10 }],
    })),
  ],
  season: {
    season_id: 41001,
    media_id: 41001,
    title: 'Replay 演示短篇',
    sub_type: 1,
    desc: 'A three-episode season for trying episode history, badges and resume.',
    total: 3,
    is_finish: true,
    episodes: [
      { epid: 410101, aid: 170101, title: '1', long_title: '出发' },
      { epid: 410102, aid: 170102, title: '2', long_title: '途中' },
      { epid: 410103, aid: 170103, title: '3', long_title: '到达' },
    ],
  },
} as const;

export class DemoService {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly catalog: CatalogService,
    private readonly seasons: SeasonService,
  ) {}

  /** No user at all: a fresh database, where `serve` loads the fixture unless told not to. */
  async isEmpty(): Promise<boolean> {
    return (await this.store.users.count()) === 0;
  }

  /** Creates whatever part of the fixture is missing; returns true if anything was created. */
  async seed(): Promise<boolean> {
    let created = false;
    for (const user of [DEMO.uploader, DEMO.viewer]) {
      if (await this.store.users.findByMid(user.mid)) continue;
      await this.users.create({ ...user });
      created = true;
    }
    for (const archive of DEMO.archives) {
      if (await this.store.archives.findByAid(archive.aid)) continue;
      await this.catalog.createArchive({
        ...archive,
        owner_mid: DEMO.uploader.mid,
        pages: archive.pages.map((p) => ({ ...p })),
      });
      created = true;
    }
    if (!(await this.store.seasons.find('pgc', DEMO.season.season_id))) {
      await this.seasons.createSeason({
        ...DEMO.season,
        episodes: DEMO.season.episodes.map((e) => ({ ...e })),
      });
      created = true;
    }
    return created;
  }
}
