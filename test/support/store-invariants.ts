import type { Selectable } from 'kysely';
import { createDb } from '../../src/store/database.ts';
import type { DbHandle } from '../../src/store/database.ts';
import type { Database } from '../../src/store/schema.ts';

/**
 * Everything the comment and history writes keep in step, read straight from the database and checked
 * row by row: counters against the rows they count (DESIGN.md §5 "maintained in the same transaction"),
 * threads against their roots, one pin per area. A write half-applied (a vote without its counter, a reply
 * without its root's `count`) shows up here whatever the API would say.
 */

export interface StoreSnapshot {
  replies: Selectable<Database['replies']>[];
  votes: Selectable<Database['reply_votes']>[];
  reports: Selectable<Database['reply_reports']>[];
  areas: Selectable<Database['areas']>[];
  history: Selectable<Database['history']>[];
  sessions: Selectable<Database['watch_sessions']>[];
  plays: Selectable<Database['play_counts']>[];
  stats: Selectable<Database['archive_stats']>[];
  notices: Selectable<Database['notices']>[];
  likeCards: Selectable<Database['like_notices']>[];
  /** Banned accounts: their comments and likes notify nobody. */
  banned: Set<number>;
}

/**
 * Reads the tables: through a connection of its own when given a database target (the server may still be
 * running), or through a node's open handle.
 */
export async function readSnapshot(source: string | DbHandle): Promise<StoreSnapshot> {
  const handle = typeof source === 'string' ? createDb(source, { poolSize: 2 }) : source;
  try {
    const db = handle.db;
    return {
      replies: await db.selectFrom('replies').selectAll().orderBy('rpid').execute(),
      votes: await db.selectFrom('reply_votes').selectAll().execute(),
      reports: await db.selectFrom('reply_reports').selectAll().execute(),
      areas: await db.selectFrom('areas').selectAll().execute(),
      history: await db.selectFrom('history').selectAll().execute(),
      sessions: await db.selectFrom('watch_sessions').selectAll().execute(),
      plays: await db.selectFrom('play_counts').selectAll().execute(),
      stats: await db.selectFrom('archive_stats').selectAll().execute(),
      notices: await db.selectFrom('notices').selectAll().execute(),
      likeCards: await db.selectFrom('like_notices').selectAll().execute(),
      banned: new Set(
        (await db.selectFrom('users').select('mid').where('banned', '=', 1).execute()).map((u) => u.mid),
      ),
    };
  } finally {
    if (typeof source === 'string') await handle.close();
  }
}

export interface InvariantOptions {
  /**
   * archive_stats.view equals the play_counts rows of the archive only while no viewer's play has been
   * counted twice, i.e. while the whole run is shorter than the 300-s play window; after that it may exceed.
   */
  viewsExact: boolean;
}

/** Every broken invariant, as a readable line; [] when the store is consistent. */
export function invariantViolations(s: StoreSnapshot, options: InvariantOptions): string[] {
  const problems: string[] = [];
  const byRpid = new Map(s.replies.map((r) => [r.rpid, r]));
  const areaKey = (type: number, oid: number) => `${type}/${oid}`;

  const likes = new Map<number, number>();
  const hates = new Map<number, number>();
  const votePairs = new Set<string>();
  for (const v of s.votes) {
    if (!byRpid.has(v.rpid)) problems.push(`vote of mid ${v.mid} on missing comment ${v.rpid}`);
    if (v.value !== 1 && v.value !== 2) problems.push(`vote ${v.rpid}/${v.mid} has value ${v.value}`);
    const pair = `${v.rpid}:${v.mid}`;
    if (votePairs.has(pair)) problems.push(`two votes of mid ${v.mid} on ${v.rpid}`);
    votePairs.add(pair);
    const counter = v.value === 1 ? likes : hates;
    counter.set(v.rpid, (counter.get(v.rpid) ?? 0) + 1);
  }

  const children = new Map<number, Selectable<Database['replies']>[]>();
  for (const r of s.replies) {
    if (r.root === 0) continue;
    const list = children.get(r.root) ?? [];
    list.push(r);
    children.set(r.root, list);
  }

  const areas = new Map(s.areas.map((a) => [areaKey(a.type, a.oid), a]));
  const ownerLikes = new Set(
    s.votes
      .filter((v) => {
        const reply = byRpid.get(v.rpid);
        const area = reply && areas.get(areaKey(reply.type, reply.oid));
        return v.value === 1 && area !== undefined && v.mid === area.owner_mid;
      })
      .map((v) => v.rpid),
  );

  for (const r of s.replies) {
    const tag = `comment ${r.rpid}`;
    if (r.like_count !== (likes.get(r.rpid) ?? 0)) {
      problems.push(`${tag}: like_count ${r.like_count} but ${likes.get(r.rpid) ?? 0} like rows`);
    }
    if (r.hate_count !== (hates.get(r.rpid) ?? 0)) {
      problems.push(`${tag}: hate_count ${r.hate_count} but ${hates.get(r.rpid) ?? 0} dislike rows`);
    }
    if ((r.up_like === 1) !== ownerLikes.has(r.rpid)) {
      problems.push(
        `${tag}: up_like ${r.up_like} but the area owner's like row is ${ownerLikes.has(r.rpid) ? 'present' : 'absent'}`,
      );
    }
    if (r.state !== 0 && r.state !== 1) problems.push(`${tag}: state ${r.state}`);
    if (!areas.has(areaKey(r.type, r.oid))) problems.push(`${tag}: area ${r.type}/${r.oid} does not exist`);
    if (r.pinned === 1 && (r.root !== 0 || r.state !== 0)) {
      problems.push(`${tag}: pinned but ${r.root !== 0 ? 'not level-1' : 'deleted'}`);
    }

    if (r.root === 0) {
      if (r.parent !== 0 || r.dialog !== 0)
        problems.push(`${tag}: level-1 with parent ${r.parent} dialog ${r.dialog}`);
      const kids = children.get(r.rpid) ?? [];
      if (r.reply_total !== kids.length) {
        problems.push(`${tag}: count (reply_total) ${r.reply_total} but ${kids.length} replies`);
      }
      const visibleKids = kids.filter((k) => k.state === 0).length;
      // A deleted root keeps the rcount it had; only a visible thread is shown with one.
      if (r.state === 0 && r.rcount !== visibleKids) {
        problems.push(`${tag}: rcount ${r.rcount} but ${visibleKids} visible replies`);
      }
      if (r.state === 1 && visibleKids > 0)
        problems.push(`${tag}: deleted root with ${visibleKids} visible replies`);
      problems.push(
        ...floorGaps(
          `replies of ${r.rpid}`,
          kids.map((k) => k.floor),
          r.reply_total,
        ),
      );
      continue;
    }

    const root = byRpid.get(r.root);
    const parent = byRpid.get(r.parent);
    if (!root) {
      problems.push(`${tag}: root ${r.root} is missing`);
      continue;
    }
    if (root.root !== 0 || root.type !== r.type || root.oid !== r.oid) {
      problems.push(`${tag}: root ${r.root} is not a level-1 comment of the same area`);
    }
    if (!parent) {
      problems.push(`${tag}: parent ${r.parent} is missing`);
      continue;
    }
    if (parent.rpid !== r.root && parent.root !== r.root) {
      problems.push(`${tag}: parent ${r.parent} is not in the thread of ${r.root}`);
    }
    const expectedDialog = r.parent === r.root ? r.rpid : parent.dialog;
    if (r.dialog !== expectedDialog) problems.push(`${tag}: dialog ${r.dialog}, expected ${expectedDialog}`);
  }

  const pinnedPerArea = new Map<string, number>();
  for (const r of s.replies) {
    if (r.pinned !== 1) continue;
    const key = areaKey(r.type, r.oid);
    pinnedPerArea.set(key, (pinnedPerArea.get(key) ?? 0) + 1);
  }
  for (const [key, n] of pinnedPerArea) if (n > 1) problems.push(`area ${key}: ${n} pinned comments`);

  for (const a of s.areas) {
    const rows = s.replies.filter((r) => r.type === a.type && r.oid === a.oid);
    const roots = rows.filter((r) => r.root === 0);
    const visibleRoots = roots.filter((r) => r.state === 0).length;
    const visible = rows.filter((r) => r.state === 0).length;
    const tag = `area ${areaKey(a.type, a.oid)}`;
    if (a.root_count !== visibleRoots) {
      problems.push(
        `${tag}: root_count (page.count) ${a.root_count} but ${visibleRoots} visible level-1 comments`,
      );
    }
    if (a.all_count !== visible) {
      problems.push(`${tag}: all_count (acount) ${a.all_count} but ${visible} visible comments`);
    }
    if (a.root_floor !== roots.length) {
      problems.push(`${tag}: root_floor ${a.root_floor} but ${roots.length} level-1 comments ever`);
    }
    problems.push(
      ...floorGaps(
        `level-1 comments of ${tag}`,
        roots.map((r) => r.floor),
        a.root_floor,
      ),
    );
  }

  for (const report of s.reports) {
    const reply = byRpid.get(report.rpid);
    if (!reply) problems.push(`report of mid ${report.mid} on missing comment ${report.rpid}`);
    else if (reply.type !== report.type || reply.oid !== report.oid) {
      problems.push(`report of mid ${report.mid} on ${report.rpid} names area ${report.type}/${report.oid}`);
    }
  }

  problems.push(...noticeViolations(s, byRpid, areas, areaKey));

  const playsPerAid = new Map<number, number>();
  for (const p of s.plays) playsPerAid.set(p.aid, (playsPerAid.get(p.aid) ?? 0) + 1);
  const views = new Map(s.stats.map((st) => [st.aid, st.view]));
  for (const aid of new Set([...playsPerAid.keys(), ...views.keys()])) {
    const counted = playsPerAid.get(aid) ?? 0;
    const view = views.get(aid) ?? 0;
    if (options.viewsExact ? view !== counted : view < counted) {
      problems.push(`archive ${aid}: view ${view} but ${counted} counted plays`);
    }
  }
  return problems;
}

/**
 * The message center's notices are written in the comment's or the vote's own transaction (DESIGN.md §9):
 * every visible comment that answers someone else (or comments on someone else's area) has its reply
 * notice, no notice outlives its comment, and a like card counts the likes others gave the comment.
 */
function noticeViolations(
  s: StoreSnapshot,
  byRpid: Map<number, Selectable<Database['replies']>>,
  areas: Map<string, Selectable<Database['areas']>>,
  areaKey: (type: number, oid: number) => string,
): string[] {
  const problems: string[] = [];
  const replyNotices = new Map<string, number>();
  for (const n of s.notices) {
    const source = byRpid.get(n.source_rpid);
    if (!source || source.state !== 0) {
      problems.push(`notice ${n.id} to ${n.recipient_mid} outlives its comment ${n.source_rpid}`);
    }
    if (n.recipient_mid === n.actor_mid) problems.push(`notice ${n.id}: ${n.actor_mid} notified of themself`);
    if (n.kind === 1) {
      const key = `${n.source_rpid}:${n.recipient_mid}`;
      replyNotices.set(key, (replyNotices.get(key) ?? 0) + 1);
    }
  }
  for (const r of s.replies) {
    if (r.state !== 0 || s.banned.has(r.mid)) continue;
    const recipient = r.root === 0 ? areas.get(areaKey(r.type, r.oid))?.owner_mid : byRpid.get(r.parent)?.mid;
    if (recipient === undefined || recipient === r.mid) continue;
    const n = replyNotices.get(`${r.rpid}:${recipient}`) ?? 0;
    if (n !== 1)
      problems.push(`comment ${r.rpid} by ${r.mid}: ${n} reply notices to ${recipient}, expected 1`);
  }
  const othersLikes = new Map<number, number>();
  for (const v of s.votes) {
    const reply = byRpid.get(v.rpid);
    if (v.value === 1 && reply && v.mid !== reply.mid)
      othersLikes.set(v.rpid, (othersLikes.get(v.rpid) ?? 0) + 1);
  }
  for (const card of s.likeCards) {
    const reply = byRpid.get(card.rpid);
    if (!reply || reply.state !== 0) problems.push(`like card ${card.id} outlives its comment ${card.rpid}`);
    else if (card.recipient_mid !== reply.mid) problems.push(`like card ${card.id} is not for the author`);
    const likes = othersLikes.get(card.rpid) ?? 0;
    if (card.counts !== likes)
      problems.push(`like card ${card.id}: counts ${card.counts} but ${likes} likes`);
  }
  return problems;
}

/** Floors handed out by a counter must be exactly 1..n, each once. */
function floorGaps(what: string, floors: number[], n: number): string[] {
  const sorted = [...floors].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i] !== i + 1) return [`${what}: floors ${sorted.join(',')} are not 1..${n}`];
  }
  return [];
}
