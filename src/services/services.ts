import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import { CatalogService } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { DemoService } from './demo.service.ts';
import { EmoteService } from './emote.service.ts';
import { LoginThrottle } from './login-throttle.service.ts';
import { QrLoginService } from './qr-login.service.ts';
import { SensitiveWordService } from './sensitive-word.service.ts';
import { SessionService } from './session.service.ts';
import { UserService } from './user.service.ts';
import { WbiService } from './wbi.service.ts';

/** Every use case, wired once per process (or per test server) over one store and one clock. */
export interface Services {
  readonly clock: Clock;
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly qrLogin: QrLoginService;
  readonly wbi: WbiService;
  readonly catalog: CatalogService;
  readonly demo: DemoService;
  readonly emotes: EmoteService;
  readonly sensitiveWords: SensitiveWordService;
}

export async function createServices(
  store: Store,
  config: Config,
  clock: Clock = systemClock,
): Promise<Services> {
  const sessions = new SessionService(store, clock, config.sessionCacheTtlMs);
  const users = new UserService(store, clock, new LoginThrottle(store.handle), (mid) => sessions.forgetUser(mid));
  const catalog = new CatalogService(store, clock);
  const wbi = new WbiService(store, clock);
  await wbi.init();
  const emotes = new EmoteService(store, clock, config.publicUrl);
  await emotes.init();
  const sensitiveWords = new SensitiveWordService(store, clock);
  return {
    clock,
    users,
    sessions,
    qrLogin: new QrLoginService(store, sessions, clock),
    wbi,
    catalog,
    emotes,
    sensitiveWords,
    demo: new DemoService(store, users, catalog),
  };
}
