import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../schema.ts';
import type { UsersTable } from '../tables/identity.tables.ts';

export type UserRow = Selectable<UsersTable>;
export type NewUser = Omit<Insertable<UsersTable>, 'mid'> & { mid?: number };

/** Operator-created mids start here so they never look like the demo's small ids. */
const FIRST_ASSIGNED_MID = 10_000;

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findByMid(mid: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('mid', '=', mid).executeTakeFirst();
  }

  findByUname(uname: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('uname', '=', uname).executeTakeFirst();
  }

  async findByMids(mids: readonly number[]): Promise<Map<number, UserRow>> {
    if (mids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('mid', 'in', [...new Set(mids)])
      .execute();
    return new Map(rows.map((r) => [r.mid, r]));
  }

  async findByUnames(unames: readonly string[]): Promise<UserRow[]> {
    if (unames.length === 0) return [];
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('uname', 'in', [...new Set(unames)])
      .execute();
  }

  /** Inserts with the given mid, or the next free one; a concurrent insert of the same mid fails uniquely. */
  async insert(user: NewUser): Promise<UserRow> {
    const mid = user.mid ?? (await this.nextMid());
    return this.db
      .insertInto('users')
      .values({ ...user, mid })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * `live`: only while the account is not deleted, checked by the write itself (a change that passed the
   * check before it, racing the deletion, writes nothing); undefined when it did not change a row.
   */
  async update(
    mid: number,
    patch: Updateable<UsersTable>,
    options: { live?: boolean } = {},
  ): Promise<UserRow | undefined> {
    let query = this.db.updateTable('users').set(patch).where('mid', '=', mid);
    if (options.live) query = query.where('deleted', '=', 0);
    return query.returningAll().executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async nextMid(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.max('mid').as('max'))
      .executeTakeFirst();
    return Math.max(Number(row?.max ?? 0) + 1, FIRST_ASSIGNED_MID);
  }
}
