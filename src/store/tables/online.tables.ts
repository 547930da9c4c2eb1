/** Viewers online now and watch-later (migrations 2026-12-05-09-online-and-toview, 2026-12-06-02-online-viewers). Times are Unix seconds. */

export interface OnlineViewersTable {
  aid: number;
  cid: number;
  /** A 52-bit hash of the viewer key (user, device or address). */
  viewer: number;
  /** The publishing node's id, random per process. */
  node: string;
  /** The viewer's last live heartbeat on that node (its clock); 0 = none. */
  seen: number;
  /** The viewer's ending heartbeat on that node; 0 = none. */
  ended: number;
  /** 1 when the viewer watches on the web (`dt` 2). */
  web: number;
}

export interface ToviewTable {
  mid: number;
  aid: number;
  add_at: number;
}
