/** A named snapshot of the whole state (toolkit); see migration 2026-12-05-11-toolkit. */
export interface ToolkitSnapshotsTable {
  name: string;
  created_at: number;
  /** JSON object: row count per table. */
  tables: string;
  /** gzipped JSON Lines, one `{"table","row"}` per row (the export's row encoding). */
  data: Uint8Array;
}
