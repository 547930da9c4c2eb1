import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { AvatarsTable, InviteCodesTable } from '../tables/account.tables.ts';

export type InviteRow = Selectable<InviteCodesTable>;
export type AvatarRow = Selectable<AvatarsTable>;

/** Invitation codes, host-site identities, uploaded avatars and the erasure of a deleted account. */
export class AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertInvite(row: InviteRow): Promise<InviteRow> {
    return this.db.insertInto('invite_codes').values(row).returningAll().executeTakeFirstOrThrow();
  }

  findInvite(code: string): Promise<InviteRow | undefined> {
    return this.db.selectFrom('invite_codes').selectAll().where('code', '=', code).executeTakeFirst();
  }

  /** Newest first. */
  listInvites(limit: number): Promise<InviteRow[]> {
    return this.db
      .selectFrom('invite_codes')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('code')
      .limit(limit)
      .execute();
  }

  async deleteInvite(code: string): Promise<boolean> {
    const result = await this.db.deleteFrom('invite_codes').where('code', '=', code).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Takes one use of a live code in a single conditional UPDATE, so two sign-ups racing for its last use
   * cannot both succeed. False when the code is unknown, used up or expired.
   */
  async consumeInvite(code: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invite_codes')
      .set({ uses_left: sql`uses_left - 1`, uses: sql`uses + 1` })
      .where('code', '=', code)
      .where('uses_left', '>', 0)
      .where((eb) => eb.or([eb('expires_at', '=', 0), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async findExternalMid(issuer: string, subject: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('external_identities')
      .select('mid')
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.mid);
  }

  async insertExternal(issuer: string, subject: string, mid: number, now: number): Promise<void> {
    await this.db
      .insertInto('external_identities')
      .values({ issuer, subject, mid, created_at: now, last_seen_at: now })
      .execute();
  }

  async touchExternal(issuer: string, subject: string, now: number): Promise<void> {
    await this.db
      .updateTable('external_identities')
      .set({ last_seen_at: now })
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .execute();
  }

  findAvatar(mid: number): Promise<AvatarRow | undefined> {
    return this.db.selectFrom('avatars').selectAll().where('mid', '=', mid).executeTakeFirst();
  }

  async putAvatar(row: AvatarRow): Promise<void> {
    await this.db
      .insertInto('avatars')
      .values(row)
      .onConflict((oc) =>
        oc.column('mid').doUpdateSet({
          hash: row.hash,
          content_type: row.content_type,
          data: row.data,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  /**
   * What the heartbeats keep of a user: history, open watch sessions, which archives they played and
   * when (the play count's window; the counts themselves stay), and what the watch analytics keep of them
   * (their sessions, days watched and own totals; the archives' figures stay).
   */
  async eraseWatchData(mid: number): Promise<void> {
    await this.db.deleteFrom('history').where('mid', '=', mid).execute();
    await this.db.deleteFrom('watch_sessions').where('mid', '=', mid).execute();
    await this.db.deleteFrom('play_counts').where('viewer', '=', `m:${mid}`).execute();
    await this.db.deleteFrom('analytics_sessions').where('mid', '=', mid).execute();
    // Keyed by part and day: found by scanning, which a deletion (rare) can afford rather than every
    // play paying for an index by viewer.
    await this.db.deleteFrom('analytics_viewers').where('mid', '=', mid).execute();
    await this.db.deleteFrom('analytics_users').where('mid', '=', mid).execute();
  }

  /**
   * Everything personal of a deleted account: sessions and sign-ins confirmed but not collected, watch
   * history, open watch sessions, which archives they played, the watch-later list, what
   * the watch analytics keep of them (their sessions, days watched and own totals; the archives' counts
   * stay), notices addressed to them and their read marks, the mail address and its queue, emote package
   * choices, the avatar, host-site identities and a pending forced cookie refresh. Comments, votes and
   * reports stay (see docs/api/accounts.md).
   *
   * Their history is left paused rather than its setting erased: a heartbeat or progress report accepted
   * just before the deletion may still wait in a group commit (here or on another node), and the watch
   * batch refuses a paused user's history, watch session, analytics and history events in the statements
   * it runs anyway, so none of those is written back after this (a play's window row is not checked:
   * AccountService erases the watch data again once this node's batches are written).
   */
  async erasePersonalData(mid: number, now: number): Promise<void> {
    await this.eraseWatchData(mid);
    await this.db.deleteFrom('toview').where('mid', '=', mid).execute();
    // A QR or TV sign-in confirmed for them and not yet collected would still hand out a session.
    await this.db.deleteFrom('qr_logins').where('mid', '=', mid).execute();
    await this.db.deleteFrom('tv_logins').where('mid', '=', mid).execute();
    await this.db.deleteFrom('user_mail').where('mid', '=', mid).execute();
    await this.db.deleteFrom('mail_queue').where('recipient_mid', '=', mid).execute();
    await this.db.deleteFrom('mail_recipients').where('mid', '=', mid).execute();
    await this.db.deleteFrom('sessions').where('mid', '=', mid).execute();
    await this.db.deleteFrom('cookie_refresh_forced').where('mid', '=', mid).execute();
    await this.db
      .insertInto('history_prefs')
      .values({ mid, paused: 1, updated_at: now })
      .onConflict((oc) => oc.column('mid').doUpdateSet({ paused: 1, updated_at: now }))
      .execute();
    await this.db.deleteFrom('notices').where('recipient_mid', '=', mid).execute();
    await this.db.deleteFrom('like_notices').where('recipient_mid', '=', mid).execute();
    await this.db.deleteFrom('notice_views').where('mid', '=', mid).execute();
    await this.db.deleteFrom('user_emote_packages').where('mid', '=', mid).execute();
    await this.db.deleteFrom('avatars').where('mid', '=', mid).execute();
    await this.db.deleteFrom('external_identities').where('mid', '=', mid).execute();
  }
}
