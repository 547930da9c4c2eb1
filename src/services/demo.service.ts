import type { CatalogService } from './catalog.service.ts';
import type { HistoryService } from './history.service.ts';
import type { ReplyService } from './reply.service.ts';
import type { SeasonService } from './season.service.ts';
import type { UserService } from './user.service.ts';
import type { Store } from '../store/store.ts';

/**
 * Every part of every demo video plays the same clip, `assets/media/replay-demo.webm`
 * (`scripts/make-demo-video.sh`), so every demo part is exactly as long as it: a progress bar, a "resume at
 * m:ss" and "watched to the end" then agree with what the player shows.
 */
export const DEMO_CLIP_SECONDS = 24;

/**
 * The demo fixture (README "Demo data"): two users, the contract's av2, a three-part archive, and a short
 * season (番剧, three episodes) whose episodes are three more archives; a few comment threads between the
 * two users and some watch history of the viewer, so every page has something to show at first sight.
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
      // Bilibili's own heartbeat example (av2 / BV1xx411c7mD, cid 62131), kept so its requests work as is.
      aid: 2,
      title: '字幕君交流场所',
      desc: 'The first video of this site. Like every demo video it plays a 24-second test pattern with a beep: Replay keeps comments and watch history, not the videos themselves.',
      tid: 30,
      tname: 'VOCALOID·UTAU',
      pages: [{ cid: 62131, part: '字幕君交流场所', duration: DEMO_CLIP_SECONDS }],
    },
    {
      aid: 170001,
      title: 'Replay demo: three parts',
      desc: 'A video in three short parts. Stop in the middle of one, leave, and come back: the page opens the part you were watching at the second you left it.',
      tid: 17,
      tname: '单机游戏',
      pages: [
        { cid: 279786, part: 'Opening', duration: DEMO_CLIP_SECONDS },
        { cid: 279787, part: 'Middle', duration: DEMO_CLIP_SECONDS },
        { cid: 279788, part: 'Ending', duration: DEMO_CLIP_SECONDS },
      ],
    },
    ...[1, 2, 3].map((n) => ({
      aid: 170100 + n,
      title: `Replay demo season: episode ${n}`,
      desc: `Episode ${n} of three of the demo season. The history page shows it with the season's name and episode title.`,
      tid: 33,
      tname: '连载动画',
      pages: [{ cid: 279800 + n, part: `第${n}话`, duration: DEMO_CLIP_SECONDS }],
    })),
  ],
  season: {
    season_id: 41001,
    media_id: 41001,
    title: 'Replay 演示短篇',
    sub_type: 1,
    desc: 'A short season of three episodes: watch one and the season page offers to continue with the next.',
    total: 3,
    is_finish: true,
    episodes: [
      { epid: 410101, aid: 170101, title: '1', long_title: '出发' },
      { epid: 410102, aid: 170102, title: '2', long_title: '途中' },
      { epid: 410103, aid: 170103, title: '3', long_title: '到达' },
    ],
  },
  /**
   * Comment threads (type 1, oid = aid), posted in this order. `reply` is the index of the comment answered
   * (its thread's root is found from it); `likes` are the indexes the author likes. Posted as the
   * operator's seed, so the visitors' comment rate limits (however low they are set) do not apply.
   */
  comments: [
    {
      by: 'uploader',
      aid: 170001,
      pin: true,
      message:
        'Welcome to the Replay demo! All three parts play the same 24-second test clip. Pause one, switch parts, come back later: your place is kept.',
    },
    {
      by: 'viewer',
      aid: 170001,
      message: 'I stopped in the middle part, closed the tab, and it picked up at the same second. Nice.',
      likes: [0],
    },
    {
      by: 'uploader',
      aid: 170001,
      reply: 1,
      message: 'Thanks! The player reports where you are every few seconds; that is your watch history.',
      likes: [1],
    },
    {
      by: 'viewer',
      aid: 170001,
      reply: 2,
      message: 'Does it remember the episodes of a season too?',
      likes: [2],
    },
    {
      by: 'uploader',
      aid: 170001,
      reply: 3,
      message: 'Yes: open the demo season from the history page and it continues with the next episode.',
    },
    {
      by: 'viewer',
      aid: 170001,
      message: 'The beep helps to check that sound and picture are in step.',
    },
    { by: 'viewer', aid: 2, message: 'The first video of the site!' },
    { by: 'uploader', aid: 2, reply: 6, message: 'Welcome! Leave a comment on any video.', likes: [6] },
  ],
  /** The demo viewer's watch history: in the middle of a part, a video watched to the end, an episode. */
  history: [
    { aid: 2, cid: 62131, progress: -1 },
    { aid: 170102, cid: 279802, progress: 9, type: 4, epid: 410102, sid: 41001 },
    { aid: 170001, cid: 279787, progress: 11 },
  ],
} as const;

export class DemoService {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly catalog: CatalogService,
    private readonly seasons: SeasonService,
    private readonly replies: ReplyService,
    private readonly history: HistoryService,
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
    if (await this.seedComments()) created = true;
    if (await this.seedHistory()) created = true;
    return created;
  }

  /**
   * Through the comment service, so counters, floors, notices and the pin are what a real reply, like and
   * pin would leave. Only into the demo uploader's areas where no comment was ever posted (the floor counter
   * is 0), so a second seed adds nothing and comments deleted by the operator stay deleted.
   */
  private async seedComments(): Promise<boolean> {
    const fresh = new Set<number>();
    for (const aid of new Set(DEMO.comments.map((c) => c.aid))) {
      const area = await this.store.areas.find(1, aid);
      // An operator may have made av170001 themselves before seeding: their area is not the demo's.
      if (area && area.root_floor === 0 && area.owner_mid === DEMO.uploader.mid) fresh.add(aid);
    }
    if (fresh.size === 0) return false;
    const authors = {
      uploader: await this.users.get(DEMO.uploader.mid),
      viewer: await this.users.get(DEMO.viewer.mid),
    };
    const posted: { rpid: number; root: number }[] = [];
    for (const comment of DEMO.comments) {
      const answered = 'reply' in comment ? posted[comment.reply] : undefined;
      if (!fresh.has(comment.aid) || ('reply' in comment && !answered)) {
        posted.push({ rpid: 0, root: 0 });
        continue;
      }
      const author = authors[comment.by];
      const area = { type: 1, oid: comment.aid };
      const { row } = await this.replies.add(
        author,
        {
          ...area,
          root: answered ? answered.root || answered.rpid : 0,
          parent: answered?.rpid ?? 0,
          message: comment.message,
          plat: 1,
        },
        { operatorSeed: true },
      );
      posted.push({ rpid: row.rpid, root: row.root });
      if ('pin' in comment) await this.replies.pin(author, { ...area, rpid: row.rpid, action: 1 });
      for (const liked of 'likes' in comment ? comment.likes : []) {
        const target = posted[liked];
        if (target?.rpid) await this.replies.vote(author, { ...area, rpid: target.rpid, action: 1 }, 'like');
      }
    }
    return true;
  }

  /** The viewer's history, while the viewer has none and records history (the pause is theirs to keep). */
  private async seedHistory(): Promise<boolean> {
    const mid = DEMO.viewer.mid;
    if (await this.history.isPaused(mid)) return false;
    if ((await this.store.history.listPage(mid, ['archive', 'pgc'], 0, 1)).length > 0) return false;
    let reported = false;
    for (const entry of DEMO.history) {
      // Only parts that are the demo's own (an operator's archive under a demo aid has other cids).
      if ((await this.store.archives.findPageByCid(entry.cid))?.aid !== entry.aid) continue;
      await this.history.report({ mid, mode: 'cookie' }, { ...entry, dt: 2 });
      reported = true;
    }
    return reported;
  }
}
