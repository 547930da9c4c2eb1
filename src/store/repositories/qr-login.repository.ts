import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { QrLoginsTable } from '../tables/identity.tables.ts';

export type QrLoginRow = Selectable<QrLoginsTable>;

export class QrLoginRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(qrcodeKey: string, now: number): Promise<void> {
    await this.db
      .insertInto('qr_logins')
      .values({ qrcode_key: qrcodeKey, state: 0, created_at: now })
      .execute();
  }

  find(qrcodeKey: string): Promise<QrLoginRow | undefined> {
    return this.db.selectFrom('qr_logins').selectAll().where('qrcode_key', '=', qrcodeKey).executeTakeFirst();
  }

  /**
   * Moves a key from one of `from` to `to` atomically; false if another request moved it first (two polls
   * racing for one confirmed key must not both get a session).
   */
  async transition(qrcodeKey: string, from: readonly number[], to: number, mid?: number): Promise<boolean> {
    const result = await this.db
      .updateTable('qr_logins')
      .set(mid === undefined ? { state: to } : { state: to, mid })
      .where('qrcode_key', '=', qrcodeKey)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteOlderThan(cutoff: number): Promise<void> {
    await this.db.deleteFrom('qr_logins').where('created_at', '<', cutoff).execute();
  }
}
