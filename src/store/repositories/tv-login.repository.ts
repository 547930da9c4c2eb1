import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { TvLoginsTable } from '../tables/tv-login.tables.ts';

export type TvLoginRow = Selectable<TvLoginsTable>;

export class TvLoginRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(authCode: string, appkey: string, now: number): Promise<void> {
    await this.db
      .insertInto('tv_logins')
      .values({ auth_code: authCode, appkey, state: 0, created_at: now })
      .execute();
  }

  find(authCode: string): Promise<TvLoginRow | undefined> {
    return this.db.selectFrom('tv_logins').selectAll().where('auth_code', '=', authCode).executeTakeFirst();
  }

  /** Moves a code from one of `from` to `to` atomically; false if another request moved it first. */
  async transition(authCode: string, from: readonly number[], to: number, mid?: number): Promise<boolean> {
    const result = await this.db
      .updateTable('tv_logins')
      .set(mid === undefined ? { state: to } : { state: to, mid })
      .where('auth_code', '=', authCode)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteOlderThan(cutoff: number): Promise<void> {
    await this.db.deleteFrom('tv_logins').where('created_at', '<', cutoff).execute();
  }
}
