import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Version counters that tell every node when a shared in-memory cache went stale. */
export class ChangeVersionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<number> {
    const row = await this.db
      .selectFrom('change_versions')
      .select('version')
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(row?.version ?? 0);
  }

  /** Call inside the transaction of the change, so readers never see the data without the new version. */
  async bump(name: string): Promise<void> {
    await this.db
      .insertInto('change_versions')
      .values({ name, version: 1 })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({ version: eb('change_versions.version', '+', 1) })),
      )
      .execute();
  }
}
