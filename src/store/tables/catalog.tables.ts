import type { Generated } from 'kysely';

export interface ArchivesTable {
  aid: number;
  bvid: string;
  title: string;
  cover: string;
  description: string;
  owner_mid: number;
  tid: number;
  tname: string;
  copyright: number;
  pubdate: number;
  ctime: number;
  /** Sum of the parts' durations, seconds. */
  duration: number;
  state: number;
}

export interface ArchivePagesTable {
  cid: number;
  aid: number;
  page: number;
  part: string;
  duration: number;
}

/** A comment area, addressed by (type, oid) as in CONTRACT.md §1. */
export interface AreasTable {
  type: number;
  oid: number;
  owner_mid: number;
  closed: number;
  created_at: number;
  /** Visible level-1 comments (`page.count`); maintained by the comment writes. */
  root_count: Generated<number>;
  /** Every visible comment, replies included (`page.acount`, `/reply/count`, `stat.reply`). */
  all_count: Generated<number>;
  /** Level-1 comments ever posted: the floor counter of the area. */
  root_floor: Generated<number>;
}
