import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import { AccountService } from './account.service.ts';
import { CatalogService } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { DemoService } from './demo.service.ts';
import { DeviceService } from './device.service.ts';
import { HistoryService } from './history.service.ts';
import { EmoteService } from './emote.service.ts';
import { LoginThrottle } from './login-throttle.service.ts';
import { MemberCache } from './member-cache.ts';
import { MessageFeedService } from './message-feed.service.ts';
import { OnlineService } from './online.service.ts';
import { AnalyticsService } from './analytics.service.ts';
import { OutboxDispatcher } from './outbox-dispatcher.ts';
import { OutboxService } from './outbox.service.ts';
import { ToviewService } from './toview.service.ts';
import { ToolkitStateService } from './toolkit/state.service.ts';
import { FixtureService } from './toolkit/fixture.service.ts';
import { CommentLimits } from './comment-limits.ts';
import { ModerationService } from './moderation.service.ts';
import { QrLoginService } from './qr-login.service.ts';
import { PasswordLoginService } from './password-login.service.ts';
import { TvLoginService } from './tv-login.service.ts';
import { ReplyJumpService } from './reply-jump.service.ts';
import { ReplyQueryService } from './reply-query.service.ts';
import { ReplyPageCache } from './reply-page-cache.ts';
import { ReplyService } from './reply.service.ts';
import { SeasonService } from './season.service.ts';
import { SensitiveWordService } from './sensitive-word.service.ts';
import { SessionService } from './session.service.ts';
import { SsoService } from './sso.service.ts';
import { UserService } from './user.service.ts';
import { VideoService } from './video.service.ts';
import { WbiService } from './wbi.service.ts';
import { DomainEvents } from './toolkit/events.ts';
import { ControllableClock } from './toolkit/virtual-clock.ts';
import { ToolkitCluster } from './toolkit/cluster.ts';

/** Every use case, wired once per process (or per test server) over one store and one clock. */
export interface Services {
  readonly clock: Clock;
  /** Domain events for the toolkit's journal; emits cost nothing while no one listens. */
  readonly events: DomainEvents;
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly qrLogin: QrLoginService;
  readonly tvLogin: TvLoginService;
  readonly passwordLogin: PasswordLoginService;
  readonly wbi: WbiService;
  readonly devices: DeviceService;
  readonly catalog: CatalogService;
  readonly video: VideoService;
  readonly history: HistoryService;
  readonly online: OnlineService;
  readonly analytics: AnalyticsService;
  readonly toview: ToviewService;
  readonly seasons: SeasonService;
  readonly demo: DemoService;
  readonly emotes: EmoteService;
  readonly sensitiveWords: SensitiveWordService;
  readonly replies: ReplyService;
  readonly replyQueries: ReplyQueryService;
  readonly replyPages: ReplyPageCache;
  readonly moderation: ModerationService;
  readonly messageFeed: MessageFeedService;
  readonly replyJump: ReplyJumpService;
  readonly accounts: AccountService;
  readonly sso: SsoService;
  readonly outbox: OutboxService;
  /** Started and stopped with the app (app.ts). */
  readonly outboxDispatcher: OutboxDispatcher;
  /** Toolkit reset, snapshots and fixtures (docs/toolkit.md); its routes answer only with the toolkit on. */
  readonly toolkitState: ToolkitStateService;
  readonly fixtures: FixtureService;
  /** Cluster mode with the toolkit on: fault rules, clock and journal shared by every node; else null. */
  readonly toolkitCluster: ToolkitCluster | null;
  /**
   * Closes the storage: the store drains its batched writes, then closes the database. The app's last
   * onClose hook calls it (after the services with timers stopped them), and so does the CLI.
   */
  close(): Promise<void>;
}

export async function createServices(
  store: Store,
  config: Config,
  clock: Clock = systemClock,
): Promise<Services> {
  // The toolkit's virtual clock wraps the given one, so every service reads the time it sets.
  if (config.toolkit && !(clock instanceof ControllableClock)) clock = new ControllableClock(clock);
  const events = new DomainEvents();
  const sessions = new SessionService(store, clock, config.sessionCacheTtlMs, {
    refreshAfterSeconds: config.cookieRefreshAfterSeconds,
  });
  const members = new MemberCache(store, clock);
  const users = new UserService(store, clock, new LoginThrottle(store.rateLimits), (mid) => {
    sessions.forgetUser(mid);
    members.forget(mid);
  });
  const userChanged = (mid: number) => {
    sessions.forgetUser(mid);
    members.forget(mid);
  };
  const outbox = new OutboxService(store, clock, {
    cacheMs: config.webhookCacheMs,
    mail: config.smtpUrl !== '',
  });
  await outbox.init();
  const accounts = new AccountService(store, clock, users, config, outbox, userChanged);
  const sso = await SsoService.create(
    store,
    clock,
    sessions,
    {
      issuer: config.ssoIssuer,
      audience: config.ssoAudience,
      secret: config.ssoSecret,
      publicKeyFile: config.ssoPublicKeyFile,
      jwksFile: config.ssoJwksFile,
    },
    userChanged,
  );
  const catalog = new CatalogService(store, clock);
  const wbi = new WbiService(store, clock);
  await wbi.init();
  const devices = new DeviceService(store, clock);
  await devices.init();
  const emotes = new EmoteService(store, clock, config.publicUrl);
  await emotes.init();
  const sensitiveWords = new SensitiveWordService(store, clock);
  if (config.sensitiveWordsFile) await sensitiveWords.seedFromFile(config.sensitiveWordsFile);
  const replies = new ReplyService(
    store,
    clock,
    catalog,
    sensitiveWords,
    new CommentLimits(store.rateLimits, config),
    {
      duplicateWindowSeconds: config.duplicateWindowSeconds,
      groupCommit: { maxBatchSize: config.batchMaxSize, maxWaitMs: config.batchMaxWaitMs },
    },
    outbox,
  );
  const online = new OnlineService(store, clock, {
    windowSeconds: config.onlineWindowSeconds,
    publishMs: config.onlinePublishMs,
    cluster: store.sharedAcrossNodes,
  });
  const history = new HistoryService(
    store,
    clock,
    { maxBatchSize: config.batchMaxSize, maxWaitMs: config.batchMaxWaitMs },
    { online, anonymousPlayCap: config.anonymousPlayCap, outbox, analytics: config.watchAnalytics },
  );
  replies.events = events;
  history.events = events;
  const replyQueries = new ReplyQueryService(store, catalog, emotes, members);
  // Pages are stale once the member rows or emote snapshot they were built from are replaced.
  const replyPages = new ReplyPageCache(
    clock,
    catalog.revisions,
    () => members.generation + emotes.generation,
  );
  // The watch path caches archives with their episodes; a catalogue change drops the archives it touched.
  const seasons = new SeasonService(store, clock, (aids) => history.forgetArchives(aids));
  // A reset or restore replaces every row: everything this node keeps in memory about them goes.
  const toolkitState = new ToolkitStateService(store, clock, {
    flush: () => store.flush(),
    seed: (tx) => emotes.seedBuiltins(tx),
    dropCaches: async () => {
      sessions.forgetAll();
      members.forgetAll();
      replyPages.clear();
      history.forgetCaches();
      online.forgetAll();
      store.rateLimits.forgetLocal();
      await Promise.all([devices.init(), emotes.reload(), sensitiveWords.reload(), outbox.init()]);
    },
  });
  return {
    close: () => store.close(),
    toolkitState,
    fixtures: new FixtureService(store, clock, toolkitState),
    toolkitCluster: toolkitShared(store, config),
    clock,
    events,
    users,
    sessions,
    qrLogin: new QrLoginService(store, sessions, clock),
    tvLogin: new TvLoginService(store, sessions, clock),
    passwordLogin: new PasswordLoginService(store, clock),
    wbi,
    devices,
    catalog,
    video: new VideoService(store, catalog),
    history,
    online,
    analytics: new AnalyticsService(store, clock, catalog, online),
    toview: new ToviewService(store, clock),
    seasons,
    emotes,
    sensitiveWords,
    replies,
    replyQueries,
    replyPages,
    moderation: new ModerationService(store, clock, replies, users, catalog),
    messageFeed: new MessageFeedService(store, clock),
    replyJump: new ReplyJumpService(store, catalog, replyQueries),
    accounts,
    sso,
    outbox,
    outboxDispatcher: new OutboxDispatcher(store, {
      pollMs: config.outboxPollMs,
      timeoutMs: config.webhookTimeoutMs,
      maxAttempts: config.webhookMaxAttempts,
      backoffMs: config.webhookBackoffMs,
      retentionDays: config.outboxRetentionDays,
      ...(config.smtpUrl
        ? {
            mail: {
              url: config.smtpUrl,
              from: config.smtpFrom,
              digestSeconds: config.mailDigestSeconds,
              publicUrl: config.publicUrl,
            },
          }
        : {}),
    }),
    demo: new DemoService(store, users, catalog, seasons, replies, history),
  };
}

/** Cluster mode (PostgreSQL) with the toolkit on: the runtime every node follows (docs/toolkit.md). */
function toolkitShared(store: Store, config: Config): ToolkitCluster | null {
  const shared = config.toolkit ? store.createToolkitShared() : null;
  return shared ? new ToolkitCluster(shared) : null;
}
