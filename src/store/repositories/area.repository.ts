import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { AreasTable } from '../tables/catalog.tables.ts';

export type AreaRow = Selectable<AreasTable>;

export class AreaRepository {
  constructor(private readonly db: Kysely<Database>) {}

  find(type: number, oid: number): Promise<AreaRow | undefined> {
    return this.db
      .selectFrom('areas')
      .selectAll()
      .where('type', '=', type)
      .where('oid', '=', oid)
      .executeTakeFirst();
  }

  /** Creates the area or updates its owner and state; returns the stored row. */
  async upsert(area: {
    type: number;
    oid: number;
    owner_mid: number;
    closed: number;
    now: number;
  }): Promise<AreaRow> {
    return this.db
      .insertInto('areas')
      .values({
        type: area.type,
        oid: area.oid,
        owner_mid: area.owner_mid,
        closed: area.closed,
        created_at: area.now,
      })
      .onConflict((oc) =>
        oc.columns(['type', 'oid']).doUpdateSet({ owner_mid: area.owner_mid, closed: area.closed }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
