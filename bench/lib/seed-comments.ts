import SQLite from 'better-sqlite3';
import pg from 'pg';
import { FIRST_RPID } from '../../src/store/repositories/reply.repository.ts';

/**
 * Bulk seeding of comment areas with set-based SQL straight into the store (a million rows through the
 * API would take longer than the whole benchmark). The rows follow the comments schema and its rules
 * exactly (DESIGN.md §4): floors, counters and the thread fields are what posting through the API would
 * have produced, and the bench checks that by reading a page back through the API.
 *
 * Shape of an area of N comments:
 * - 4G ordinary level-1 comments; comment k has k % 4 direct replies (0–3, so page 1 mixes roots with
 *   and without previews): 6 replies per 4 roots;
 * - one "busy" level-1 comment, the newest, with the remaining H replies (about N/200, at most 5,000),
 *   every fifth of which answers the reply before it (a level-3 reply: parent = that reply, dialog
 *   inherited, message prefixed with `回复 @<uname> :`), for `/x/v2/reply/reply` and the dialog paths.
 * N = 4G + 6G + 1 + H.
 */

export interface BenchAuthors {
  /** Authors are mids firstMid … firstMid + count − 1 with unames `<prefix><mid>`. */
  firstMid: number;
  count: number;
  unamePrefix: string;
}

export interface SeededArea {
  type: number;
  oid: number;
  total: number;
  roots: number;
  /** The busy thread: its root rpid and reply count. */
  busyRoot: number;
  busyReplies: number;
  /** Floors of level-1 comments run 1 … roots (the busy root has the highest). */
  rpidBase: number;
}

export interface SeedTarget {
  dialect: 'sqlite' | 'postgres';
  /** SQLite file or postgres:// URL. */
  target: string;
}

const CHUNK = 50_000;

export function areaShape(total: number): { groups: number; busyReplies: number; roots: number } {
  const wantedBusy = Math.min(5000, Math.max(20, Math.floor(total / 200)));
  const groups = Math.max(0, Math.floor((total - 1 - wantedBusy) / 10));
  return { groups, busyReplies: total - 1 - 10 * groups, roots: 4 * groups + 1 };
}

/** A uniform way to run statements on either database during the seed. */
interface Runner {
  dialect: 'sqlite' | 'postgres';
  exec(sql: string): Promise<void>;
  scalar(sql: string): Promise<number>;
  columns(table: string): Promise<string[]>;
  close(): Promise<void>;
}

async function openRunner(target: SeedTarget): Promise<Runner> {
  if (target.dialect === 'sqlite') {
    const db = new SQLite(target.target);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    return {
      dialect: 'sqlite',
      exec: (sql) => {
        db.exec(sql);
        return Promise.resolve();
      },
      scalar: (sql) => Promise.resolve(Number(db.prepare(sql).pluck().get() ?? 0)),
      columns: (table) =>
        Promise.resolve((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name)),
      close: () => {
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        return Promise.resolve();
      },
    };
  }
  const client = new pg.Client({ connectionString: target.target });
  await client.connect();
  await client.query('SET synchronous_commit = off');
  return {
    dialect: 'postgres',
    exec: async (sql) => {
      await client.query(sql);
    },
    scalar: async (sql) => {
      const { rows } = await client.query<{ v: string | number | null }>(sql);
      return Number(rows[0]?.v ?? 0);
    },
    columns: async (table) => {
      const { rows } = await client.query<{ name: string }>(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1',
        [table],
      );
      return rows.map((r) => r.name);
    },
    close: () => client.end(),
  };
}

/** `s(i)` for lo ≤ i ≤ hi: generate_series on PostgreSQL, a recursive CTE on SQLite. */
function series(dialect: 'sqlite' | 'postgres', lo: number, hi: number): string {
  return dialect === 'postgres'
    ? `WITH s(i) AS (SELECT generate_series(${lo}::bigint, ${hi}::bigint))`
    : `WITH RECURSIVE s(i) AS (SELECT ${lo} UNION ALL SELECT i + 1 FROM s WHERE i < ${hi})`;
}

/**
 * Seeds one area (which must exist and be empty) with `total` comments; `progress(done, total)` is
 * called after each chunk. Returns what the scenarios need to address it.
 */
export async function seedArea(
  target: SeedTarget,
  area: { type: number; oid: number },
  total: number,
  authors: BenchAuthors,
  now: number,
  progress: (done: number, total: number) => void,
): Promise<SeededArea> {
  const run = await openRunner(target);
  try {
    const { groups, busyReplies, roots } = areaShape(total);
    const base = Math.max(await run.scalar('SELECT MAX(rpid) AS v FROM replies'), FIRST_RPID - 1) + 1000;
    const busyRoot = base + roots;
    const regularBase = base + roots; // regular reply m (0-based) is regularBase + 1 + m
    const busyBase = regularBase + 6 * groups; // busy reply j (1-based) is busyBase + j
    const t0 = now - roots * 10 - busyReplies - 3600;
    const { type, oid } = area;
    // Author of the row with rpid r: spread over the bench users so member lookups are realistic.
    const mid = (rpid: string) => `(${authors.firstMid} + ((${rpid} - ${base}) * 7919) % ${authors.count})`;
    const uname = (rpid: string) => `'${authors.unamePrefix}' || ${mid(rpid)}`;
    let done = 0;

    const chunks = async (count: number, statement: (lo: number, hi: number) => string) => {
      for (let lo = 1; lo <= count; lo += CHUNK) {
        const hi = Math.min(count, lo + CHUNK - 1);
        await run.exec(statement(lo, hi));
        done += hi - lo + 1;
        progress(done, total);
      }
    };

    // Only the columns the table has: columns left out take their defaults, and a new NOT NULL column
    // without one makes the insert fail loudly rather than seed rows the service would not write.
    const existing = new Set(await run.columns('replies'));
    const insert = (lo: number, hi: number, values: Record<string, string>) => {
      const cols = Object.keys(values).filter((c) => existing.has(c));
      return `${series(run.dialect, lo, hi)}
        INSERT INTO replies (${cols.join(', ')}) SELECT ${cols.map((c) => values[c]).join(', ')} FROM s`;
    };
    const counters = {
      state: '0',
      like_count: '0',
      hate_count: '0',
      pinned: '0',
      up_like: '0',
      up_reply: '0',
    };

    await run.exec('BEGIN');
    // Level-1 comments: k = 1 … roots, floor k; k = roots is the busy one.
    await chunks(roots, (lo, hi) => {
      const rpid = `(${base} + i)`;
      const replies = `CASE WHEN i = ${roots} THEN ${busyReplies} ELSE i % 4 END`;
      return insert(lo, hi, {
        rpid,
        type: String(type),
        oid: String(oid),
        mid: mid(rpid),
        root: '0',
        parent: '0',
        dialog: '0',
        floor: 'i',
        message: `'第' || i || '楼 这个视频真不错，从头看到尾，学到了很多 #' || i`,
        plat: '1',
        mentions: "''",
        ...counters,
        rcount: replies,
        reply_total: replies,
        ctime: `${t0} + i * 10`,
      });
    });
    // Direct replies of the ordinary roots: reply m belongs to group m / 6; its position q = m % 6 picks
    // the root (4g + 1, 4g + 2 twice, 4g + 3 three times) and its floor under that root.
    const q = '(i % 6)';
    const rootK = `(4 * (i / 6) + CASE WHEN ${q} = 0 THEN 1 WHEN ${q} < 3 THEN 2 ELSE 3 END)`;
    const floor = `(CASE WHEN ${q} = 0 THEN 1 WHEN ${q} = 1 THEN 1 WHEN ${q} = 2 THEN 2 ELSE ${q} - 2 END)`;
    await chunks(6 * groups, (lo, hi) => {
      const rpid = `(${regularBase} + 1 + i)`;
      return insert(lo - 1, hi - 1, {
        rpid,
        type: String(type),
        oid: String(oid),
        mid: mid(rpid),
        root: `${base} + ${rootK}`,
        parent: `${base} + ${rootK}`,
        dialog: rpid,
        floor,
        message: `'回复第' || ${rootK} || '楼：同感，这段讲得很清楚'`,
        plat: '1',
        mentions: "''",
        ...counters,
        rcount: '0',
        reply_total: '0',
        ctime: `${t0} + ${rootK} * 10 + ${floor}`,
      });
    });
    // The busy thread: every fifth reply answers the one before it.
    await chunks(busyReplies, (lo, hi) => {
      const rpid = `(${busyBase} + i)`;
      const prev = `(${busyBase} + i - 1)`;
      const deep = 'i % 5 = 0';
      return insert(lo, hi, {
        rpid,
        type: String(type),
        oid: String(oid),
        mid: mid(rpid),
        root: String(busyRoot),
        parent: `CASE WHEN ${deep} THEN ${prev} ELSE ${busyRoot} END`,
        dialog: `CASE WHEN ${deep} THEN ${prev} ELSE ${rpid} END`,
        floor: 'i',
        message: `CASE WHEN ${deep} THEN '回复 @' || ${uname(prev)} || ' :' ELSE '' END || '楼中楼第' || i || '条 哈哈哈哈'`,
        plat: '1',
        mentions: "''",
        ...counters,
        rcount: '0',
        reply_total: '0',
        ctime: `${t0} + ${roots} * 10 + i`,
      });
    });
    await run.exec(
      `UPDATE areas SET root_count = ${roots}, all_count = ${total}, root_floor = ${roots} WHERE type = ${type} AND oid = ${oid}`,
    );
    await run.exec('COMMIT');
    if (run.dialect === 'postgres') {
      // Rows with explicit ids: move the sequence past them (what resyncRpidSequence does), and give the
      // planner statistics as autovacuum would shortly after a bulk load.
      await run.exec(
        `SELECT setval('replies_rpid_seq', GREATEST((SELECT MAX(rpid) FROM replies), ${FIRST_RPID}))`,
      );
      await run.exec('ANALYZE replies');
    }
    return { type, oid, total, roots, busyRoot, busyReplies, rpidBase: base };
  } finally {
    await run.close();
  }
}
