import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { freePort } from '../../test/support/postgres-cluster.ts';
import { SERVER_CORE, startProcess, waitForHttp } from './processes.ts';
import type { ServerProcess } from './processes.ts';
import { areaShape } from './seed-comments.ts';

/**
 * Reference 2, a peer: Waline's server (`@waline/vercel`), a popular self-hosted comment backend on
 * Node, with its SQLite storage. Installed by the bench into the git-ignored bench/.peers/ (never a
 * dependency of Replay), at a pinned version so runs compare like with like.
 */
export const WALINE_VERSION = '1.39.3';

export function walineDir(peersDir: string): string {
  return join(peersDir, 'node_modules', '@waline', 'vercel');
}

function installedVersion(peersDir: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(walineDir(peersDir), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

function sqlite3Loads(peersDir: string): boolean {
  return (
    spawnSync(process.execPath, ['-e', "require('sqlite3')"], { cwd: peersDir, stdio: 'ignore' }).status === 0
  );
}

/**
 * npm install into bench/.peers/. Waline's SQLite driver (`sqlite3`) has an install script (prebuilt
 * download, else a node-gyp build): it is allowed in the peers folder's own package.json only.
 */
export function ensureWaline(peersDir: string, log: (line: string) => void): void {
  mkdirSync(peersDir, { recursive: true });
  const manifest = join(peersDir, 'package.json');
  if (!existsSync(manifest)) {
    writeFileSync(
      manifest,
      `${JSON.stringify(
        {
          name: 'replay-bench-peers',
          private: true,
          description: 'Peers the benchmark compares Replay with; installed by bench/run.ts, never shipped.',
          allowScripts: { sqlite3: true },
        },
        null,
        2,
      )}\n`,
    );
  }
  if (installedVersion(peersDir) !== WALINE_VERSION) {
    log(`installing @waline/vercel@${WALINE_VERSION} into ${peersDir} (once; takes a few minutes)`);
    const result = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--save-exact', `@waline/vercel@${WALINE_VERSION}`],
      { cwd: peersDir, stdio: 'inherit' },
    );
    if (result.status !== 0) throw new Error('npm install @waline/vercel failed');
  }
  if (!sqlite3Loads(peersDir)) {
    log('building sqlite3 for Waline (node-gyp)');
    const result = spawnSync('npm', ['rebuild', 'sqlite3'], { cwd: peersDir, stdio: 'inherit' });
    if (result.status !== 0 || !sqlite3Loads(peersDir)) throw new Error('sqlite3 for Waline did not build');
  }
}

/**
 * Waline's documented SQLite schema (its `assets/waline.sqlite`), which it expects to exist: it never
 * creates tables itself.
 */
const WALINE_SCHEMA = `
CREATE TABLE wl_Comment (
  id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER, comment TEXT,
  insertedAt DATETIME DEFAULT (datetime('now', 'localtime')), ip TEXT, link TEXT, mail TEXT, nick TEXT,
  rid INTEGER, pid INTEGER, sticky NUMERIC, status TEXT NOT NULL, "like" INTEGER, ua TEXT, url TEXT,
  createdAt DATETIME DEFAULT (datetime('now', 'localtime')), updatedAt DATETIME DEFAULT (datetime('now', 'localtime')));
CREATE TABLE wl_Counter (
  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER, reaction0 INTEGER, reaction1 INTEGER, reaction2 INTEGER,
  reaction3 INTEGER, reaction4 INTEGER, reaction5 INTEGER, reaction6 INTEGER, reaction7 INTEGER, reaction8 INTEGER,
  url TEXT, createdAt DATETIME DEFAULT (datetime('now', 'localtime')), updatedAt DATETIME DEFAULT (datetime('now', 'localtime')));
CREATE TABLE wl_Users (
  id INTEGER PRIMARY KEY AUTOINCREMENT, display_name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
  password TEXT NOT NULL DEFAULT '', type TEXT NOT NULL DEFAULT '', label TEXT, github TEXT, twitter TEXT,
  facebook TEXT, google TEXT, weibo TEXT, qq TEXT, oidc TEXT, huawei TEXT, "2fa" TEXT, avatar TEXT, url TEXT,
  createdAt DATETIME DEFAULT (datetime('now', 'localtime')), updatedAt DATETIME DEFAULT (datetime('now', 'localtime')));
`;

export const WALINE_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/**
 * The Waline database with one page path holding `total` comments in the same shape as Replay's seeded
 * areas (roots with 0–3 replies, one busy thread), so the list comparison is like for like.
 */
function createWalineDb(file: string, listPath: string, total: number): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  const db = new SQLite(file);
  db.exec(WALINE_SCHEMA);
  const { groups, busyReplies, roots } = areaShape(total);
  const insert = db.prepare(
    `INSERT INTO wl_Comment (id, comment, insertedAt, ip, link, mail, nick, rid, pid, status, "like", ua, url)
     VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, 'approved', 0, ?, ?)`,
  );
  const t0 = Date.now() - (roots + busyReplies) * 10_000;
  const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  let id = 0;
  const add = (text: string, rid: number | null, pid: number | null, ms: number) => {
    id += 1;
    const user = id % 500;
    insert.run(
      id,
      text,
      stamp(ms),
      `10.0.${user >> 8}.${user & 255}`,
      `u${user}@example.com`,
      `u${user}`,
      rid,
      pid,
      WALINE_UA,
      listPath,
    );
    return id;
  };
  db.transaction(() => {
    const rootIds: number[] = [];
    for (let k = 1; k <= roots; k++)
      rootIds.push(add(`第${k}楼 这个视频真不错，从头看到尾，学到了很多 #${k}`, null, null, t0 + k * 10_000));
    for (let g = 0; g < groups; g++) {
      for (const c of [1, 2, 3]) {
        const root = rootIds[4 * g + c - 1]!;
        for (let j = 1; j <= c; j++)
          add(`回复第${4 * g + c}楼：同感，这段讲得很清楚`, root, root, t0 + (4 * g + c) * 10_000 + j);
      }
    }
    const busy = rootIds[roots - 1]!;
    let prev = busy;
    for (let j = 1; j <= busyReplies; j++) {
      prev = add(`楼中楼第${j}条 哈哈哈哈`, busy, j % 5 === 0 ? prev : busy, t0 + roots * 10_000 + j);
    }
  })();
  db.close();
}

export interface WalineNode {
  url: string;
  server: ServerProcess;
  /**
   * Deletes the comments the POST scenario added (page `postPath`). Waline reads a page's replies with an
   * unindexed `rid IN (…)` scan of the whole comment table, so every comment posted makes its list slower:
   * without this the list rate fell from 13/s to under 1/s (answers past wrk's timeout) by the third run.
   * Called before each Waline measurement, so every run sees the same 1k-comment table.
   */
  prunePosts(): void;
  stop(): Promise<void>;
}

/**
 * Waline answers every request only after fetching its OAuth provider list from OAUTH_URL (a public
 * service by default); a loopback stub answers it here, outside the measured core.
 */
function startOauthStub(port: number): Promise<Server> {
  const body = JSON.stringify({
    services: ['github', 'twitter', 'facebook', 'google', 'weibo', 'qq'].map((name) => ({
      name,
      origin: `${name}.example`,
    })),
  });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export async function startWaline(options: {
  peersDir: string;
  workDir: string;
  listPath: string;
  listSize: number;
  /** The page the POST scenario comments on. */
  postPath: string;
}): Promise<WalineNode> {
  const dataDir = join(options.workDir, 'waline');
  mkdirSync(dataDir, { recursive: true });
  createWalineDb(join(dataDir, 'waline.sqlite'), options.listPath, options.listSize);
  const stubPort = await freePort();
  const stub = await startOauthStub(stubPort);
  const port = await freePort();
  const server = startProcess({
    name: 'waline',
    command: process.execPath,
    // vanilla.js is Waline's own standalone entry (ThinkJS, one worker); its first argument is the port.
    args: ['vanilla.js', String(port)],
    cwd: walineDir(options.peersDir),
    env: {
      SQLITE_PATH: dataDir,
      SQLITE_DB: 'waline',
      JWT_TOKEN: 'bench-waline-jwt-secret',
      // Akismet off (it would call out to the Akismet API for every comment).
      AKISMET_KEY: 'false',
      OAUTH_URL: `http://127.0.0.1:${stubPort}/`,
      // Waline's per-IP comment rate limit, lifted like Replay's.
      IPQPS: '0',
      NODE_ENV: 'production',
    },
    core: SERVER_CORE,
    logFile: join(options.workDir, 'waline.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/comment?type=count&url=${encodeURIComponent(options.listPath)}`, server);
  } catch (error) {
    stub.close();
    throw error;
  }
  const dbFile = join(dataDir, 'waline.sqlite');
  return {
    url,
    server,
    prunePosts() {
      const db = new SQLite(dbFile);
      try {
        db.pragma('busy_timeout = 5000');
        db.prepare('DELETE FROM wl_Comment WHERE url = ?').run(options.postPath);
      } finally {
        db.close();
      }
    },
    async stop() {
      await server.stop();
      stub.closeAllConnections();
      await new Promise((r) => stub.close(r));
    },
  };
}
