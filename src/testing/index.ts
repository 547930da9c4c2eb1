import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app.ts';
import { createAdminClient, createClient } from '../client/index.ts';
import type {
  AdminClient,
  BiliClient,
  ClientOptions,
  ToolkitClockApi,
  ToolkitFaultsApi,
  ToolkitJournalApi,
} from '../client/index.ts';
import type { ToolkitFixtureSummary } from '../client/toolkit-admin-api.ts';
import { databaseOptions, loadConfig } from '../config.ts';
import type { Config, ConfigInput } from '../config.ts';
import { createServices } from '../services/services.ts';
import type { Services } from '../services/services.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';

export interface StartReplayOptions {
  /**
   * A `postgres://` URL (its database must exist; Replay migrates it) or a SQLite file path. Default: a
   * SQLite file in a new temporary directory, removed by `stop()`.
   */
  db?: string;
  /** Any other setting (names as in `Config`); the toolkit is always on and the demo data off. */
  config?: ConfigInput;
  /** Address to bind; default 127.0.0.1 on a free port. */
  host?: string;
}

export interface SignedInUser {
  mid: number;
  uname: string;
  /** A client that sends the user's web cookies. */
  client: BiliClient;
  /** A client that authenticates with the user's APP `access_key`. */
  app: BiliClient;
  cookies: Record<string, string>;
  accessKey: string;
}

export interface ReplayInstance {
  /** Base URL, e.g. http://127.0.0.1:41234: point the client under test here. */
  url: string;
  /** The admin client (bearer token set). */
  admin: AdminClient;
  adminToken: string;
  /** A Bilibili client of this server (no login unless `cookies` / `accessKey` are given). */
  client(options?: Omit<ClientOptions, 'baseUrl'>): BiliClient;
  /** Creates a user and signs it in (web cookies and an APP access key). */
  signedIn(uname?: string): Promise<SignedInUser>;
  /** Replaces the whole state with a fixture object (docs/toolkit.md, "Fixtures"), via the admin API. */
  loadFixture(fixture: unknown): Promise<ToolkitFixtureSummary>;
  /**
   * Back to a clean state between tests: fault rules cleared, journal emptied, clock back to real time,
   * and the data reset (to the loaded fixture when `to` is 'fixture').
   */
  reset(to?: 'empty' | 'fixture'): Promise<void>;
  clock: ToolkitClockApi;
  faults: ToolkitFaultsApi;
  journal: ToolkitJournalApi;
  /** The server's configuration and services, for assertions a test cannot make over HTTP. */
  config: Config;
  services: Services;
  /** Stops the server, closes the database and removes the temporary one. */
  stop(): Promise<void>;
}

/**
 * Starts Replay inside the test process, toolkit on, on a free loopback port over a temporary database:
 * `const replay = await startReplay(); … await replay.stop();` (docs/toolkit.md, "In-process start").
 */
export async function startReplay(options: StartReplayOptions = {}): Promise<ReplayInstance> {
  const directory = options.db === undefined ? mkdtempSync(join(tmpdir(), 'replay-')) : null;
  const db = options.db ?? join(directory!, 'replay.db');
  const adminToken = `replay-testing-${randomBytes(12).toString('hex')}`;
  const config = loadConfig(
    {
      logLevel: 'silent',
      demo: false,
      port: 0,
      host: options.host ?? '127.0.0.1',
      ...options.config,
      db,
      adminToken,
      toolkit: true,
    },
    {},
  );
  const handle = createDb(config.db, { ...databaseOptions(config), sqliteSynchronous: 'NORMAL' });
  let started = false;
  try {
    await migrateToLatest(handle.db);
    const services = await createServices(new Store(handle), config);
    const app = await buildApp({ config, services });
    await app.listen({ port: config.port, host: config.host });
    started = true;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const admin = createAdminClient({ baseUrl: url, token: adminToken });
    let users = 0;
    let stopping: Promise<void> | null = null;

    return {
      url,
      admin,
      adminToken,
      client: (clientOptions = {}) => createClient({ ...clientOptions, baseUrl: url }),
      async signedIn(uname) {
        const user = await admin.createUser({
          uname: uname ?? `user${++users}_${randomBytes(3).toString('hex')}`,
          password: 'replay-password',
        });
        const session = await admin.issueSession(user.mid);
        return {
          mid: user.mid,
          uname: user.uname,
          client: createClient({ baseUrl: url, cookies: session.cookies }),
          app: createClient({ baseUrl: url, accessKey: session.access_key }),
          cookies: { ...session.cookies },
          accessKey: session.access_key,
        };
      },
      loadFixture: (fixture) => admin.toolkit.loadFixture(fixture),
      async reset(to = 'empty') {
        await admin.faults.clear();
        await admin.journal.clear();
        await admin.clock.reset();
        await admin.toolkit.reset(to);
      },
      clock: admin.clock,
      faults: admin.faults,
      journal: admin.journal,
      config,
      services,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await handle.close();
          if (directory) rmSync(directory, { recursive: true, force: true });
        })()),
    };
  } finally {
    if (!started) {
      await handle.close();
      if (directory) rmSync(directory, { recursive: true, force: true });
    }
  }
}
