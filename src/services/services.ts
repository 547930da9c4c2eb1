import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import { CatalogService } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { DemoService } from './demo.service.ts';
import { HistoryService } from './history.service.ts';
import { EmoteService } from './emote.service.ts';
import { LoginThrottle } from './login-throttle.service.ts';
import { MemberCache } from './member-cache.ts';
import { CommentLimits } from './comment-limits.ts';
import { ModerationService } from './moderation.service.ts';
import { QrLoginService } from './qr-login.service.ts';
import { ReplyQueryService } from './reply-query.service.ts';
import { ReplyService } from './reply.service.ts';
import { SensitiveWordService } from './sensitive-word.service.ts';
import { SessionService } from './session.service.ts';
import { UserService } from './user.service.ts';
import { VideoService } from './video.service.ts';
import { WbiService } from './wbi.service.ts';

/** Every use case, wired once per process (or per test server) over one store and one clock. */
export interface Services {
  readonly clock: Clock;
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly qrLogin: QrLoginService;
  readonly wbi: WbiService;
  readonly catalog: CatalogService;
  readonly video: VideoService;
  readonly history: HistoryService;
  readonly demo: DemoService;
  readonly emotes: EmoteService;
  readonly sensitiveWords: SensitiveWordService;
  readonly replies: ReplyService;
  readonly replyQueries: ReplyQueryService;
  readonly moderation: ModerationService;
}

export async function createServices(
  store: Store,
  config: Config,
  clock: Clock = systemClock,
): Promise<Services> {
  const sessions = new SessionService(store, clock, config.sessionCacheTtlMs);
  const members = new MemberCache(store, clock);
  const users = new UserService(store, clock, new LoginThrottle(store.handle), (mid) => {
    sessions.forgetUser(mid);
    members.forget(mid);
  });
  const catalog = new CatalogService(store, clock);
  const wbi = new WbiService(store, clock);
  await wbi.init();
  const emotes = new EmoteService(store, clock, config.publicUrl);
  await emotes.init();
  const sensitiveWords = new SensitiveWordService(store, clock);
  if (config.sensitiveWordsFile) await sensitiveWords.seedFromFile(config.sensitiveWordsFile);
  const replies = new ReplyService(
    store,
    clock,
    catalog,
    sensitiveWords,
    new CommentLimits(store.handle, config),
    {
      duplicateWindowSeconds: config.duplicateWindowSeconds,
      groupCommit: { maxBatchSize: config.batchMaxSize, maxWaitMs: config.batchMaxWaitMs },
    },
  );
  return {
    clock,
    users,
    sessions,
    qrLogin: new QrLoginService(store, sessions, clock),
    wbi,
    catalog,
    video: new VideoService(store, catalog),
    history: new HistoryService(store, clock, {
      maxBatchSize: config.batchMaxSize,
      maxWaitMs: config.batchMaxWaitMs,
    }),
    emotes,
    sensitiveWords,
    replies,
    replyQueries: new ReplyQueryService(store, catalog, emotes, members),
    moderation: new ModerationService(store, clock, replies),
    demo: new DemoService(store, users, catalog),
  };
}
