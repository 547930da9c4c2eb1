import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

// Frozen. Accounts (issue #14): self-service sign-up, profiles, deletion and single sign-on.
// - `users.deleted`: 1 once the owner deleted the account; the row stays so their comments keep an author.
// - `invite_codes`: codes an operator hands out when sign-up is by invitation; `uses_left` counts down.
// - `external_identities`: (issuer, subject) of a host site's signed token → the Replay mid it maps to.
// - `avatars`: uploaded profile pictures, one per user, served at /x/replay/avatar/<mid>/<hash>.
export async function up(db: Kysely<unknown>): Promise<void> {
  const blob = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await sql`ALTER TABLE users ADD COLUMN deleted integer NOT NULL DEFAULT 0`.execute(db);

  await db.schema
    .createTable('invite_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('uses_left', 'integer', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('external_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('mid', 'bigint', (c) => c.notNull().references('users.mid').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('external_identities_pk', ['issuer', 'subject'])
    .execute();
  await db.schema.createIndex('external_identities_mid').on('external_identities').column('mid').execute();

  await db.schema
    .createTable('avatars')
    .addColumn('mid', 'bigint', (c) => c.primaryKey().references('users.mid').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('avatars').execute();
  await db.schema.dropTable('external_identities').execute();
  await db.schema.dropTable('invite_codes').execute();
  await sql`ALTER TABLE users DROP COLUMN deleted`.execute(db);
}
