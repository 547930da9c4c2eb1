import { CompiledQuery, sql } from 'kysely';
import type { InferResult, Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { SessionsTable } from '../tables/identity.tables.ts';
import type { UserRow } from './user.repository.ts';

export type SessionRow = Selectable<SessionsTable>;

export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: Insertable<SessionsTable>): Promise<void> {
    await this.db.insertInto('sessions').values(session).execute();
  }

  /**
   * The SQL text of findActive, compiled once: every request of a session whose cached identity expired
   * (each few seconds per active session) runs it, and building and compiling Kysely's query tree each
   * time cost more than the indexed lookup itself. Values are parameters, so the text never changes.
   */
  private activeSql: string | undefined;

  private activeQuery(tokenHash: string, now: number) {
    return (
      this.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.mid', 'sessions.mid')
        .selectAll('users')
        .select([
          'sessions.token_hash',
          'sessions.kind',
          'sessions.csrf',
          'sessions.sid',
          'sessions.refresh_token_hash',
          'sessions.created_at as session_created_at',
          'sessions.expires_at',
          'sessions.refresh_csrf_hash',
          'sessions.refresh_csrf_expires_at',
          'sessions.superseded_by',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.expires_at', '>', now)
        // A deleted account's sessions are deleted with it; one minted in a race with the deletion (a QR or
        // TV sign-in collected at that moment) must not sign anyone in either.
        .where('users.deleted', '=', sql.lit(0))
    );
  }

  /** The live session for a token hash, with its user, in one round trip. */
  async findActive(
    tokenHash: string,
    now: number,
  ): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    type Row = InferResult<ReturnType<SessionRepository['activeQuery']>>[number];
    this.activeSql ??= this.activeQuery('', 0).compile().sql;
    const { rows } = await this.db.executeQuery<Row>(CompiledQuery.raw(this.activeSql, [tokenHash, now]));
    const row = rows[0];
    if (!row) return undefined;
    const {
      token_hash,
      kind,
      csrf,
      sid,
      refresh_token_hash,
      session_created_at,
      expires_at,
      refresh_csrf_hash,
      refresh_csrf_expires_at,
      superseded_by,
      ...user
    } = row;
    return {
      session: {
        token_hash,
        kind,
        csrf,
        sid,
        refresh_token_hash,
        created_at: session_created_at,
        expires_at,
        refresh_csrf_hash,
        refresh_csrf_expires_at,
        superseded_by,
        mid: user.mid,
      },
      user,
    };
  }

  /** The session row itself, fresh from the database (not through any cache); undefined once expired. */
  findLive(tokenHash: string, now: number): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async setRefreshCsrf(tokenHash: string, csrfHash: string, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ refresh_csrf_hash: csrfHash, refresh_csrf_expires_at: expiresAt })
      .where('token_hash', '=', tokenHash)
      .execute();
  }

  /**
   * Spends the refresh token of `oldHash` for the new session `newHash`: only if its refresh_csrf and
   * refresh token still match and it was not refreshed before (a racing second refresh gets false).
   */
  async supersede(
    oldHash: string,
    newHash: string,
    expected: { refreshTokenHash: string; refreshCsrfHash: string; now: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ superseded_by: newHash, refresh_csrf_hash: null, refresh_csrf_expires_at: null })
      .where('token_hash', '=', oldHash)
      .where('superseded_by', 'is', null)
      .where('refresh_token_hash', '=', expected.refreshTokenHash)
      .where('refresh_csrf_hash', '=', expected.refreshCsrfHash)
      .where('refresh_csrf_expires_at', '>', expected.now)
      .where('expires_at', '>', expected.now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The session a refresh replaced with `newHash`, still waiting for confirm/refresh. */
  findSupersededBy(newHash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('superseded_by', '=', newHash).executeTakeFirst();
  }

  async isRefreshForced(mid: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('cookie_refresh_forced')
      .select('mid')
      .where('mid', '=', mid)
      .executeTakeFirst();
    return row !== undefined;
  }

  async setRefreshForced(mid: number, forced: boolean, now: number): Promise<void> {
    if (!forced) {
      await this.db.deleteFrom('cookie_refresh_forced').where('mid', '=', mid).execute();
      return;
    }
    await this.db
      .insertInto('cookie_refresh_forced')
      .values({ mid, created_at: now })
      .onConflict((oc) => oc.column('mid').doNothing())
      .execute();
  }

  async delete(tokenHash: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
