import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { SessionsTable } from '../tables/identity.tables.ts';
import type { UserRow } from './user.repository.ts';

export type SessionRow = Selectable<SessionsTable>;

export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: Insertable<SessionsTable>): Promise<void> {
    await this.db.insertInto('sessions').values(session).execute();
  }

  /** The live session for a token hash, with its user, in one round trip. */
  async findActive(
    tokenHash: string,
    now: number,
  ): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const row = await this.db
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
      ])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    const { token_hash, kind, csrf, sid, refresh_token_hash, session_created_at, expires_at, ...user } = row;
    return {
      session: {
        token_hash,
        kind,
        csrf,
        sid,
        refresh_token_hash,
        created_at: session_created_at,
        expires_at,
        mid: user.mid,
      },
      user,
    };
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
