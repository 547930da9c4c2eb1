import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// Seasons (pgc) and courses (cheese) over the archive catalogue (issue 17). An episode is one part of an
// archive (aid, cid): the player, comments and play counts keep working on the archive, and the watch
// history of the episode is recorded under its season. A part backs at most one episode.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('seasons')
    .addColumn('business', 'text', (c) => c.notNull())
    .addColumn('season_id', 'bigint', (c) => c.notNull())
    .addColumn('media_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('sub_type', 'integer', (c) => c.notNull())
    .addColumn('cover', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_finish', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('seasons_pk', ['business', 'season_id'])
    .execute();

  await db.schema
    .createTable('season_episodes')
    .addColumn('business', 'text', (c) => c.notNull())
    .addColumn('epid', 'bigint', (c) => c.notNull())
    .addColumn('season_id', 'bigint', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('long_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('pub_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('season_episodes_pk', ['business', 'epid'])
    .execute();
  // A season's episodes in order; the position is unique within the season.
  await db.schema
    .createIndex('season_episodes_season_ord')
    .on('season_episodes')
    .columns(['business', 'season_id', 'ord'])
    .unique()
    .execute();
  // The heartbeat finds the episode of a part: one part backs at most one episode.
  await db.schema.createIndex('season_episodes_cid').on('season_episodes').column('cid').unique().execute();
  await db.schema.createIndex('season_episodes_aid').on('season_episodes').column('aid').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('season_episodes').execute();
  await db.schema.dropTable('seasons').execute();
}
