import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import { insertForLiveUser, written } from './live-user.ts';
import type {
  EmoteImagesTable,
  EmotePackagesTable,
  EmotesTable,
  UserEmotePackagesTable,
} from '../tables/emote.tables.ts';

export type EmotePackageRow = Selectable<EmotePackagesTable>;
export type EmoteRow = Selectable<EmotesTable>;
export type EmoteImageRow = Selectable<EmoteImagesTable>;

export class EmoteRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
  }

  /** Shipped packages first, then the operator's in creation order: the panel order. */
  listPackages(): Promise<EmotePackageRow[]> {
    return this.db
      .selectFrom('emote_packages')
      .selectAll()
      .orderBy('builtin', 'desc')
      .orderBy('id')
      .execute();
  }

  listEmotes(): Promise<EmoteRow[]> {
    return this.db
      .selectFrom('emotes')
      .selectAll()
      .orderBy('package_id')
      .orderBy('sort')
      .orderBy('id')
      .execute();
  }

  findPackage(id: number): Promise<EmotePackageRow | undefined> {
    return this.db.selectFrom('emote_packages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  emotesOf(packageId: number): Promise<EmoteRow[]> {
    return this.db
      .selectFrom('emotes')
      .selectAll()
      .where('package_id', '=', packageId)
      .orderBy('sort')
      .orderBy('id')
      .execute();
  }

  /** The emotes among `texts` that exist, in any package. */
  findByTexts(texts: readonly string[]): Promise<EmoteRow[]> {
    if (texts.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('emotes')
      .selectAll()
      .where('text', 'in', [...new Set(texts)])
      .execute();
  }

  async insertPackage(pkg: Insertable<EmotePackagesTable>, emotes: Insertable<EmotesTable>[]): Promise<void> {
    await this.db.insertInto('emote_packages').values(pkg).execute();
    if (emotes.length > 0) await this.db.insertInto('emotes').values(emotes).execute();
  }

  async upsertPackage(pkg: Insertable<EmotePackagesTable>): Promise<void> {
    await this.db
      .insertInto('emote_packages')
      .values(pkg)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          text: pkg.text,
          icon: pkg.icon,
          type: pkg.type,
          attr: pkg.attr,
          size: pkg.size,
          builtin: pkg.builtin,
          mtime: pkg.mtime,
        }),
      )
      .execute();
  }

  async upsertEmote(emote: Insertable<EmotesTable>): Promise<void> {
    await this.db
      .insertInto('emotes')
      .values(emote)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          package_id: emote.package_id,
          text: emote.text,
          alias: emote.alias,
          image: emote.image,
          sort: emote.sort,
          mtime: emote.mtime,
        }),
      )
      .execute();
  }

  async deleteEmotesOfPackageExcept(packageId: number, keepIds: readonly number[]): Promise<void> {
    let query = this.db.deleteFrom('emotes').where('package_id', '=', packageId);
    if (keepIds.length > 0) query = query.where('id', 'not in', [...keepIds]);
    await query.execute();
  }

  /** Deletes the package, its emotes and users' panel settings for it (not relying on cascades). */
  async deletePackage(id: number): Promise<boolean> {
    await this.db.deleteFrom('emotes').where('package_id', '=', id).execute();
    await this.db.deleteFrom('user_emote_packages').where('package_id', '=', id).execute();
    const result = await this.db.deleteFrom('emote_packages').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async maxPackageId(): Promise<number> {
    const row = await this.db
      .selectFrom('emote_packages')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async maxEmoteId(): Promise<number> {
    const row = await this.db
      .selectFrom('emotes')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /** What `mid` changed in their panel for `business`: package id → added (true) or removed (false). */
  async panelSettings(mid: number, business: string): Promise<Map<number, boolean>> {
    const rows = await this.db
      .selectFrom('user_emote_packages')
      .select(['package_id', 'added'])
      .where('mid', '=', mid)
      .where('business', '=', business)
      .execute();
    return new Map(rows.map((r) => [Number(r.package_id), Number(r.added) === 1]));
  }

  /**
   * Records an add or a remove; the latest one wins. False when `setting.mid` is no live account
   * (`liveUserRow`: a change racing the account's deletion writes nothing).
   */
  async setPanelPackage(setting: Insertable<UserEmotePackagesTable>): Promise<boolean> {
    const result = await insertForLiveUser(this.db, this.postgres, 'user_emote_packages', setting.mid, {
      business: [setting.business, 'text'],
      package_id: [setting.package_id, 'bigint'],
      added: [setting.added, 'integer'],
      updated_at: [setting.updated_at, 'bigint'],
    })
      .onConflict((oc) =>
        oc
          .columns(['mid', 'business', 'package_id'])
          .doUpdateSet({ added: setting.added, updated_at: setting.updated_at }),
      )
      .executeTakeFirst();
    return written(result);
  }

  findImage(name: string): Promise<EmoteImageRow | undefined> {
    return this.db.selectFrom('emote_images').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Images are named by their content hash, so storing one twice is a no-op. */
  async insertImage(image: Insertable<EmoteImagesTable>): Promise<void> {
    await this.db
      .insertInto('emote_images')
      .values(image)
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  /** Removes those of `names` that no package icon and no emote refers to any more. */
  async deleteUnreferencedImages(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db
      .deleteFrom('emote_images')
      .where('name', 'in', [...new Set(names)])
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('emotes').select('id').whereRef('emotes.image', '=', 'emote_images.name')),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('emote_packages')
              .select('id')
              .whereRef('emote_packages.icon', '=', 'emote_images.name'),
          ),
        ),
      )
      .execute();
  }
}
