import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { DELETED_NAME } from '../../domain/account-rules.ts';
import type { Database } from '../schema.ts';
import type { HistoryRow } from './history.repository.ts';

export interface HistorySearchFilter {
  mid: number;
  /** Lower-cased; matched as a substring of the title (archive, season or course) or the uploader's name. */
  keyword: string;
  businesses: readonly string[];
  /** `view_at` bounds, inclusive; 0 = none. */
  from: number;
  to: number;
  /** Archive length bounds in seconds, inclusive; 0 = none. */
  minDuration: number;
  maxDuration: number;
  /** Platform codes (`dt`) to keep; null = every platform. */
  dts: readonly number[] | null;
  offset: number;
  limit: number;
}

/** `%`, `_` and the escape character itself are literal in a keyword. */
function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * History search (CONTRACT.md §18). A user's entries are reached through the `history_mid_view_at` index
 * newest first; the titles and uploader names come from the archive, season and user rows by primary key.
 * There is no separate text index: a user's history is bounded (measured in docs/api/history-search.md, a
 * 10 000-entry history is searched in a few milliseconds on both databases), and keeping a denormalised
 * title column or FTS table current would put a write on the heartbeat path and on every archive rename.
 */
export class HistorySearchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async search(f: HistorySearchFilter): Promise<{ total: number; rows: HistoryRow[] }> {
    let query = this.db
      .selectFrom('history as h')
      .leftJoin('archives as a', 'a.aid', 'h.oid')
      .leftJoin('users as u', 'u.mid', 'a.owner_mid')
      .leftJoin('seasons as s', (join) =>
        join.onRef('s.business', '=', 'h.business').onRef('s.season_id', '=', 'h.kid'),
      )
      .where('h.mid', '=', f.mid)
      .where('h.business', 'in', [...f.businesses]);
    if (f.from > 0) query = query.where('h.view_at', '>=', f.from);
    if (f.to > 0) query = query.where('h.view_at', '<=', f.to);
    if (f.minDuration > 0) query = query.where('a.duration', '>=', f.minDuration);
    if (f.maxDuration > 0) query = query.where('a.duration', '<=', f.maxDuration);
    if (f.dts) query = query.where('h.dt', 'in', [...f.dts]);
    if (f.keyword !== '') {
      const pattern = likePattern(f.keyword);
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(a.title)`, 'like', sql`${pattern} escape '\\'`),
          // The uploader's name as it is shown: a deleted account's stored `#<mid>` is nobody's to find.
          eb(
            sql`lower(CASE WHEN u.deleted = 1 THEN ${DELETED_NAME} ELSE u.uname END)`,
            'like',
            sql`${pattern} escape '\\'`,
          ),
          eb(sql`lower(s.title)`, 'like', sql`${pattern} escape '\\'`),
        ]),
      );
    }
    // One pass: the page and the number of matches together (a window count over the filtered rows).
    const found = await query
      .selectAll('h')
      .select(sql<number | string>`count(*) over ()`.as('matches'))
      .orderBy('h.view_at', 'desc')
      .orderBy('h.business', 'desc')
      .orderBy('h.kid', 'desc')
      .offset(f.offset)
      .limit(f.limit)
      .execute();
    if (found.length > 0) {
      const total = Number(found[0]!.matches);
      return { total, rows: found.map(({ matches: _, ...row }) => row) };
    }
    // Past the last page (or nothing matches) the window has no row to ride on: count on its own.
    const count =
      f.offset === 0
        ? undefined
        : await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
    return { total: Number(count?.n ?? 0), rows: [] };
  }
}
