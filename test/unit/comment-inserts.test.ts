import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import type {
  CommentEffects,
  CommentInserts,
  NewComment,
} from '../../src/store/repositories/comment-insert.repository.ts';
import { NoticeKind } from '../../src/store/repositories/notice.repository.ts';
import { ReplyState, duplicateKey } from '../../src/store/repositories/reply.repository.ts';
import type { ReplyRow } from '../../src/store/repositories/reply.repository.ts';
import { Store } from '../../src/store/store.ts';
import { createTestDatabase, dialects } from '../support/harness.ts';

const AREA = { type: 1, oid: 42 };
const OWNER = 7;
const NOW = 1_700_000_000;
const WINDOW = 60;

/** The store's reply/add write (CommentInserts) on each database: one transaction per add, whatever its outcome. */
describe.each(dialects())('CommentInserts (%s)', (dialect) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const open = async () => {
    const db = await createTestDatabase(dialect);
    const handle = createDb(db.target);
    cleanup.push(() => db.drop());
    const store = new Store(handle);
    cleanup.push(() => store.close());
    await migrateToLatest(handle.db);
    await store.areas.upsert({ ...AREA, owner_mid: OWNER, closed: 0, now: NOW });
    const inserts = store.createCommentInserts({ maxBatchSize: 64, maxWaitMs: 2 });
    return { store, inserts };
  };

  const comment = (over: Partial<NewComment> & { mid: number; message: string }): NewComment => ({
    area: AREA,
    level: 1,
    root: 0,
    parent: 0,
    dialog: 0,
    byOwner: over.mid === OWNER,
    plat: 1,
    mentions: '',
    ctime: NOW,
    ...over,
  });

  const effects = (c: NewComment, over: Partial<CommentEffects> = {}): CommentEffects => ({
    claim: { key: duplicateKey(AREA, c.mid, c.parent, c.message), windowSeconds: WINDOW },
    notices: [],
    events: [],
    ...over,
  });

  const add = (inserts: CommentInserts, c: NewComment, e = effects(c)) => inserts.add(c, e);

  const row = (outcome: ReplyRow | string): ReplyRow => {
    if (typeof outcome === 'string') throw new Error(`expected a row, got ${outcome}`);
    return outcome;
  };

  const area = async (store: Store) => {
    const a = (await store.areas.find(AREA.type, AREA.oid))!;
    return { root_count: a.root_count, all_count: a.all_count, root_floor: a.root_floor };
  };

  it('counts, inserts and writes the notices and events of roots and replies at every level', async () => {
    const { store, inserts } = await open();
    const rootComment = comment({ mid: 10, message: 'root' });
    const root = row(
      await add(
        inserts,
        rootComment,
        effects(rootComment, {
          notices: [{ recipient: OWNER, kind: NoticeKind.Reply }],
          events: [{ event_id: 'e-root', type: 'comment.posted', payload: '{"mid":10}' }],
        }),
      ),
    );
    expect(root).toMatchObject({
      root: 0,
      parent: 0,
      dialog: 0,
      floor: 1,
      mid: 10,
      message: 'root',
      ctime: NOW,
    });

    const level2 = comment({ mid: 11, message: 'reply', level: 2, root: root.rpid, parent: root.rpid });
    const reply = row(
      await add(
        inserts,
        level2,
        effects(level2, {
          notices: [
            { recipient: 10, kind: NoticeKind.Reply },
            { recipient: 12, kind: NoticeKind.At },
          ],
          events: [{ event_id: 'e-reply', type: 'comment.replied', payload: '{"mid":11}' }],
        }),
      ),
    );
    expect(reply).toMatchObject({ root: root.rpid, parent: root.rpid, dialog: reply.rpid, floor: 1 });
    expect(reply.rpid).toBeGreaterThan(root.rpid);

    // The owner answers the reply: a level-3 reply in its dialog, marking the root and the answered reply.
    const level3 = comment({
      mid: OWNER,
      message: 'deep',
      level: 3,
      root: root.rpid,
      parent: reply.rpid,
      dialog: reply.rpid,
    });
    const deep = row(
      await add(inserts, level3, effects(level3, { notices: [{ recipient: 11, kind: NoticeKind.Reply }] })),
    );
    expect(deep).toMatchObject({ root: root.rpid, parent: reply.rpid, dialog: reply.rpid, floor: 2 });

    expect(await area(store)).toEqual({ root_count: 1, all_count: 3, root_floor: 1 });
    const rows = await store.replies.findMany([root.rpid, reply.rpid, deep.rpid]);
    expect(rows.get(root.rpid)).toMatchObject({ rcount: 2, reply_total: 2, up_reply: 1 });
    expect(rows.get(reply.rpid)).toMatchObject({ up_reply: 1 });
    expect(rows.get(deep.rpid)).toMatchObject({ up_reply: 0 });

    const notices = await store.db
      .selectFrom('notices')
      .select(['recipient_mid', 'kind', 'actor_mid', 'root', 'source_rpid', 'target_rpid', 'time'])
      .orderBy('id')
      .execute();
    expect(notices.map((n) => ({ ...n }))).toEqual([
      {
        recipient_mid: OWNER,
        kind: 1,
        actor_mid: 10,
        root: 0,
        source_rpid: root.rpid,
        target_rpid: 0,
        time: NOW,
      },
      {
        recipient_mid: 10,
        kind: 1,
        actor_mid: 11,
        root: root.rpid,
        source_rpid: reply.rpid,
        target_rpid: root.rpid,
        time: NOW,
      },
      {
        recipient_mid: 12,
        kind: 2,
        actor_mid: 11,
        root: root.rpid,
        source_rpid: reply.rpid,
        target_rpid: 0,
        time: NOW,
      },
      {
        recipient_mid: 11,
        kind: 1,
        actor_mid: OWNER,
        root: root.rpid,
        source_rpid: deep.rpid,
        target_rpid: reply.rpid,
        time: NOW,
      },
    ]);
    const events = await store.db
      .selectFrom('outbox_events')
      .select(['event_id', 'payload'])
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.event_id, JSON.parse(e.payload) as unknown])).toEqual([
      ['e-root', { mid: 10, rpid: root.rpid, floor: 1 }],
      ['e-reply', { mid: 11, rpid: reply.rpid, floor: 1 }],
    ]);
  });

  it('a duplicate, and a reply whose root was deleted meanwhile, keep nothing: no count, no claim, no notice', async () => {
    const { store, inserts } = await open();
    const first = comment({ mid: 10, message: 'same' });
    const root = row(await add(inserts, first));
    expect(
      await add(inserts, first, effects(first, { notices: [{ recipient: OWNER, kind: NoticeKind.Reply }] })),
    ).toBe('duplicate');
    expect(await area(store)).toEqual({ root_count: 1, all_count: 1, root_floor: 1 });

    await store.replies.markDeleted(root.rpid);
    const orphan = comment({ mid: 11, message: 'late', level: 2, root: root.rpid, parent: root.rpid });
    expect(
      await add(inserts, orphan, effects(orphan, { notices: [{ recipient: 10, kind: NoticeKind.Reply }] })),
    ).toBe('root-gone');
    const orphanKey = duplicateKey(AREA, 11, root.rpid, 'late');
    expect(await store.replies.hasRecentDuplicate(orphanKey, NOW - WINDOW)).toBe(false);
    expect(await area(store)).toEqual({ root_count: 1, all_count: 1, root_floor: 1 });
    expect((await store.replies.find(root.rpid))!).toMatchObject({
      rcount: 0,
      reply_total: 0,
      state: ReplyState.Deleted,
    });
    expect(await store.db.selectFrom('notices').selectAll().execute()).toEqual([]);
  });

  it('adds of one moment each get their own outcome, in order', async () => {
    const { store, inserts } = await open();
    const a = comment({ mid: 10, message: 'a' });
    const b = comment({ mid: 11, message: 'b' });
    const outcomes = await Promise.all([add(inserts, a), add(inserts, a), add(inserts, b)]);
    expect(typeof outcomes[0]).toBe('object');
    expect(outcomes[1]).toBe('duplicate');
    expect(row(outcomes[2]).floor).toBe(2);
    expect(await area(store)).toEqual({ root_count: 2, all_count: 2, root_floor: 2 });
  });

  it('an add that fails is rolled back alone (its claim too) and its caller gets the error; the others commit', async () => {
    const { store, inserts } = await open();
    const nowhere = comment({ mid: 10, message: 'lost', area: { type: 1, oid: 999 } });
    const a = comment({ mid: 11, message: 'a' });
    const b = comment({ mid: 12, message: 'b' });
    const results = await Promise.allSettled([add(inserts, a), add(inserts, nowhere), add(inserts, b)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('vanished');
    const lostKey = duplicateKey({ type: 1, oid: 999 }, 10, 0, 'lost');
    expect(await store.replies.hasRecentDuplicate(lostKey, NOW - WINDOW)).toBe(false);
    expect(await area(store)).toEqual({ root_count: 2, all_count: 2, root_floor: 2 });
  });

  // SQLite gathers adds; on PostgreSQL each add is its own transaction, with nothing held back to drain.
  it.runIf(dialect === 'sqlite')(
    'closing the store writes the adds gathered, then refuses new ones',
    async () => {
      const { store, inserts } = await open();
      const pending = add(inserts, comment({ mid: 10, message: 'late' }));
      await store.close();
      expect(row(await pending).floor).toBe(1);
      await expect(add(inserts, comment({ mid: 11, message: 'after' }))).rejects.toThrow();
    },
  );

  it('an add is never part of another transaction that is open meanwhile (its rollback keeps the comment)', async () => {
    const { store, inserts } = await open();
    let pending: Promise<ReplyRow | string> | undefined;
    await expect(
      store.transaction(async (tx) => {
        await tx.settings.getOrInit('other', 'write');
        const c = comment({ mid: 10, message: 'independent' });
        pending = add(inserts, c);
        // Several turns of the event loop: the add's group would run now if nothing held it back.
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        throw new Error('the other transaction fails');
      }),
    ).rejects.toThrow('the other transaction fails');
    const added = row(await pending!);
    expect(await store.replies.find(added.rpid)).toMatchObject({ message: 'independent' });
    expect(await store.settings.get('other')).toBeUndefined();
  });
});
