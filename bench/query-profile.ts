import { rmSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Command } from 'commander';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services/services.ts';
import type { Services } from '../src/services/services.ts';
import type { UserRow } from '../src/store/repositories/user.repository.ts';
import { createDb } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrations/index.ts';
import { Store } from '../src/store/store.ts';
import { timeOffset } from '../src/domain/reply-cursor.ts';
import { seedArea } from './lib/seed-comments.ts';
import { startBenchPostgres } from './lib/replay.ts';

/**
 * `node bin/run-ts.js bench/query-profile.ts`: the SQL behind the comment endpoints, statement by
 * statement. Seeds one area, calls the services in-process (no HTTP) for reply/add, the page-1 list and
 * a deep cursor page, and prints for each the time per call and the statements that took it, so a
 * slow statement (or a commit) shows up by name. The load figures of `npm run bench` say that something
 * is slow; this says which query.
 */

const program = new Command('query-profile')
  .option('--size <n>', 'comments in the seeded area', (v) => Number(v), 100_000)
  .option('--calls <n>', 'calls per operation', (v) => Number(v), 300)
  .option('--dialect <d...>', 'sqlite and/or postgres', ['sqlite', 'postgres'])
  .option('--sqlite-synchronous <mode>', 'FULL (the default) or NORMAL', 'FULL');
const opts = program.parse(process.argv).opts<{
  size: number;
  calls: number;
  dialect: string[];
  sqliteSynchronous: 'FULL' | 'NORMAL';
}>();

type Stats = Map<string, { n: number; ms: number }>;
const stats: Stats = new Map();
const record = (sql: string, ms: number) => {
  const s = stats.get(sql) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  stats.set(sql, s);
};

// Time every statement where the drivers run it: better-sqlite3's statement methods, pg's Client#query.
type StatementMethods = Record<'all' | 'run' | 'get', (...args: unknown[]) => unknown>;
const sqliteProto = SQLite.prototype as unknown as {
  prepare: (this: SQLite.Database, sql: string) => unknown;
};
const prepare = sqliteProto.prepare;
sqliteProto.prepare = function (this: SQLite.Database, sql: string) {
  const statement = prepare.call(this, sql) as StatementMethods;
  for (const method of ['all', 'run', 'get'] as const) {
    const original = statement[method].bind(statement);
    statement[method] = (...args: unknown[]) => {
      const t = performance.now();
      try {
        return original(...args);
      } finally {
        record(sql, performance.now() - t);
      }
    };
  }
  return statement;
};
const pgProto = pg.Client.prototype as unknown as { query: (this: pg.Client, ...args: unknown[]) => unknown };
const query = pgProto.query;
pgProto.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const sql = typeof first === 'string' ? first : String((first as { text?: string }).text);
  const t = performance.now();
  const result = query.apply(this, args);
  if (result instanceof Promise) {
    result.then(
      () => record(sql, performance.now() - t),
      () => undefined,
    );
  }
  return result;
};

async function profile(dialect: 'sqlite' | 'postgres', target: string): Promise<void> {
  const handle = createDb(target, { sqliteSynchronous: opts.sqliteSynchronous, poolSize: 4 });
  try {
    await migrateToLatest(handle.db);
    const config = loadConfig({ db: target, commentBurstLimit: 0, commentHourlyLimit: 0 }, {});
    const services: Services = await createServices(new Store(handle), config);
    const users: UserRow[] = [];
    for (let i = 0; i < 100; i++) {
      users.push(await services.users.create({ mid: 10_000_001 + i, uname: `bench_${10_000_001 + i}` }));
    }
    const { archive } = await services.catalog.createArchive({
      title: 'query profile',
      owner_mid: users[0]!.mid,
      pages: [{ part: 'P1', duration: 600 }],
    });
    const area = await seedArea(
      { dialect, target },
      { type: 1, oid: archive.aid },
      opts.size,
      { firstMid: 10_000_001, count: users.length, unamePrefix: 'bench_' },
      Math.floor(Date.now() / 1000),
      () => undefined,
    );
    const address = { type: 1, oid: archive.aid };
    const run = async (label: string, call: (i: number) => Promise<unknown>) => {
      // Warm-up calls use indexes past the measured ones (comment texts must not repeat: 12051).
      for (let i = 0; i < 20; i++) await call(opts.calls + i);
      stats.clear();
      const t = performance.now();
      for (let i = 0; i < opts.calls; i++) await call(i);
      const perCall = (performance.now() - t) / opts.calls;
      console.log(`\n${dialect} ${label}: ${perCall.toFixed(3)} ms per call (sequential, in-process)`);
      const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
      for (const [sql, s] of rows) {
        const share = s.ms / opts.calls;
        console.log(
          `  ${share.toFixed(3).padStart(7)} ms/call  ${String(s.n).padStart(5)}×  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`,
        );
      }
    };
    const tag = Date.now().toString(36);
    await run('reply/add', (i) =>
      services.replies.add(users[i % users.length]!, {
        ...address,
        root: 0,
        parent: 0,
        message: `query profile ${tag} ${i} [微笑]`,
        plat: 1,
      }),
    );
    await run('/x/v2/reply page 1', (i) =>
      services.replyQueries.list(address, users[i % users.length]!.mid, {
        pn: 1,
        ps: 20,
        sort: 0,
        nohot: false,
      }),
    );
    await run('/x/v2/reply/wbi/main deep cursor', (i) =>
      services.replyQueries.main(address, users[i % users.length]!.mid, {
        mode: 2,
        ps: 20,
        next: 0,
        paginationStr: JSON.stringify({
          offset: timeOffset(21 + ((i * 7919) % Math.max(1, Math.floor(area.roots / 10))), true),
        }),
      }),
    );
  } finally {
    await handle.close();
  }
}

const work = join(import.meta.dirname, '.work');
if (opts.dialect.includes('sqlite')) {
  const file = join(work, `query-profile-${process.pid}.db`);
  try {
    await profile('sqlite', file);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}
if (opts.dialect.includes('postgres')) {
  const started = await startBenchPostgres();
  if (!started) console.log('\nPostgreSQL server binaries not found: skipped');
  else {
    try {
      await profile('postgres', started.cluster.url);
    } finally {
      started.cluster.stop();
    }
  }
}
