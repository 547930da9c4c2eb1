import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/store/database.ts';
import { Store } from '../../src/store/store.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'replay.js');
const ENV = { ...process.env, REPLAY_LOG_LEVEL: 'warn', REPLAY_ADMIN_TOKEN: 'cli-test-admin-token-123' };

function replay(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env: ENV, timeout: 30_000 });
}

describe.each(dialects())('replay season add (%s)', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('creates a season and a course over archives; the demo has its season', async () => {
    const db = await createTestDatabase(dialect);
    cleanups.push(() => db.drop());
    await replay(['--db', db.target, 'seed', 'demo']);
    const season = await replay([
      '--db',
      db.target,
      'season',
      'add',
      '--title',
      '三话的重映',
      '--sub-type',
      '2',
      '--ssid',
      '5001',
      '--episode',
      '170001/279787:1:中间',
      '--episode',
      '170001/279788',
      '--finished',
    ]);
    expect(season.stdout).toContain('created pgc ss5001 "三话的重映"');
    expect(season.stdout).toMatch(/1\. ep9000001 av170001 cid=279787 1 中间/);
    expect(season.stdout).toMatch(/2\. ep9000002 av170001 cid=279788 2/);
    const course = await replay([
      '--db',
      db.target,
      'season',
      'add',
      '--course',
      '--title',
      '课',
      '--episode',
      '2',
    ]);
    expect(course.stdout).toMatch(
      /created cheese ss900001 "课"\n {2}1\. ep9000001 av2 cid=62131 字幕君交流场所/,
    );
    // A part already carrying an episode is refused, with a one-line message.
    await expect(
      replay(['--db', db.target, 'season', 'add', '--title', 'again', '--episode', '170001/279787']),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('replay: ') as unknown });

    const handle = createDb(db.target);
    try {
      const store = new Store(handle);
      expect(await store.seasons.find('pgc', 41001)).toMatchObject({
        title: 'Replay 演示短篇',
        sub_type: 1,
        is_finish: 1,
      });
      expect((await store.seasons.episodes('pgc', 41001)).map((e) => [e.epid, e.aid, e.cid])).toEqual([
        [410101, 170101, 279801],
        [410102, 170102, 279802],
        [410103, 170103, 279803],
      ]);
      expect(await store.seasons.find('pgc', 5001)).toMatchObject({ sub_type: 2, is_finish: 1 });
    } finally {
      await handle.close();
    }
  }, 180_000);
});
