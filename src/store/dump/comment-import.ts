import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { CommentImportError } from '../../domain/comment-import.ts';
import type { CommentSource, ImportPlan, PlannedComment } from '../../domain/comment-import.ts';
import type { DbHandle } from '../database.ts';
import type { Database } from '../schema.ts';

/** Kept equal to the constants of the comments migration and the user repository. */
const FIRST_RPID = 100_000_000_001;
const FIRST_ASSIGNED_MID = 10_000;
const MAX_UNAME = 64;

export interface CommentImportResult {
  comments: number;
  authors: number;
  likers: number;
  areas: number;
  pinned: number;
}

export interface CommentImportOptions {
  /** Owner of comment areas the import creates, when the mapping names none. */
  defaultOwner?: number;
  now: number;
}

/**
 * Writes an import plan in one transaction: placeholder users for the authors (and for the likers, see
 * docs/data.md), the comments with Replay's threading and floors, their votes, and every counter the
 * comment writes keep (root `rcount`/`reply_total`, area `root_count`/`all_count`/`root_floor`). A
 * comment area that does not exist and cannot be created fails the whole import.
 */
export async function writeCommentImport(
  handle: DbHandle,
  plan: ImportPlan,
  source: CommentSource,
  options: CommentImportOptions,
): Promise<CommentImportResult> {
  return handle.db.transaction().execute(async (trx) => {
    const areas = await prepareAreas(trx, plan.comments, options);

    // Authors: one placeholder account per distinct author key, named after them (`name`, `name_2`, …
    // when taken), without a password, so nobody can sign in as them.
    const taken = new Set<string>();
    const unameFree = async (base: string): Promise<string> => {
      const stem = [...base].slice(0, MAX_UNAME - 4).join('') || 'user';
      for (let n = 1; ; n++) {
        const candidate = n === 1 ? stem : `${stem}_${n}`;
        if (taken.has(candidate)) continue;
        const row = await trx
          .selectFrom('users')
          .select('mid')
          .where('uname', '=', candidate)
          .executeTakeFirst();
        if (row) continue;
        taken.add(candidate);
        return candidate;
      }
    };
    const maxMid = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.max('mid').as('max'))
      .executeTakeFirst();
    let nextMid = Math.max(Number(maxMid?.max ?? 0) + 1, FIRST_ASSIGNED_MID);
    const sign = `Imported from ${source === 'waline' ? 'Waline' : 'Artalk'}`;
    const createUser = async (name: string, face: string): Promise<{ mid: number; uname: string }> => {
      const uname = await unameFree(name);
      const mid = nextMid++;
      await trx
        .insertInto('users')
        .values({
          mid,
          uname,
          password_hash: null,
          sex: '保密',
          sign,
          face,
          level: 0,
          vip_type: 0,
          vip_due_date: 0,
          official_type: -1,
          official_desc: '',
          banned: 0,
          created_at: options.now,
          updated_at: options.now,
        })
        .execute();
      return { mid, uname };
    };
    const authors = new Map<string, { mid: number; uname: string }>();
    const unameOf = new Map<number, string>();
    for (const { source: c } of plan.comments) {
      if (authors.has(c.author.key)) continue;
      const user = await createUser(c.author.name, c.author.face);
      authors.set(c.author.key, user);
      unameOf.set(user.mid, user.uname);
    }

    // Likes: the invariant "like_count = like rows" holds only with a voter per like, and the source
    // does not say who liked. A pool of placeholder likers (`<source>-liker-N`) supplies them.
    const poolSize = Math.max(0, ...plan.comments.map((p) => p.source.likes + p.source.dislikes));
    const likers: number[] = [];
    for (let i = 1; i <= poolSize; i++) likers.push((await createUser(`${source}-liker-${i}`, '')).mid);

    const rpids = await allocateRpids(trx, handle.dialect, plan.comments.length);
    const byId = new Map<string, { rpid: number; dialog: number; mid: number; root: string }>();
    const threadFloor = new Map<string, number>();
    const rootCounts = new Map<number, number>();
    let pinned = 0;

    for (const [i, p] of plan.comments.entries()) {
      const c = p.source;
      const rpid = rpids[i]!;
      const author = authors.get(c.author.key)!;
      const area = areas.get(`${p.area.type}/${p.area.oid}`)!;
      let root = 0;
      let parent = 0;
      let dialog = 0;
      let floor: number;
      let message = c.message;
      if (p.level === 1) {
        floor = ++area.rootFloor;
        area.rootCount++;
        threadFloor.set(c.id, 0);
      } else {
        const rootRow = byId.get(p.rootId)!;
        const parentRow = byId.get(p.parentId!)!;
        root = rootRow.rpid;
        parent = parentRow.rpid;
        dialog = p.level === 2 ? rpid : parentRow.dialog;
        floor = threadFloor.get(p.rootId)! + 1;
        threadFloor.set(p.rootId, floor);
        rootCounts.set(root, (rootCounts.get(root) ?? 0) + 1);
        if (p.level === 3) {
          message = `回复 @${unameOf.get(parentRow.mid)!} :${message}`;
        }
      }
      area.allCount++;
      const pin = p.level === 1 && c.pinned && !area.pinned;
      if (pin) {
        area.pinned = true;
        pinned++;
      }
      await trx
        .insertInto('replies')
        .values({
          rpid,
          type: p.area.type,
          oid: p.area.oid,
          mid: author.mid,
          root,
          parent,
          dialog,
          floor,
          message,
          like_count: c.likes,
          hate_count: c.dislikes,
          pinned: pin ? 1 : 0,
          ctime: c.ctime,
        })
        .execute();
      byId.set(c.id, { rpid, dialog, mid: author.mid, root: p.rootId });
      // The reply notice every comment gets (to the area owner, or to the author it answers), dated when
      // the comment was written; @-mentions inside imported text name nobody in Replay and notify nobody.
      const recipient = p.level === 1 ? area.owner : byId.get(p.parentId!)!.mid;
      if (recipient !== author.mid) {
        await trx
          .insertInto('notices')
          .values({
            recipient_mid: recipient,
            kind: 1,
            time: c.ctime,
            actor_mid: author.mid,
            type: p.area.type,
            oid: p.area.oid,
            root,
            source_rpid: rpid,
            target_rpid: parent,
          })
          .execute();
      }
      const votes = [
        ...likers.slice(0, c.likes).map((mid) => ({ rpid, mid, value: 1, created_at: c.ctime })),
        ...likers
          .slice(c.likes, c.likes + c.dislikes)
          .map((mid) => ({ rpid, mid, value: 2, created_at: c.ctime })),
      ];
      for (let k = 0; k < votes.length; k += 500) {
        await trx
          .insertInto('reply_votes')
          .values(votes.slice(k, k + 500))
          .execute();
      }
    }

    for (const [root, n] of rootCounts) {
      await trx
        .updateTable('replies')
        .set((eb) => ({ rcount: eb('rcount', '+', n), reply_total: eb('reply_total', '+', n) }))
        .where('rpid', '=', root)
        .execute();
    }
    for (const area of areas.values()) {
      await trx
        .updateTable('areas')
        .set({ root_count: area.rootCount, all_count: area.allCount, root_floor: area.rootFloor })
        .where('type', '=', area.type)
        .where('oid', '=', area.oid)
        .execute();
    }
    return {
      comments: plan.comments.length,
      authors: authors.size,
      likers: likers.length,
      areas: areas.size,
      pinned,
    };
  });
}

interface AreaState {
  type: number;
  oid: number;
  rootCount: number;
  allCount: number;
  rootFloor: number;
  pinned: boolean;
  owner: number;
}

/** Finds (or, for non-archive types with an owner, creates) every target area; fails on the first missing. */
async function prepareAreas(
  trx: Kysely<Database>,
  comments: PlannedComment[],
  options: { defaultOwner?: number; now: number },
): Promise<Map<string, AreaState>> {
  const areas = new Map<string, AreaState>();
  for (const { area: target, source } of comments) {
    const key = `${target.type}/${target.oid}`;
    if (areas.has(key)) continue;
    let row = await trx
      .selectFrom('areas')
      .selectAll()
      .where('type', '=', target.type)
      .where('oid', '=', target.oid)
      .executeTakeFirst();
    if (!row) {
      let owner: number | undefined;
      if (target.type === 1) {
        const archive = await trx
          .selectFrom('archives')
          .select('owner_mid')
          .where('aid', '=', target.oid)
          .executeTakeFirst();
        if (!archive) {
          throw new CommentImportError(
            `record ${source.record}: page ${JSON.stringify(source.page)} maps to archive av${target.oid}, which does not exist`,
          );
        }
        owner = archive.owner_mid;
      } else {
        owner = target.owner ?? options.defaultOwner;
        if (owner === undefined) {
          throw new CommentImportError(
            `record ${source.record}: area ${key} does not exist; give its "owner" in the mapping file to create it`,
          );
        }
        const user = await trx.selectFrom('users').select('mid').where('mid', '=', owner).executeTakeFirst();
        if (!user) throw new CommentImportError(`mapping: owner mid ${owner} of area ${key} does not exist`);
      }
      row = await trx
        .insertInto('areas')
        .values({ type: target.type, oid: target.oid, owner_mid: owner, closed: 0, created_at: options.now })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const pin = await trx
      .selectFrom('replies')
      .select('rpid')
      .where('type', '=', target.type)
      .where('oid', '=', target.oid)
      .where('pinned', '=', 1)
      .executeTakeFirst();
    areas.set(key, {
      type: target.type,
      oid: target.oid,
      rootCount: Number(row.root_count),
      allCount: Number(row.all_count),
      rootFloor: Number(row.root_floor),
      pinned: pin !== undefined,
      owner: row.owner_mid,
    });
  }
  return areas;
}

async function allocateRpids(
  trx: Kysely<Database>,
  dialect: DbHandle['dialect'],
  n: number,
): Promise<number[]> {
  if (n === 0) return [];
  if (dialect === 'postgres') {
    const { rows } = await sql<{
      id: number | string;
    }>`SELECT nextval('replies_rpid_seq') AS id FROM generate_series(1, ${n}) ORDER BY 1`.execute(trx);
    return rows.map((r) => Number(r.id));
  }
  const row = await trx
    .selectFrom('replies')
    .select((eb) => eb.fn.max('rpid').as('max'))
    .executeTakeFirst();
  const first = Math.max(Number(row?.max ?? 0) + 1, FIRST_RPID);
  return Array.from({ length: n }, (_, i) => first + i);
}
