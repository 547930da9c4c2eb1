/** Viewers online now and watch-later (migration 2026-12-05-09-online-and-toview). Times are Unix seconds. */

export interface OnlineCountsTable {
  /** The publishing node's id, random per process. */
  node: string;
  aid: number;
  cid: number;
  /** Live viewers of the part on that node, all platforms / web only. */
  total: number;
  web: number;
  /** When the node last published (its clock). */
  at: number;
}

export interface ToviewTable {
  mid: number;
  aid: number;
  add_at: number;
}
