import type { Kysely } from 'kysely';

// Frozen. What each user changed in their emote panel (/x/emote/package/add and /remove), per business
// (`reply`, `dynamic`). Only changes are stored: a user without rows has the default panel, so packages
// an operator adds later reach everyone who has not removed them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_emote_packages')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('business', 'varchar(16)', (c) => c.notNull())
    .addColumn('package_id', 'bigint', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_emote_packages_pk', ['mid', 'business', 'package_id'])
    .execute();
  // Deleting a package removes every user's setting for it.
  await db.schema
    .createIndex('user_emote_packages_package')
    .on('user_emote_packages')
    .column('package_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_emote_packages').execute();
}
