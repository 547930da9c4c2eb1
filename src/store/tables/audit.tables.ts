import type { Generated } from 'kysely';

/** One moderator action (migration 2026-12-05-13). */
export interface AuditLogTable {
  id: Generated<number>;
  /** Unix seconds. */
  at: number;
  /** Who acted: `admin` for the bearer token of the admin API. */
  actor: string;
  /** `reply.delete`, `report.dismiss`, `report.delete`, `user.ban`, `user.unban`, `area.close`, `area.open`. */
  action: string;
  target_type: string;
  target_id: string;
  /** JSON object with what the action changed. */
  detail: string;
}
