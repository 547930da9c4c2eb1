import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { SensitiveWordsTable } from '../tables/emote.tables.ts';

export type SensitiveWordRow = Selectable<SensitiveWordsTable>;

export class SensitiveWordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(limit: number, offset: number): Promise<SensitiveWordRow[]> {
    return this.db
      .selectFrom('sensitive_words')
      .selectAll()
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('sensitive_words')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Every matching form: what the automaton is built from. */
  async allNormalized(): Promise<string[]> {
    const rows = await this.db.selectFrom('sensitive_words').select('normalized').execute();
    return rows.map((r) => r.normalized);
  }

  findByNormalized(normalized: readonly string[]): Promise<SensitiveWordRow[]> {
    if (normalized.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('sensitive_words')
      .selectAll()
      .where('normalized', 'in', [...new Set(normalized)])
      .execute();
  }

  async insertMany(rows: Insertable<SensitiveWordsTable>[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('sensitive_words').values(rows).execute();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('sensitive_words').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async maxId(): Promise<number> {
    const row = await this.db
      .selectFrom('sensitive_words')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }
}
