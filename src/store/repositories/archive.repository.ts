import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { ArchivePagesTable, ArchivesTable } from '../tables/catalog.tables.ts';

export type ArchiveRow = Selectable<ArchivesTable>;
export type PageRow = Selectable<ArchivePagesTable>;

export class ArchiveRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findByAid(aid: number): Promise<ArchiveRow | undefined> {
    return this.db.selectFrom('archives').selectAll().where('aid', '=', aid).executeTakeFirst();
  }

  async findByAids(aids: readonly number[]): Promise<Map<number, ArchiveRow>> {
    if (aids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('archives')
      .selectAll()
      .where('aid', 'in', [...new Set(aids)])
      .execute();
    return new Map(rows.map((r) => [r.aid, r]));
  }

  findPages(aid: number): Promise<PageRow[]> {
    return this.db.selectFrom('archive_pages').selectAll().where('aid', '=', aid).orderBy('page').execute();
  }

  async findPagesOf(aids: readonly number[]): Promise<Map<number, PageRow[]>> {
    const byAid = new Map<number, PageRow[]>();
    if (aids.length === 0) return byAid;
    const rows = await this.db
      .selectFrom('archive_pages')
      .selectAll()
      .where('aid', 'in', [...new Set(aids)])
      .orderBy('aid')
      .orderBy('page')
      .execute();
    for (const row of rows) {
      const list = byAid.get(row.aid) ?? [];
      list.push(row);
      byAid.set(row.aid, list);
    }
    return byAid;
  }

  findPageByCid(cid: number): Promise<PageRow | undefined> {
    return this.db.selectFrom('archive_pages').selectAll().where('cid', '=', cid).executeTakeFirst();
  }

  async insert(archive: Insertable<ArchivesTable>, pages: Insertable<ArchivePagesTable>[]): Promise<void> {
    await this.db.insertInto('archives').values(archive).execute();
    if (pages.length > 0) await this.db.insertInto('archive_pages').values(pages).execute();
  }

  /** How many archives `mid` uploaded (the card's `archive_count`). */
  async countByOwner(mid: number): Promise<number> {
    const row = await this.db
      .selectFrom('archives')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_mid', '=', mid)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async maxAid(): Promise<number> {
    const row = await this.db
      .selectFrom('archives')
      .select((eb) => eb.fn.max('aid').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async maxCid(): Promise<number> {
    const row = await this.db
      .selectFrom('archive_pages')
      .select((eb) => eb.fn.max('cid').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async list(limit: number, afterAid: number): Promise<ArchiveRow[]> {
    return this.db
      .selectFrom('archives')
      .selectAll()
      .where('aid', '>', afterAid)
      .orderBy('aid')
      .limit(limit)
      .execute();
  }
}
