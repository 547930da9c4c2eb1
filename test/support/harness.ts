import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createAdminClient, createClient } from '../../src/client/index.ts';
import type { AdminClient, BiliClient } from '../../src/client/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { Config, ConfigInput } from '../../src/config.ts';
import { ManualClock } from '../../src/services/clock.ts';
import { createServices } from '../../src/services/services.ts';
import type { Services } from '../../src/services/services.ts';
import { createDb } from '../../src/store/database.ts';
import type { DbHandle, Dialect } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { Store } from '../../src/store/store.ts';
import { injectFetch } from './inject-fetch.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
const ARTIFACTS = join(import.meta.dirname, '..', '.artifacts');

/** The databases every HTTP test runs on: SQLite always, PostgreSQL when the run has a cluster. */
export function dialects(): Dialect[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty, migrated database of the given dialect; returns its connection target. */
export async function createTestDatabase(
  dialect: Dialect,
): Promise<{ target: string; drop(): Promise<void> }> {
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (dialect === 'sqlite') {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name}.db`);
    return {
      target: file,
      drop: () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
        return Promise.resolve();
      },
    };
  }
  const adminUrl = inject('pgUrl');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    target: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A fresh database opened and migrated, for tests of the store's parts on their own; `cleanup` gets its
 * closing and dropping (run them in reverse order after the test).
 */
export async function openMigratedDatabase(
  dialect: Dialect,
  cleanup: (() => Promise<void>)[],
): Promise<DbHandle> {
  const db = await createTestDatabase(dialect);
  const handle = createDb(db.target);
  cleanup.push(() => db.drop());
  cleanup.push(() => handle.close());
  await migrateToLatest(handle.db);
  return handle;
}

export interface TestServer {
  dialect: Dialect;
  url: string;
  config: Config;
  app: FastifyInstance;
  handle: DbHandle;
  store: Store;
  services: Services;
  clock: ManualClock;
  admin: AdminClient;
  /** A Bilibili client with no login. */
  anonymous(): BiliClient;
  /** Creates a user (through the admin API) and a client signed in as it with web cookies. */
  signedIn(
    uname?: string,
    extra?: Record<string, unknown>,
  ): Promise<{ client: BiliClient; mid: number; accessKey: string }>;
  close(): Promise<void>;
}

let counter = 0;

export interface TestServerOptions {
  /**
   * How the typed clients (`admin`, `anonymous()`, `signedIn()`) reach the app: over a loopback socket
   * (default), or through `app.inject` for tests about answers rather than sockets. The server listens
   * either way, so `fetch(s.url)` still works.
   */
  transport?: 'socket' | 'inject';
}

/** A real Replay server on a loopback port over a fresh database; tests talk to it over HTTP. */
export async function startTestServer(
  dialect: Dialect,
  overrides: ConfigInput = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig(
    { db: database.target, adminToken: ADMIN_TOKEN, logLevel: 'silent', port: 0, demo: false, ...overrides },
    {},
  );
  const handle = createDb(config.db, { sqliteSynchronous: 'NORMAL', poolSize: 5 });
  await migrateToLatest(handle.db);
  const store = new Store(handle);
  const clock = new ManualClock();
  const services = await createServices(store, config, clock);
  const app = await buildApp({ config, services });
  // Port 0 unless the caller fixed one (the browser tests need `publicUrl` to be the real address).
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const transport = options.transport === 'inject' ? { fetch: injectFetch(app) } : {};
  const admin = createAdminClient({ baseUrl: url, token: ADMIN_TOKEN, ...transport });
  return {
    dialect,
    url,
    config,
    app,
    handle,
    store,
    services,
    clock,
    admin,
    anonymous: () => createClient({ baseUrl: url, ...transport }),
    async signedIn(uname, extra = {}) {
      const user = await admin.createUser({
        uname: uname ?? `user${++counter}_${randomBytes(3).toString('hex')}`,
        password: 'secret-pass',
        ...extra,
      });
      const session = await admin.issueSession(user.mid);
      return {
        client: createClient({ baseUrl: url, cookies: session.cookies, ...transport }),
        mid: user.mid,
        accessKey: session.access_key,
      };
    },
    async close() {
      await app.close();
      await handle.close();
      await database.drop();
    },
  };
}

export interface TestCluster {
  /** Base URLs of the nodes, all over the same database. */
  urls: string[];
  nodes: { app: FastifyInstance; services: Services; handle: DbHandle }[];
  admin: AdminClient;
  close(): Promise<void>;
}

/**
 * `count` independent Replay nodes (each with its own services, caches and pool) over one fresh database:
 * what cluster mode is. Migrated once, like a deployment that runs `replay migrate` before rolling nodes.
 */
export async function startTestCluster(
  dialect: Dialect,
  count: number,
  overrides: ConfigInput = {},
): Promise<TestCluster> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig(
    { db: database.target, adminToken: ADMIN_TOKEN, logLevel: 'silent', port: 0, demo: false, ...overrides },
    {},
  );
  const first = createDb(config.db, { sqliteSynchronous: 'NORMAL', poolSize: 5 });
  await migrateToLatest(first.db);
  const nodes: TestCluster['nodes'] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const handle = i === 0 ? first : createDb(config.db, { sqliteSynchronous: 'NORMAL', poolSize: 5 });
    const services = await createServices(new Store(handle), config);
    const app = await buildApp({ config, services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    urls.push(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    nodes.push({ app, services, handle });
  }
  return {
    urls,
    nodes,
    admin: createAdminClient({ baseUrl: urls[0]!, token: ADMIN_TOKEN }),
    async close() {
      for (const node of nodes) {
        await node.app.close();
        await node.handle.close();
      }
      await database.drop();
    },
  };
}
