import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
// The default packages are not inserted here: EmoteService seeds them at every start (an upsert), so an
// upgrade that adds emotes to the default set reaches existing databases without a new migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  const blob = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';

  await db.schema
    .createTable('emote_packages')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('icon', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('attr', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mtime', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('emotes')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('package_id', 'bigint', (c) => c.notNull().references('emote_packages.id').onDelete('cascade'))
    // One emote per escape text across all packages, or resolving `[name]` would be ambiguous.
    .addColumn('text', 'text', (c) => c.notNull().unique())
    .addColumn('alias', 'text')
    .addColumn('image', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mtime', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('emotes_package').on('emotes').columns(['package_id', 'sort']).execute();

  await db.schema
    .createTable('emote_images')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sensitive_words')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('word', 'text', (c) => c.notNull())
    .addColumn('normalized', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('change_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['change_versions', 'sensitive_words', 'emote_images', 'emotes', 'emote_packages']) {
    await db.schema.dropTable(table).execute();
  }
}
