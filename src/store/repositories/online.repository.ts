import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** One viewer of one part as a node last saw it. */
export interface ViewerSighting {
  aid: number;
  cid: number;
  /** The hashed viewer key. */
  viewer: number;
  /** Last live heartbeat (0 = none since the row was written); never moves back. */
  seen: number;
  /** Ending heartbeat (0 = none); never moves back. */
  ended: number;
  web: boolean;
}

/** What a read learns from the other nodes about one part. */
export interface OthersView {
  /** Viewers live on other nodes that this node does not count itself. */
  total: number;
  web: number;
  /** Viewers this node published as live that another node saw end later, with that ending time. */
  ended: { viewer: number; at: number }[];
}

/**
 * The viewers each node saw, for counting one audience across nodes on PostgreSQL (docs/api/online-and-
 * toview.md): a node upserts the viewers whose heartbeat times changed since its previous publish, and a
 * read counts, in one query over the part's rows (primary key prefix `aid, cid`), the distinct viewers that
 * are live somewhere but not on the reading node.
 */
export class OnlineRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Writes the node's changed sightings in one statement. `pruneBefore` > 0 also removes every node's rows
   * with nothing after that time (viewers long gone, and the rows of a node that died without withdrawing).
   */
  async publish(node: string, rows: readonly ViewerSighting[], pruneBefore: number): Promise<void> {
    if (pruneBefore > 0) {
      await this.db
        .deleteFrom('online_viewers')
        .where('seen', '<', pruneBefore)
        .where('ended', '<', pruneBefore)
        .execute();
    }
    // Chunks keep one statement's arrays (and its lock set) moderate; rows sorted by key so that two
    // nodes' statements lock in the same order.
    const sorted = [...rows].sort((a, b) => a.aid - b.aid || a.cid - b.cid || a.viewer - b.viewer);
    for (let i = 0; i < sorted.length; i += 5000) {
      const chunk = sorted.slice(i, i + 5000);
      await sql`
        INSERT INTO online_viewers AS o (aid, cid, viewer, node, seen, ended, web)
        SELECT t.aid, t.cid, t.viewer, ${node}, t.seen, t.ended, t.web
        FROM unnest(${chunk.map((r) => r.aid)}::bigint[], ${chunk.map((r) => r.cid)}::bigint[],
          ${chunk.map((r) => r.viewer)}::bigint[], ${chunk.map((r) => r.seen)}::bigint[],
          ${chunk.map((r) => r.ended)}::bigint[], ${chunk.map((r) => (r.web ? 1 : 0))}::int[])
          AS t(aid, cid, viewer, seen, ended, web)
        ON CONFLICT (aid, cid, viewer, node) DO UPDATE SET seen = GREATEST(o.seen, excluded.seen),
          ended = GREATEST(o.ended, excluded.ended), web = excluded.web`.execute(this.db);
    }
  }

  /**
   * One part as the other nodes see it, at `since` (the window's start). A viewer is live when its latest
   * live heartbeat on any node is after the window's start and after its latest ending heartbeat on any
   * node. The reading node counts its own live viewers itself, so the total leaves out those it published
   * as live and those it saw first since its last publish (`fresh`, not in its rows yet).
   */
  async othersView(
    node: string,
    aid: number,
    cid: number,
    since: number,
    fresh: readonly number[],
  ): Promise<OthersView> {
    const { rows } = await sql<{
      total: string;
      web: string;
      gone: string[] | null;
      gone_at: string[] | null;
    }>`
      WITH v AS (
        SELECT viewer,
          coalesce(max(seen) FILTER (WHERE node = ${node}), 0) AS my_seen,
          coalesce(max(ended) FILTER (WHERE node = ${node}), 0) AS my_ended,
          coalesce(max(seen) FILTER (WHERE node <> ${node}), 0) AS o_seen,
          coalesce(max(ended) FILTER (WHERE node <> ${node}), 0) AS o_ended,
          coalesce(bool_or(web = 1) FILTER (WHERE node <> ${node} AND seen > ${since}), false) AS o_web
        FROM online_viewers
        WHERE aid = ${aid} AND cid = ${cid} AND (seen > ${since} OR ended > ${since})
        GROUP BY viewer
      ), mine AS (
        SELECT *, my_seen > ${since} AND my_seen > my_ended AS my_live FROM v
      ), o AS (
        SELECT o_web FROM mine
        WHERE o_seen > ${since} AND o_seen > o_ended AND o_seen > my_ended AND NOT my_live
          AND viewer <> ALL(${fresh}::bigint[])
      ), g AS (
        SELECT viewer, o_ended FROM mine WHERE my_live AND o_ended > my_seen
      )
      SELECT (SELECT count(*) FROM o) AS total, (SELECT count(*) FROM o WHERE o_web) AS web,
        (SELECT array_agg(viewer::text) FROM g) AS gone, (SELECT array_agg(o_ended::text) FROM g) AS gone_at`.execute(
      this.db,
    );
    const row = rows[0];
    const gone = row?.gone ?? [];
    const at = row?.gone_at ?? [];
    return {
      total: Number(row?.total ?? 0),
      web: Number(row?.web ?? 0),
      ended: gone.map((v, i) => ({ viewer: Number(v), at: Number(at[i]) })),
    };
  }

  /** Removes the node's rows (a clean shutdown: viewers seen only there leave the counts at once). */
  async withdraw(node: string): Promise<void> {
    await this.db.deleteFrom('online_viewers').where('node', '=', node).execute();
  }
}
