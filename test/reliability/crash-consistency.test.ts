import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/store/database.ts';
import { CrashLoad, WRITE_KINDS, createFixture, mulberry32 } from '../support/crash-driver.ts';
import type { Fixture } from '../support/crash-driver.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';
import { killAllReplays, spawnReplay, stopReplay } from '../support/replay-process.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';
import type { StoreSnapshot } from '../support/store-invariants.ts';

/**
 * DESIGN.md §7: no acknowledged write may be lost when the process is killed at any moment. The real server
 * runs as a child process under a mixed load of comment and watch writes; it is killed with SIGKILL at
 * random moments and restarted on the same database, and after every restart the database is compared
 * with every acknowledged write (crash-driver.ts) and with itself (store-invariants.ts: counters against
 * rows, threads against roots, one pin per area).
 *
 * `npm test` runs a bounded variant (3 kills); REPLAY_LONG_TESTS=1 runs 24. REPLAY_CRASH_SEED=<n> replays
 * the choices of a failed run (the timing of a kill cannot be replayed exactly).
 */

const LONG = process.env['REPLAY_LONG_TESTS'] === '1';
const KILLS = LONG ? 24 : 3;
/** Load before each kill, counted from its first acknowledged write: a random duration in this range, ms. */
const LOAD_MS: [number, number] = LONG ? [0, 3000] : [300, 2500];
const ACTORS = 7;
const ARCHIVES = 3;
/** Limits are off: the load is one user posting far faster than a person, on purpose. */
const SERVER_ENV = {
  REPLAY_COMMENT_RATE_LIMIT_BURST: '0',
  REPLAY_COMMENT_RATE_LIMIT_HOURLY: '0',
  REPLAY_REPORT_RATE_LIMIT_PER_MINUTE: '0',
};
/** archive_stats.view = counted plays holds exactly while no play can have been counted twice (300 s). */
const PLAY_WINDOW_MS = 290_000;

afterEach(() => killAllReplays());

/** The restarted server reads what the database holds: each area's comment count. */
async function expectApiAgrees(url: string, fixture: Fixture, snapshot: StoreSnapshot): Promise<void> {
  const client = createClient({ baseUrl: url });
  for (const { aid } of fixture.archives) {
    const area = snapshot.areas.find((a) => a.type === 1 && a.oid === aid)!;
    expect(await client.reply.count({ type: 1, oid: aid })).toEqual({
      code: 0,
      message: '0',
      ttl: 1,
      data: { count: area.all_count },
    });
  }
}

describe.each(dialects())('crash consistency: SIGKILL under a mixed load (%s)', (dialect) => {
  it(
    `${KILLS} kills at random moments: every acknowledged write survives and every counter equals its rows`,
    { timeout: LONG ? 1_200_000 : 150_000 },
    async () => {
      const seed = Number(process.env['REPLAY_CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
      const rng = mulberry32(seed);
      const database = await createTestDatabase(dialect);
      const started = Date.now();
      const kills: { loadMs: number; acknowledged: number; unanswered: number }[] = [];
      try {
        let server = await spawnReplay(database.target, SERVER_ENV);
        const fixture = await createFixture(server.url, ACTORS, ARCHIVES);
        const load = new CrashLoad(fixture, seed);

        for (let kill = 1; kill <= KILLS; kill++) {
          let stopped = false;
          const ackedBefore = load.ackedTotal;
          const unansweredBefore = load.unanswered;
          const phase = load.runPhase([server.url], () => stopped);
          // The random moment is counted from the first acknowledged write of the phase, so that every
          // kill lands in a running load even when a loaded machine is slow to get it going.
          const waitStart = Date.now();
          while (load.ackedTotal === ackedBefore && Date.now() - waitStart < 30_000) await sleep(5);
          const loadMs = LOAD_MS[0] + Math.floor(rng() * (LOAD_MS[1] - LOAD_MS[0]));
          await sleep(loadMs);
          server.proc.kill('SIGKILL');
          stopped = true;
          expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
          await phase;
          kills.push({
            loadMs,
            acknowledged: load.ackedTotal - ackedBefore,
            unanswered: load.unanswered - unansweredBefore,
          });

          server = await spawnReplay(database.target, SERVER_ENV);
          const snapshot = await readSnapshot(database.target);
          const problems = [
            ...load.check(snapshot),
            ...invariantViolations(snapshot, { viewsExact: Date.now() - started < PLAY_WINDOW_MS }),
          ];
          expect(problems.slice(0, 20), `seed ${seed}, after kill ${kill} of ${KILLS}`).toEqual([]);
          await expectApiAgrees(server.url, fixture, snapshot);
        }

        // The last restart takes load too and is stopped with SIGTERM in the middle of it: what the drain
        // answers is stored, and the process exits 0.
        let stopped = false;
        const ackedBefore = load.ackedTotal;
        const phase = load.runPhase([server.url], () => stopped);
        const waitStart = Date.now();
        while (load.ackedTotal === ackedBefore && Date.now() - waitStart < 30_000) await sleep(5);
        await sleep(500);
        load.draining = true;
        const stopping = stopReplay(server);
        stopped = true;
        await stopping;
        await phase;
        expect(server.proc.exitCode, server.output()).toBe(0);
        const snapshot = await readSnapshot(database.target);
        expect(
          [
            ...load.check(snapshot),
            ...invariantViolations(snapshot, { viewsExact: Date.now() - started < PLAY_WINDOW_MS }),
          ].slice(0, 20),
          `seed ${seed}, after the graceful stop`,
        ).toEqual([]);

        expect(load.unexpected.slice(0, 20), `seed ${seed}`).toEqual([]);
        // The load did what it is for: every kind of write was acknowledged, and kills cut requests off.
        for (const kind of WRITE_KINDS)
          expect({ kind, acked: load.acked[kind] > 0 }).toEqual({ kind, acked: true });
        expect(kills.filter((k) => k.acknowledged > 0)).toHaveLength(KILLS);
        expect(load.unanswered).toBeGreaterThan(0);
        console.log(
          `[crash-consistency ${dialect}] seed ${seed}: ${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
            `${JSON.stringify(load.summary())}; ${snapshot.replies.length} comments, ${snapshot.votes.length} votes, ` +
            `${snapshot.reports.length} reports, ${snapshot.history.length} history rows in the database; ` +
            `per kill ${JSON.stringify(kills)}`,
        );
      } finally {
        killAllReplays();
        await database.drop();
      }
    },
  );
});

describe('SQLite durability setting', () => {
  it('synchronous=FULL unless REPLAY_SQLITE_SYNCHRONOUS says NORMAL; anything else stops the start', async () => {
    expect(loadConfig({}, {}).sqliteSynchronous).toBe('FULL');
    expect(loadConfig({}, { REPLAY_SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous).toBe('NORMAL');
    expect(() => loadConfig({}, { REPLAY_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/REPLAY_SQLITE_SYNCHRONOUS/);

    // What the server opens its file with (src/main.ts passes config.sqliteSynchronous to createDb).
    const database = await createTestDatabase('sqlite');
    try {
      for (const [setting, pragma] of [
        ['FULL', 2],
        ['NORMAL', 1],
      ] as const) {
        const handle = createDb(database.target, { sqliteSynchronous: setting });
        try {
          expect(handle.sqlite!.pragma('synchronous', { simple: true })).toBe(pragma);
          expect(handle.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
        } finally {
          await handle.close();
        }
      }
    } finally {
      await database.drop();
    }
  });
});
