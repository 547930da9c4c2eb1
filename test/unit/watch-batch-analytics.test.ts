import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DbHandle } from '../../src/store/database.ts';
import { createWatchBatchWriter } from '../../src/store/repositories/watch-batch.repository.ts';
import type { WatchWrite } from '../../src/store/repositories/watch-batch.repository.ts';
import { dialects, openMigratedDatabase } from '../support/harness.ts';

/**
 * The watch batch with analytics on, straight against each dialect: the analytics are written in the
 * heartbeats' own transaction (docs/api/analytics.md), and an anonymous viewer's play counted in the
 * same batch as its first heartbeat already lets that heartbeat be analysed.
 */
describe.each(dialects())('watch batch with analytics (%s)', (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const open = (): Promise<DbHandle> => openMigratedDatabase(dialect, cleanup);

  /** Makes every insert into `table` fail, as a full disk or a broken constraint would. */
  const refuseInserts = async (handle: DbHandle, table: string): Promise<void> => {
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER refuse BEFORE INSERT ON ${sql.table(table)} BEGIN SELECT RAISE(ABORT, 'refused'); END`.execute(
        handle.db,
      );
    } else {
      await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`.execute(
        handle.db,
      );
      await sql`CREATE TRIGGER refuse BEFORE INSERT ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(
        handle.db,
      );
    }
  };

  const AT = 1_765_000_000;
  const signedIn = (played: number, at: number, playType = 0): WatchWrite => ({
    history: {
      mid: 7,
      business: 'archive',
      kid: 100,
      oid: 100,
      epid: 0,
      cid: 1000,
      page: 1,
      progress: played,
      dt: 2,
      view_at: at,
    },
    session: {
      mid: 7,
      session_key: 's1',
      aid: 100,
      cid: 1000,
      start_ts: 0,
      played_time: played,
      realtime: played,
      real_played_time: played,
      video_duration: 600,
      play_type: playType,
      at,
    },
    ...(playType === 1 ? { play: { viewer: 'm:7', aid: 100, at } } : {}),
  });
  const daily = async (handle: DbHandle) =>
    (
      await sql<{
        plays: number;
        viewers: number;
        watch_time: number;
      }>`SELECT plays, viewers, watch_time FROM analytics_daily WHERE aid = 100`.execute(handle.db)
    ).rows.map((r) => ({
      plays: Number(r.plays),
      viewers: Number(r.viewers),
      watch_time: Number(r.watch_time),
    }));

  it('counts one play per session and the watch time of every batch', async () => {
    const handle = await open();
    const writer = createWatchBatchWriter(handle, 86_400, 10, true);
    await writer.write([signedIn(0, AT, 1), signedIn(15, AT + 15)]);
    await writer.write([signedIn(30, AT + 30)]);
    // A repeat of the last heartbeat (a retry) adds nothing.
    await writer.write([signedIn(30, AT + 30)]);
    expect(await daily(handle)).toEqual([{ plays: 1, viewers: 1, watch_time: 30 }]);
  });

  it('an anonymous first heartbeat is analysed when its play is counted in the same batch, not when capped', async () => {
    const handle = await open();
    // Cap 1 per address: the second device's play from the same address is not counted.
    const writer = createWatchBatchWriter(handle, 86_400, 1, true);
    const guest = (viewer: string): WatchWrite => ({
      guest: {
        viewer,
        session_key: `${viewer}-s`,
        aid: 100,
        cid: 1000,
        played_time: 10,
        real_played_time: 10,
        video_duration: 600,
        at: AT,
      },
      play: { viewer, aid: 100, at: AT, address: '10.0.0.1' },
    });
    await writer.write([guest('b:one')]);
    await writer.write([guest('b:two')]);
    expect(await daily(handle)).toEqual([{ plays: 1, viewers: 1, watch_time: 10 }]);
  });

  it('commits the analytics with the heartbeats: when their write fails, the history is not stored either', async () => {
    const handle = await open();
    await refuseInserts(handle, 'analytics_daily');
    const writer = createWatchBatchWriter(handle, 86_400, 10, true);
    await expect(Promise.resolve().then(() => writer.write([signedIn(0, AT, 1)]))).rejects.toThrow(/refused/);
    const count = async (table: string) =>
      Number(
        (await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(handle.db)).rows[0]!
          .n,
      );
    expect(await count('history')).toBe(0);
    expect(await count('watch_sessions')).toBe(0);
    expect(await count('play_counts')).toBe(0);
    expect(await count('analytics_sessions')).toBe(0);
    // With analytics off the same batch is stored.
    await createWatchBatchWriter(handle, 86_400, 10, false).write([signedIn(0, AT, 1)]);
    expect(await count('history')).toBe(1);
  });

  it('a batch is never part of another transaction that is open meanwhile (its rollback keeps the heartbeats)', async () => {
    const handle = await open();
    const writer = createWatchBatchWriter(handle, 86_400, 10, true);
    let pending: Promise<void> | undefined;
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO history_prefs (mid, paused, updated_at) VALUES (99, 0, 1)`.execute(trx);
        pending = Promise.resolve(writer.write([signedIn(30, AT, 1)]));
        // Several turns of the event loop: the batch would run now if nothing held it back.
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        throw new Error('the other transaction fails');
      }),
    ).rejects.toThrow('the other transaction fails');
    await pending;
    const rows = await sql<{ progress: number }>`SELECT progress FROM history WHERE mid = 7`.execute(
      handle.db,
    );
    expect(rows.rows.map((r) => Number(r.progress))).toEqual([30]);
    expect((await sql`SELECT mid FROM history_prefs WHERE mid = 99`.execute(handle.db)).rows).toEqual([]);
  });

  it('a batch that fails after its first heartbeats were analysed leaves nothing of them for the next batch', async () => {
    const handle = await open();
    const writer = createWatchBatchWriter(handle, 86_400, 10, true);
    await refuseInserts(handle, 'play_counts');
    // The session's heartbeat is analysed before the play count is written, which then fails.
    await expect(Promise.resolve().then(() => writer.write([signedIn(0, AT, 1)]))).rejects.toThrow(/refused/);
    await sql`DROP TRIGGER refuse ${sql.raw(dialect === 'sqlite' ? '' : 'ON play_counts')}`.execute(
      handle.db,
    );
    await writer.write([signedIn(10, AT + 10)]);
    expect(await daily(handle)).toEqual([{ plays: 1, viewers: 1, watch_time: 10 }]);
  });
});
