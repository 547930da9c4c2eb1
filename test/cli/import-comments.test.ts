import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BiliError } from '../../src/errors.ts';
import { ReplyThreadData } from '../../src/wire/reply.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { invariantViolations, readSnapshot } from '../support/store-invariants.ts';
import { expectWire } from '../support/wire.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'replay.js');
const ENV = { ...process.env, REPLAY_LOG_LEVEL: 'warn' };
const FIXTURES = join(import.meta.dirname, 'fixtures');
const WORK = join(import.meta.dirname, '..', '.artifacts', 'import-comments');

let counter = 0;
function workFile(name: string, content: string): string {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, `${Date.now().toString(36)}-${++counter}-${name}`);
  writeFileSync(file, content);
  return file;
}

function replay(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env: ENV, timeout: 60_000 });
}

async function replayFails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await replay(args);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`replay ${args.join(' ')} succeeded`);
}

describe.each(dialects())('replay import-comments (%s)', (dialect) => {
  let s: TestServer;
  let owner: number;
  let aid: number;
  let second: number;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    owner = (await s.signedIn('site-owner')).mid;
    aid = (
      await s.admin.createArchive({ title: 'Hello', owner_mid: owner, pages: [{ part: 'P1', duration: 60 }] })
    ).aid;
    second = (
      await s.admin.createArchive({
        title: 'Second',
        owner_mid: owner,
        pages: [{ part: 'P1', duration: 60 }],
      })
    ).aid;
  });
  afterAll(async () => s.close());

  const db = () => s.handle.db;
  const counts = async () => ({
    users: (await db().selectFrom('users').select('mid').execute()).length,
    replies: (await db().selectFrom('replies').select('rpid').execute()).length,
    areas: (await db().selectFrom('areas').select('oid').execute()).length,
  });
  const byMessage = async (fragment: string) => {
    const rows = await db()
      .selectFrom('replies')
      .selectAll()
      .where('message', 'like', `%${fragment}%`)
      .execute();
    expect(rows, fragment).toHaveLength(1);
    return rows[0]!;
  };
  const author = async (mid: number) =>
    db().selectFrom('users').selectAll().where('mid', '=', mid).executeTakeFirstOrThrow();
  const expectConsistent = async () =>
    expect(invariantViolations(await readSnapshot(s.handle), { viewsExact: true })).toEqual([]);

  it('bad input names the record (or the line) and imports nothing', async () => {
    const before = await counts();
    const mapping = workFile('map.json', JSON.stringify({ owner, pages: { '/posts/hello/': aid } }));
    const waline = JSON.parse(readFileSync(join(FIXTURES, 'waline-export.json'), 'utf8')) as {
      data: { Comment: Record<string, unknown>[] };
    };

    const fail = async (from: string, file: string, map: string, expected: RegExp[]) => {
      const failed = await replayFails([
        '--db',
        s.config.db,
        'import-comments',
        '--from',
        from,
        file,
        '--map',
        map,
      ]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/nothing was imported/);
      for (const e of expected) expect(failed.stderr).toMatch(e);
      expect(await counts()).toEqual(before);
    };

    // Pages without a mapping entry are listed with the first record that uses them.
    await fail('waline', join(FIXTURES, 'waline-export.json'), mapping, [
      /record 5: page "\/about\/" has no entry in the mapping file/,
      /record 7: page "https:\/\/blog.example.com\/about\/" has no entry/,
    ]);

    const bad = structuredClone(waline);
    bad.data.Comment[2]!.insertedAt = 'yesterday';
    bad.data.Comment[1]!.like = -4;
    bad.data.Comment[3]!.pid = 'no-such-comment';
    await fail('waline', workFile('bad.json', JSON.stringify(bad)), mapping, [
      /Comment record 3 \(objectId 65e1a0000000000000000003\): insertedAt "yesterday" is not a date/,
      /Comment record 2 \(objectId 65e1a0000000000000000002\): like -4 is not a count/,
    ]);
    const orphan = structuredClone(waline);
    orphan.data.Comment = orphan.data.Comment.slice(0, 4);
    orphan.data.Comment[3]!.pid = 'no-such-comment';
    await fail('waline', workFile('orphan.json', JSON.stringify(orphan)), mapping, [
      /record 4: answers no-such-comment, which is not in the file/,
    ]);

    const text = readFileSync(join(FIXTURES, 'artalk.artrans'), 'utf8').split('\n');
    text[4] = text[4]!.replace(':', '');
    await fail('artalk', workFile('broken.artrans', text.join('\n')), mapping, [
      /not valid JSON \(line 5, column \d+\)/,
    ]);

    await fail('waline', join(FIXTURES, 'artalk.artrans'), mapping, [/not a Waline export/]);
    await fail(
      'waline',
      join(FIXTURES, 'waline-export.json'),
      workFile('map.json', '{"pages": {"/x": "av1"}}'),
      [/mapping page "\/x": expected an aid/],
    );
    // A page mapped to an archive that does not exist: found while writing, rolled back.
    const missing = workFile(
      'missing.json',
      JSON.stringify({ pages: { '/posts/hello/': 987654321, '/about/': { type: 12, oid: 5 } } }),
    );
    await fail('waline', join(FIXTURES, 'waline-export.json'), missing, [
      /archive av987654321, which does not exist/,
    ]);
  }, 120_000);

  it('a Waline export: authors, times, threads, likes and the pin arrive; counters hold', async () => {
    const mapping = workFile(
      'map.json',
      JSON.stringify({ pages: { '/posts/hello/': aid, '/about': { type: 12, oid: 880001, owner } } }),
    );
    const out = await replay([
      '--db',
      s.config.db,
      'import-comments',
      '--from',
      'waline',
      join(FIXTURES, 'waline-export.json'),
      '--map',
      mapping,
    ]);
    expect(out.stdout).toContain(
      'imported 6 comments into 2 areas from 4 authors (3 placeholder likers); skipped 3 held back by waline',
    );

    const first = await byMessage('First!');
    expect(first).toMatchObject({
      type: 1,
      oid: aid,
      root: 0,
      parent: 0,
      floor: 1,
      like_count: 3,
      ctime: 1709287200,
    });
    expect(first.message).toBe('First! <3 [doge]');
    const lin = await author(first.mid);
    expect(lin).toMatchObject({ uname: 'Lin', password_hash: null, sign: 'Imported from Waline' });

    const reply = await byMessage('agreed');
    expect(reply.message).toBe('agreed\nsecond line');
    expect(reply).toMatchObject({
      root: first.rpid,
      parent: first.rpid,
      dialog: reply.rpid,
      floor: 1,
      like_count: 1,
    });
    expect(await author(reply.mid)).toMatchObject({
      uname: 'Mei Chen',
      face: 'https://avatar.example.com/mei.png',
    });

    const deep = await byMessage('see you');
    expect(deep.message).toBe('回复 @Mei Chen :thanks & see you');
    expect(deep).toMatchObject({
      root: first.rpid,
      parent: reply.rpid,
      dialog: reply.rpid,
      floor: 2,
      mid: lin.mid,
    });

    const pinned = await byMessage('different Lin');
    expect(pinned).toMatchObject({ pinned: 1, floor: 2, root: 0 });
    expect((await author(pinned.mid)).uname).toBe('Lin_2');

    const about = await byMessage('About page');
    expect(about).toMatchObject({ type: 12, oid: 880001, like_count: 2 });
    expect((await author((await byMessage('anonymous reply')).mid)).uname).toBe('Anonymous');
    const area = await db()
      .selectFrom('areas')
      .selectAll()
      .where('type', '=', 12)
      .where('oid', '=', 880001)
      .executeTakeFirstOrThrow();
    expect(area).toMatchObject({ owner_mid: owner, root_count: 1, all_count: 2, root_floor: 1 });
    expect(
      await db().selectFrom('replies').select('rpid').where('message', 'like', '%spam%').execute(),
    ).toEqual([]);
    await expectConsistent();

    // Placeholders cannot sign in.
    await expect(s.services.users.signIn('Lin', 'anything', '127.0.0.1')).rejects.toBeInstanceOf(BiliError);

    // A real client reads the thread as Replay threads it.
    const body = await s.anonymous().reply.replies({ type: 1, oid: aid, root: first.rpid });
    expect(body.code).toBe(0);
    expectWire(ReplyThreadData, body.data);
    expect(body.data!.replies.map((r) => [r.member?.uname, r.content.message])).toEqual([
      ['Mei Chen', 'agreed\nsecond line'],
      ['Lin', '回复 @Mei Chen :thanks & see you'],
    ]);
  }, 120_000);

  it('an Artalk Artrans file into an area that already has comments: floors continue, likes and dislikes kept', async () => {
    const mapping = workFile(
      'map.json',
      JSON.stringify({ pages: { 'https://blog.example.com/posts/hello': aid, '/posts/second/': second } }),
    );
    const out = await replay([
      '--db',
      s.config.db,
      'import-comments',
      '--from',
      'artalk',
      join(FIXTURES, 'artalk.artrans'),
      '--map',
      mapping,
    ]);
    expect(out.stdout).toContain(
      'imported 4 comments into 2 areas from 2 authors (3 placeholder likers); skipped 1 held back by artalk',
    );
    const great = await byMessage('Great post');
    // 2024-03-02 08:00 at +08:00; the Waline import took floors 1 and 2 of this area.
    expect(great).toMatchObject({ root: 0, floor: 3, like_count: 2, hate_count: 1, ctime: 1709337600 });
    expect(great.message).toBe('Great post! **bold** stays as typed');
    const thanks = await byMessage('Thanks Ana');
    const welcome = await byMessage('welcome');
    expect(welcome.message).toBe("回复 @Ben :You're welcome");
    expect(welcome).toMatchObject({
      root: great.rpid,
      parent: thanks.rpid,
      dialog: thanks.rpid,
      mid: great.mid,
    });
    expect(await byMessage('second post')).toMatchObject({ oid: second, pinned: 1, floor: 1 });
    expect(
      await db().selectFrom('replies').select('rpid').where('message', '=', 'awaiting moderation').execute(),
    ).toEqual([]);
    const hello = await db()
      .selectFrom('areas')
      .selectAll()
      .where('type', '=', 1)
      .where('oid', '=', aid)
      .executeTakeFirstOrThrow();
    expect(hello).toMatchObject({ root_count: 3, all_count: 7, root_floor: 3 });
    await expectConsistent();
  }, 120_000);
});
