import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import { createDb } from '../../src/store/database.ts';
import type { DbHandle, Dialect } from '../../src/store/database.ts';
import { databaseTables } from '../../src/store/dump/dump.ts';
import { dumpedTables, knownTables } from '../../src/store/dump/tables.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { createTestDatabase, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'replay.js');
const ENV = { ...process.env, REPLAY_LOG_LEVEL: 'warn' };
const WORK = join(import.meta.dirname, '..', '.artifacts', 'export-import');
const NO_LIMITS = {
  commentBurstLimit: 0,
  commentHourlyLimit: 0,
  reportPerMinuteLimit: 0,
  duplicateWindowSeconds: 0,
};

function replay(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env: ENV, timeout: 60_000 });
}

/** Runs the CLI expecting failure; returns its exit code and stderr. */
async function replayFails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await replay(args);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`replay ${args.join(' ')} succeeded`);
}

let fileCounter = 0;
function workFile(name: string): string {
  mkdirSync(WORK, { recursive: true });
  return join(WORK, `${Date.now().toString(36)}-${++fileCounter}-${name}`);
}

/** Every table's rows, keys sorted, rows sorted: equal for the same data whatever the database. */
function canonical(file: string): { header: Record<string, unknown>; tables: Record<string, string[]> } {
  const [first, ...rest] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const tables: Record<string, string[]> = {};
  for (const line of rest) {
    const { table, row } = JSON.parse(line) as { table: string; row: Record<string, unknown> };
    const sorted = Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)));
    (tables[table] ??= []).push(JSON.stringify(sorted));
  }
  for (const rows of Object.values(tables)) rows.sort();
  return { header: JSON.parse(first!) as Record<string, unknown>, tables };
}

async function countRows(target: string): Promise<number> {
  const handle = createDb(target, { poolSize: 1 });
  try {
    let n = 0;
    for (const { name } of dumpedTables()) {
      const row = await handle.db
        .selectFrom(name as 'users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      n += Number(row.n);
    }
    return n;
  } finally {
    await handle.close();
  }
}

async function primaryKey(handle: DbHandle, table: string): Promise<string[]> {
  if (handle.dialect === 'sqlite') {
    const { rows } = await sql<{
      name: string;
      pk: number;
    }>`SELECT name, pk FROM pragma_table_info(${table})`.execute(handle.db);
    return rows
      .filter((r) => r.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((r) => r.name);
  }
  const { rows } = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_index i
    JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = ${table}::regclass AND i.indisprimary ORDER BY k.n`.execute(handle.db);
  return rows.map((r) => r.name);
}

/** A server's database with something in every kind of table the wire can fill, and a few oddities. */
async function populate(s: TestServer): Promise<void> {
  const owner = await s.signedIn('导出-owner');
  const alice = await s.signedIn('alice_引号');
  const bob = await s.signedIn('bob_2');
  const archive = await s.admin.createArchive({
    title: 'Export 测试 🎬',
    owner_mid: owner.mid,
    pages: [
      { part: 'P1', duration: 60 },
      { part: 'P2', duration: 90 },
    ],
  });
  const add = async (
    who: { client: BiliClient },
    message: string,
    extra: { root?: number; parent?: number } = {},
  ) => {
    const body = await who.client.reply.add({ type: 1, oid: archive.aid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    s.clock.advance(5);
    return body.data!.rpid;
  };
  const root = await add(alice, `第一条 😀\nline two "quoted" back\\slash \u2028 tab\t`);
  const reply = await add(bob, '回复', { root, parent: root });
  await add(owner, 'deep', { root, parent: reply });
  const other = await add(bob, 'second root');
  const gone = await add(bob, 'to delete');
  expect((await bob.client.reply.del({ type: 1, oid: archive.aid, rpid: gone })).code).toBe(0);
  expect((await owner.client.reply.like({ type: 1, oid: archive.aid, rpid: root, action: 1 })).code).toBe(0);
  expect((await alice.client.reply.hate({ type: 1, oid: archive.aid, rpid: other, action: 1 })).code).toBe(0);
  expect((await alice.client.reply.report({ type: 1, oid: archive.aid, rpid: other, reason: 4 })).code).toBe(
    0,
  );
  expect((await owner.client.reply.top({ type: 1, oid: archive.aid, rpid: root, action: 1 })).code).toBe(0);
  // Bytes, and values the HTTP API does not reach directly.
  await s.handle.db
    .insertInto('emote_images')
    .values({
      name: 'blob.png',
      content_type: 'image/png',
      data: Buffer.from([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]),
      created_at: 1,
    })
    .execute();
  await s.handle.db
    .insertInto('history')
    .values({
      mid: alice.mid,
      business: 'archive',
      kid: archive.aid,
      oid: archive.aid,
      epid: 0,
      cid: 1,
      page: 1,
      progress: 42,
      dt: 2,
      view_at: 1_760_000_000,
    })
    .execute();
}

describe('the dump covers every table', () => {
  it.each(dialects())(
    'a freshly migrated %s database has no table the list does not know',
    async (dialect) => {
      const db = await createTestDatabase(dialect);
      const handle = createDb(db.target, { poolSize: 1 });
      try {
        await migrateToLatest(handle.db);
        // A migration that adds a table fails here until tables.ts says whether (and how) it is dumped.
        expect(await databaseTables(handle)).toEqual([...knownTables()].sort());
        // The export pages by the declared key: a key that is not the primary key could skip rows.
        for (const { name, spec } of dumpedTables()) {
          expect(await primaryKey(handle, name), name).toEqual(spec.key);
        }
      } finally {
        await handle.close();
        await db.drop();
      }
    },
  );
});

describe('replay export / import', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('round trip SQLite → PostgreSQL → SQLite is exact (SQLite → SQLite without a cluster)', async () => {
    const s = await startTestServer('sqlite', NO_LIMITS);
    cleanups.push(() => s.close());
    await populate(s);

    const middle: Dialect = dialects().includes('postgres') ? 'postgres' : 'sqlite';
    const second = await createTestDatabase(middle);
    const third = await createTestDatabase('sqlite');
    cleanups.push(
      () => second.drop(),
      () => third.drop(),
    );

    const first = workFile('first.jsonl');
    await replay(['--db', s.config.db, 'export', first]);
    expect(existsSync(`${first}.partial`)).toBe(false);
    await replay(['--db', second.target, 'import', first]);
    const again = workFile('second.jsonl');
    await replay(['--db', second.target, 'export', again]);
    await replay(['--db', third.target, 'import', again]);
    const last = workFile('third.jsonl');
    await replay(['--db', third.target, 'export', last]);

    const a = canonical(first);
    const b = canonical(again);
    const c = canonical(last);
    expect(a.header).toMatchObject({ format: 'replay-export', version: 1, dialect: 'sqlite' });
    expect(b.header.dialect).toBe(middle);
    expect(b.header.tables).toEqual(a.header.tables);
    expect(b.tables).toEqual(a.tables);
    expect(c.tables).toEqual(a.tables);
    // Every table that the populate step reaches carries rows, so the comparison means something.
    for (const table of [
      'users',
      'sessions',
      'archives',
      'replies',
      'reply_votes',
      'reply_reports',
      'emote_images',
    ]) {
      expect(a.tables[table]?.length, table).toBeGreaterThan(0);
    }
    expect(a.tables.emote_images!.join()).toContain('"data":{"base64":"AAECf4D+/w=="}');
    expect(invariantViolations(await readSnapshot(third.target), { viewsExact: true })).toEqual([]);

    if (middle === 'postgres') {
      // The sequences moved past the imported ids: the next comment and notice do not collide.
      const handle = createDb(second.target, { poolSize: 1 });
      try {
        const { rows } = await sql<{ next: number; max: number; nnext: number; nmax: number | null }>`
          SELECT nextval('replies_rpid_seq')::bigint AS next, (SELECT MAX(rpid) FROM replies) AS max,
                 nextval(pg_get_serial_sequence('notices', 'id'))::bigint AS nnext,
                 (SELECT MAX(id) FROM notices) AS nmax`.execute(handle.db);
        expect(Number(rows[0]!.next)).toBe(Number(rows[0]!.max) + 1);
        expect(Number(rows[0]!.nnext)).toBe(Number(rows[0]!.nmax ?? 0) + 1);
      } finally {
        await handle.close();
      }
    }
  }, 180_000);

  it.each(dialects())(
    'bad or partial input names the line and imports nothing (%s)',
    async (dialect) => {
      const s = await startTestServer('sqlite', NO_LIMITS);
      cleanups.push(() => s.close());
      await populate(s);
      const good = workFile('good.jsonl');
      await replay(['--db', s.config.db, 'export', good]);
      const lines = readFileSync(good, 'utf8').split('\n').filter(Boolean);
      const target = await createTestDatabase(dialect);
      cleanups.push(() => target.drop());

      const attempt = async (name: string, content: string, expected: RegExp) => {
        const file = workFile(name);
        writeFileSync(file, content);
        const failed = await replayFails(['--db', target.target, 'import', file]);
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/nothing was imported/);
        expect(failed.stderr).toMatch(expected);
        expect(await countRows(target.target)).toBe(0);
      };

      const broken = [...lines];
      broken[9] = broken[9]!.slice(0, -3);
      await attempt('not-json.jsonl', `${broken.join('\n')}\n`, /line 10: not JSON/);
      await attempt(
        'cut.jsonl',
        `${lines.slice(0, -2).join('\n')}\n`,
        /the file ends with \d+ of the \d+ \w+ rows/,
      );
      const dup = [...lines];
      dup.splice(3, 0, lines[2]!);
      dup[0] = dup[0]!.replace(/"users":(\d+)/, (_, n: string) => `"users":${Number(n) + 1}`);
      await attempt('duplicate.jsonl', `${dup.join('\n')}\n`, /line 4: users row refused/);
      const unknownColumn = [...lines];
      unknownColumn[1] = unknownColumn[1]!.replace('"row":{', '"row":{"nope":1,');
      await attempt(
        'column.jsonl',
        `${unknownColumn.join('\n')}\n`,
        /line 2: table users has no column "nope"/,
      );
      await attempt('header.jsonl', `{"format":"something-else"}\n`, /line 1: not a Replay export/);
      await attempt(
        'future.jsonl',
        `${lines[0]!.replace('"version":1', '"version":2')}\n`,
        /line 1: export format version 2 is not supported/,
      );

      // A good file goes in; a second import is refused (not empty) unless --replace.
      await replay(['--db', target.target, 'import', good]);
      const total = await countRows(target.target);
      expect(total).toBe(lines.length - 1);
      const refused = await replayFails(['--db', target.target, 'import', good]);
      expect(refused.stderr).toMatch(/the database is not empty \(rows in users,.*--replace/);
      await replay(['--db', target.target, 'import', '--replace', good]);
      expect(await countRows(target.target)).toBe(total);
    },
    180_000,
  );
});

describe.each(dialects())('replay backup (%s)', (dialect) => {
  it(
    dialect === 'sqlite'
      ? 'copies the database while the server writes; the copy opens and its invariants hold'
      : 'prints the pg_dump command with the URL parts and exits 2 without writing',
    async () => {
      const s = await startTestServer(dialect, NO_LIMITS);
      try {
        const copy = workFile('backup.db');
        if (dialect === 'postgres') {
          const failed = await replayFails(['--db', s.config.db, 'backup', copy]);
          const url = new URL(s.config.db);
          expect(failed.code).toBe(2);
          expect(failed.stderr).toContain(
            `pg_dump --format=custom --no-owner --host=${url.hostname} --port=${url.port} --username=${url.username} --dbname=${url.pathname.slice(1)} --file=${copy}`,
          );
          expect(failed.stderr).toContain('pg_restore');
          expect(existsSync(copy)).toBe(false);
          return;
        }
        const owner = await s.signedIn();
        const writer = await s.signedIn();
        const archive = await s.admin.createArchive({
          title: 'backup',
          owner_mid: owner.mid,
          pages: [{ part: 'P1', duration: 60 }],
        });
        let stop = false;
        let written = 0;
        const writing = (async () => {
          let root = 0;
          while (!stop) {
            const body = await writer.client.reply.add({
              type: 1,
              oid: archive.aid,
              message: `m${written}`,
              ...(root && written % 3 ? { root, parent: root } : {}),
            });
            expect(body.code, body.message).toBe(0);
            if (!root) root = body.data!.rpid;
            written++;
          }
        })();
        while (written < 20) await new Promise((r) => setTimeout(r, 20));
        const out = await replay(['--db', s.config.db, 'backup', copy]);
        stop = true;
        await writing;
        expect(out.stderr).toMatch(/backed up \d+ pages/);

        const snapshot = await readSnapshot(copy);
        expect(invariantViolations(snapshot, { viewsExact: true })).toEqual([]);
        expect(snapshot.replies.length).toBeGreaterThanOrEqual(20);
        expect(snapshot.replies.length).toBeLessThanOrEqual(written);
        const again = await replayFails(['--db', s.config.db, 'backup', copy]);
        expect(again.stderr).toMatch(/exists; pass --force/);
        for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
      } finally {
        await s.close();
      }
    },
    120_000,
  );
});
