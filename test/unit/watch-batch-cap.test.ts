import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DbHandle } from '../../src/store/database.ts';
import { createWatchBatchWriter } from '../../src/store/repositories/watch-batch.repository.ts';
import type { WatchWrite } from '../../src/store/repositories/watch-batch.repository.ts';
import { dialects, openMigratedDatabase } from '../support/harness.ts';

/**
 * The anonymous play cap when two batches are written at the same time — on PostgreSQL a node starts its
 * next batch while a slow one is still being written, and other nodes write theirs — straight against
 * each dialect, with the watch analytics on and off (two different transactions on PostgreSQL).
 */
describe.each(dialects())('anonymous play cap across concurrent batches (%s)', (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const open = (): Promise<DbHandle> => openMigratedDatabase(dialect, cleanup);

  const AT = 1_765_000_000;
  const CAP = 5;
  /** A new device's first heartbeat from the address; with the analytics on, also the play's session. */
  const play = (aid: number, device: string, analytics: boolean): WatchWrite => {
    const viewer = `b:${aid}-${device}`;
    return {
      play: { viewer, aid, at: AT, address: '198.51.100.7' },
      ...(analytics
        ? {
            guest: {
              viewer,
              session_key: `${viewer}-s`,
              aid,
              cid: aid * 10,
              played_time: 0,
              real_played_time: 0,
              video_duration: 600,
              at: AT,
            },
          }
        : {}),
    };
  };
  const views = async (handle: DbHandle, aid: number): Promise<number> =>
    Number(
      (await sql<{ view: number }>`SELECT view FROM archive_stats WHERE aid = ${aid}`.execute(handle.db))
        .rows[0]?.view ?? 0,
    );

  for (const analytics of [false, true]) {
    it(`two batches of 4 new devices from one address count ${CAP} (analytics ${analytics ? 'on' : 'off'})`, async () => {
      const handle = await open();
      const writer = createWatchBatchWriter(handle, 86_400, CAP, analytics);
      // Several archives, each raced by two batches written at once.
      for (let aid = 700; aid < 706; aid++) {
        const batch = (side: string) =>
          Array.from({ length: 4 }, (_, i) => play(aid, `${side}${i}`, analytics));
        await Promise.all([writer.write(batch('a')), writer.write(batch('b'))]);
        expect(await views(handle, aid), `aid ${aid}`).toBe(CAP);
      }
      // Signed-in plays are never capped.
      await writer.write(
        Array.from({ length: 8 }, (_, i) => ({ play: { viewer: `m:${i + 1}`, aid: 800, at: AT } })),
      );
      expect(await views(handle, 800)).toBe(8);
    });
  }
});
