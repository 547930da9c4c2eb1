import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/store/database.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'replay.js');
const ENV = { ...process.env, REPLAY_LOG_LEVEL: 'warn', REPLAY_ADMIN_TOKEN: 'cli-test-admin-token-123' };

function replay(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env: ENV, timeout: 30_000 });
}

describe.each(dialects())('replay invite (%s)', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('add prints a usable code; list shows it with its uses; bad input is a clear error', async () => {
    const db = await createTestDatabase(dialect);
    cleanups.push(() => db.drop());
    const added = await replay(['--db', db.target, 'invite', 'add', '--uses', '3', '--note', 'for the team']);
    const code = added.stdout.trim();
    expect(code).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(added.stderr).toContain('invite code for 3 sign-ups');
    const chosen = await replay(['--db', db.target, 'invite', 'add', '--code', 'chosen-code', '--days', '7']);
    expect(chosen.stdout.trim()).toBe('chosen-code');

    const listed = await replay(['--db', db.target, 'invite', 'list']);
    expect(listed.stdout).toContain(`${code}\tleft 3\tused 0\texpires never\tfor the team`);
    expect(listed.stdout).toMatch(/chosen-code\tleft 1\tused 0\texpires \d{4}-/);

    const handle = createDb(db.target);
    try {
      const row = await handle.db
        .selectFrom('invite_codes')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirst();
      expect(row).toMatchObject({ uses_left: 3, note: 'for the team' });
    } finally {
      await handle.close();
    }

    await expect(replay(['--db', db.target, 'invite', 'add', '--uses', '0'])).rejects.toMatchObject({
      stderr: expect.stringContaining('expected a positive integer') as unknown,
    });
    await expect(replay(['--db', db.target, 'invite', 'add', '--code', 'no'])).rejects.toMatchObject({
      stderr: expect.stringContaining('code must be 6–64') as unknown,
    });
  });
});
