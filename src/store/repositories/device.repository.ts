import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface NewDevice {
  buvid3: string;
  buvid4: string | null;
  source: 'spi' | 'getbuvid' | 'page';
  issued_at: number;
}

export class DeviceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** One statement per issued id; ids are random, so a conflict would only be a replayed insert. */
  async insert(device: NewDevice): Promise<void> {
    await this.db
      .insertInto('devices')
      .values({ ...device, activated_at: null })
      .onConflict((oc) => oc.column('buvid3').doNothing())
      .execute();
  }

  /** Records the first activation; false when the id is not stored (pruned) or was activated before. */
  async markActivated(buvid3: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ activated_at: at })
      .where('buvid3', '=', buvid3)
      .where('activated_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Deletes up to `limit` rows, oldest first: those never activated and issued before `unactivatedCutoff`,
   * and any issued before `cutoff`. Bounded so that one call never holds the table for long.
   */
  async prune(unactivatedCutoff: number, cutoff: number, limit: number): Promise<number> {
    const doomed = this.db
      .selectFrom('devices')
      .select('buvid3')
      .where((eb) =>
        eb.or([
          eb('issued_at', '<', cutoff),
          eb.and([eb('issued_at', '<', unactivatedCutoff), eb('activated_at', 'is', null)]),
        ]),
      )
      .orderBy('issued_at')
      .limit(limit);
    const result = await this.db.deleteFrom('devices').where('buvid3', 'in', doomed).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
