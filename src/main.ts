import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { ConfigError, databaseOptions } from './config.ts';
import { createDb } from './store/database.ts';
import { migrateToLatest } from './store/migrations/index.ts';
import { Store } from './store/store.ts';
import { createServices } from './services/services.ts';
import { DEMO } from './services/demo.service.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** config → db → migrate → (demo) → buildApp → listen. */
export async function startServer(
  config: Config,
  log: (line: string) => void = console.log,
): Promise<RunningServer> {
  const handle = createDb(config.db, databaseOptions(config));
  await migrateToLatest(handle.db);
  const store = new Store(handle);
  const services = await createServices(store, config);

  // A fixture replaces the whole state, so the demo (for an empty database only) never joins it.
  if (config.fixture) {
    if (!config.toolkit)
      throw new ConfigError('fixture', 'needs the toolkit on (--toolkit or REPLAY_TOOLKIT=on)');
    await services.fixtures.loadFile(config.fixture);
  }
  let demoLoaded = false;
  if (config.demo && (await services.demo.isEmpty())) demoLoaded = await services.demo.seed();

  const app = await buildApp({ config, services });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  log(`Replay listening on ${url} (database: ${store.label})`);
  if (config.adminTokenGenerated)
    log(`Admin API token (generated for this run; set REPLAY_ADMIN_TOKEN to fix it): ${config.adminToken}`);
  log(`Admin API docs: ${url}/admin/api/docs`);
  if (demoLoaded) {
    const session = await services.sessions.issueWeb(DEMO.viewer.mid);
    const cookieHeader = Object.entries(session.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    log('');
    log(
      `Demo data loaded: uploader "${DEMO.uploader.uname}" / ${DEMO.uploader.password} (mid ${DEMO.uploader.mid}), viewer "${DEMO.viewer.uname}" / ${DEMO.viewer.password} (mid ${DEMO.viewer.mid}).`,
    );
    log(`Cookie header of the demo viewer:`);
    log(`  Cookie: ${cookieHeader}`);
    log(`Try:`);
    log(`  curl -s -H 'Cookie: ${cookieHeader}' ${url}/x/web-interface/nav`);
    log(`Sign in in a browser at ${url}/login`);
  }

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      // The app's last onClose hook closes the store; closing it again here only waits for that.
      await app.close();
      await store.close();
    })());
  return { url, close };
}

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the database, exit. */
export function closeOnSignals(server: RunningServer, log: (line: string) => void = console.log): void {
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: draining and shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
