import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { SeasonEpisodesTable, SeasonsTable } from '../tables/season.tables.ts';

export type SeasonRow = Selectable<SeasonsTable>;
export type EpisodeRow = Selectable<SeasonEpisodesTable>;

/** Seasons and courses with their episodes; `business` (`pgc` / `cheese`) picks the id namespace. */
export class SeasonRepository {
  constructor(private readonly db: Kysely<Database>) {}

  find(business: string, seasonId: number): Promise<SeasonRow | undefined> {
    return this.db
      .selectFrom('seasons')
      .selectAll()
      .where('business', '=', business)
      .where('season_id', '=', seasonId)
      .executeTakeFirst();
  }

  /** Seasons of one business by id. */
  async findMany(business: string, seasonIds: readonly number[]): Promise<Map<number, SeasonRow>> {
    if (seasonIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('seasons')
      .selectAll()
      .where('business', '=', business)
      .where('season_id', 'in', [...new Set(seasonIds)])
      .execute();
    return new Map(rows.map((r) => [r.season_id, r]));
  }

  episodes(business: string, seasonId: number): Promise<EpisodeRow[]> {
    return this.db
      .selectFrom('season_episodes')
      .selectAll()
      .where('business', '=', business)
      .where('season_id', '=', seasonId)
      .orderBy('ord')
      .execute();
  }

  /** The episodes of several seasons of one business, each list in order. */
  async episodesOf(business: string, seasonIds: readonly number[]): Promise<Map<number, EpisodeRow[]>> {
    const out = new Map<number, EpisodeRow[]>();
    if (seasonIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('season_episodes')
      .selectAll()
      .where('business', '=', business)
      .where('season_id', 'in', [...new Set(seasonIds)])
      .orderBy('season_id')
      .orderBy('ord')
      .execute();
    for (const row of rows) {
      const list = out.get(row.season_id) ?? [];
      list.push(row);
      out.set(row.season_id, list);
    }
    return out;
  }

  findEpisode(business: string, epid: number): Promise<EpisodeRow | undefined> {
    return this.db
      .selectFrom('season_episodes')
      .selectAll()
      .where('business', '=', business)
      .where('epid', '=', epid)
      .executeTakeFirst();
  }

  /** Episodes (of either business) carried by parts of this archive. */
  episodesByAid(aid: number): Promise<EpisodeRow[]> {
    return this.db.selectFrom('season_episodes').selectAll().where('aid', '=', aid).orderBy('cid').execute();
  }

  findEpisodeByCid(cid: number): Promise<EpisodeRow | undefined> {
    return this.db.selectFrom('season_episodes').selectAll().where('cid', '=', cid).executeTakeFirst();
  }

  async insertSeason(row: Insertable<SeasonsTable>): Promise<void> {
    await this.db.insertInto('seasons').values(row).execute();
  }

  async updateSeason(
    business: string,
    seasonId: number,
    patch: Partial<Pick<SeasonRow, 'title' | 'cover' | 'description' | 'total' | 'is_finish'>>,
  ): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db
      .updateTable('seasons')
      .set(patch)
      .where('business', '=', business)
      .where('season_id', '=', seasonId)
      .execute();
  }

  async insertEpisodes(rows: Insertable<SeasonEpisodesTable>[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('season_episodes').values(rows).execute();
  }

  async maxSeasonId(business: string): Promise<number> {
    const row = await this.db
      .selectFrom('seasons')
      .select((eb) => eb.fn.max('season_id').as('max'))
      .where('business', '=', business)
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async maxEpid(business: string): Promise<number> {
    const row = await this.db
      .selectFrom('season_episodes')
      .select((eb) => eb.fn.max('epid').as('max'))
      .where('business', '=', business)
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async list(business: string, limit: number, afterId: number): Promise<SeasonRow[]> {
    return this.db
      .selectFrom('seasons')
      .selectAll()
      .where('business', '=', business)
      .where('season_id', '>', afterId)
      .orderBy('season_id')
      .limit(limit)
      .execute();
  }
}
