import type { Generated } from 'kysely';

/** A named snapshot of the whole state (toolkit); see migration 2026-12-05-11-toolkit. */
export interface ToolkitSnapshotsTable {
  name: string;
  created_at: number;
  /** JSON object: row count per table. */
  tables: string;
  /** gzipped JSON Lines, one `{"table","row"}` per row (the export's row encoding). */
  data: Uint8Array;
}

/** A fault rule shared by every node (cluster mode); see migration 2026-12-06-01-toolkit-cluster. */
export interface ToolkitFaultsTable {
  id: Generated<number>;
  /** JSON of the rule (match, answer, limits) as the admin API took it. */
  rule: string;
  /** Requests faulted so far, on every node. */
  hits: Generated<number>;
  /** The rule's `count`: no node faults past it. Null: no limit. */
  max_hits: number | null;
}

/** The one row (id 1) of the shared virtual clock: an offset from real time, or a frozen instant. */
export interface ToolkitClockTable {
  id: number;
  offset_ms: number;
  frozen_at: number | null;
}

/** A journal entry of any node (cluster mode); the id orders and names it cluster-wide. */
export interface ToolkitJournalTable {
  id: Generated<number>;
  /** JSON of the entry without its id. */
  entry: string;
  /** The entry's arrival, Unix ms: the table keeps the newest entries by it. */
  time: number;
}

/** A node following the shared toolkit runtime: the version it applied, and when it last said so. */
export interface ToolkitNodesTable {
  node: string;
  applied: number;
  /** Unix ms. */
  seen_at: number;
}
