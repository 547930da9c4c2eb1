import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('mid', 'bigint', (c) => c.primaryKey())
    .addColumn('uname', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('sex', 'text', (c) => c.notNull().defaultTo('保密'))
    .addColumn('sign', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('face', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vip_type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vip_due_date', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('official_type', 'integer', (c) => c.notNull().defaultTo(-1))
    .addColumn('official_desc', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('banned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mid', 'bigint', (c) => c.notNull().references('users.mid').onDelete('cascade'))
    .addColumn('csrf', 'text', (c) => c.notNull())
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('refresh_token_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_mid').on('sessions').column('mid').execute();

  await db.schema
    .createTable('qr_logins')
    .addColumn('qrcode_key', 'text', (c) => c.primaryKey())
    .addColumn('state', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mid', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('archives')
    .addColumn('aid', 'bigint', (c) => c.primaryKey())
    .addColumn('bvid', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('cover', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_mid', 'bigint', (c) => c.notNull().references('users.mid'))
    .addColumn('tid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tname', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('copyright', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('pubdate', 'bigint', (c) => c.notNull())
    .addColumn('ctime', 'bigint', (c) => c.notNull())
    .addColumn('duration', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('archives_owner').on('archives').column('owner_mid').execute();

  await db.schema
    .createTable('archive_pages')
    .addColumn('cid', 'bigint', (c) => c.primaryKey())
    .addColumn('aid', 'bigint', (c) => c.notNull().references('archives.aid').onDelete('cascade'))
    .addColumn('page', 'integer', (c) => c.notNull())
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('duration', 'integer', (c) => c.notNull())
    .addUniqueConstraint('archive_pages_aid_page', ['aid', 'page'])
    .execute();

  await db.schema
    .createTable('areas')
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('oid', 'bigint', (c) => c.notNull())
    .addColumn('owner_mid', 'bigint', (c) => c.notNull())
    .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('areas_pk', ['type', 'oid'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['areas', 'archive_pages', 'archives', 'settings', 'qr_logins', 'sessions', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
