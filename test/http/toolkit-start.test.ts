import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReplay } from '../../src/testing/index.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

describe.each(dialects())('startReplay, the in-process start (%s)', (dialect) => {
  it('serves on a free port with the toolkit on; signedIn, reset and stop work', async () => {
    const database = dialect === 'postgres' ? await createTestDatabase('postgres') : null;
    const replay = await startReplay(database ? { db: database.target } : {});
    try {
      expect(replay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(replay.config.toolkit).toBe(true);
      const alice = await replay.signedIn('alice');
      const nav = await alice.client.nav();
      expect(nav.data).toMatchObject({ isLogin: true, mid: alice.mid, uname: 'alice' });
      expect((await replay.client().nav()).code).toBe(-101);

      await replay.faults.add({ path: '/x/web-interface/nav', code: -412 });
      await replay.clock.advance(60_000);
      expect((await replay.client().nav()).code).toBe(-412);
      expect((await replay.journal.list()).length).toBeGreaterThan(0);

      await replay.reset();
      expect(await replay.faults.list()).toEqual([]);
      expect(await replay.journal.list()).toEqual([]);
      expect(Math.abs((await replay.clock.get()).offset_ms)).toBeLessThan(1000);
      expect((await alice.client.nav()).code).toBe(-101);
      const error = await replay.admin.getUser(alice.mid).catch((e: { status: number }) => e.status);
      expect(error).toBe(404);
    } finally {
      await replay.stop();
      await database?.drop();
    }
    await expect(fetch(replay.url)).rejects.toThrow();
    if (!database) expect(existsSync(dirname(replay.config.db))).toBe(false);
  });
});
