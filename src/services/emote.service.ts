import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { escapeName, findEmoteEscapes, isEmoteEscape } from '../domain/emote-escape.ts';
import { BiliError } from '../errors.ts';
import type { EmotePackageRow, EmoteRow } from '../store/repositories/emote.repository.ts';
import type { Repositories, Store } from '../store/store.ts';
import { BUILTIN_PACKAGES, FIRST_ASSIGNED_EMOTE_ID, FIRST_ASSIGNED_PACKAGE_ID } from './builtin-emotes.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { VersionedCache } from './versioned-cache.ts';

/** The emote object of CONTRACT.md §5.1, as it appears in `content.emote` and `data.emote`. */
export interface EmoteWire {
  readonly id: number;
  readonly package_id: number;
  readonly state: number;
  readonly type: number;
  readonly attr: number;
  readonly text: string;
  readonly url: string;
  readonly meta: { readonly size: number; readonly alias?: string };
  readonly mtime: number;
  readonly jump_title: string;
}

/** A package with its emotes, as the panel and the admin API show it. */
export interface EmotePackage {
  readonly row: EmotePackageRow;
  readonly emotes: readonly EmoteRow[];
}

/** Who looks at the panel: decides which packages are listed and which emotes are locked. */
export interface EmoteViewer {
  mid: number;
  /** An active VIP membership: VIP-only packages are usable. */
  vip: boolean;
}

/** The two panels Bilibili keeps per user: comments and dynamics (posts). */
export const EMOTE_BUSINESSES = ['reply', 'dynamic'] as const;
export type EmoteBusiness = (typeof EMOTE_BUSINESSES)[number];

/** A package of the catalogue and whether it is in the viewer's panel. */
export interface PanelChoice {
  readonly pkg: EmotePackage;
  readonly added: boolean;
}

/** An image for an emote or a package icon: a link, or bytes (base64) Replay stores and serves; one of them. */
export interface ImageInput {
  url?: string | undefined;
  data?: string | undefined;
}

export interface NewEmotePackage {
  id?: number;
  text: string;
  /** 1 free (default), 2 VIP-only, 3 purchased, 4 kaomoji. */
  type?: number;
  /** 1 small (default), 2 large. */
  size?: number;
  icon?: ImageInput;
  emotes: { id?: number; text: string; alias?: string; image?: ImageInput }[];
}

export const KAOMOJI_TYPE = 4;
export const VIP_ONLY_TYPE = 2;
export const MAX_IMAGE_BYTES = 1024 * 1024;
export const MAX_EMOTES_PER_PACKAGE = 500;

const VERSION_KEY = 'emotes';

interface Snapshot {
  packages: readonly EmotePackage[];
  byId: ReadonlyMap<number, EmotePackage>;
  /** Escape text → wire object, for every non-kaomoji emote. */
  escapes: ReadonlyMap<string, EmoteWire>;
  /** Stored images some package or emote refers to: the only uploads served. */
  images: ReadonlySet<string>;
}

const IMAGE_TYPES: readonly { ext: string; type: string; test: (b: Buffer) => boolean }[] = [
  {
    ext: 'png',
    type: 'image/png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
  },
  { ext: 'gif', type: 'image/gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  { ext: 'jpg', type: 'image/jpeg', test: (b) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  {
    ext: 'webp',
    type: 'image/webp',
    test: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/** Names of images Replay serves itself (shipped files and uploads); anything else is a link. */
const LOCAL_IMAGE = /^[0-9a-z_-]{1,80}\.(png|gif|jpg|webp)$/;

/**
 * Emote packages: the shipped ones (seeded at start), the operator's (admin API), the escape table the
 * comment path resolves `[name]` with, and the panel. Everything a request reads comes from an in-memory
 * snapshot, rebuilt when the package set changes (on this node at once, on other nodes within a second).
 */
export class EmoteService {
  private readonly snapshot: VersionedCache<Snapshot>;
  // Uploads are named by their content hash, so cached bytes are never stale; whether one is still in use
  // is decided by the snapshot.
  private readonly imageBytes = new LRUCache<string, { contentType: string; data: Buffer }>({
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (image) => image.data.length || 1,
  });

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {
    this.snapshot = new VersionedCache(store, clock, VERSION_KEY, (s) => this.load(s));
  }

  /** Seeds the shipped packages (an upsert that writes only when they differ) and loads the snapshot. */
  async init(): Promise<void> {
    // Nodes of a cluster starting together seed the same rows; the loser of a race retries and finds them.
    await this.store.transactionRetryingUnique((tx) => this.seedBuiltins(tx));
    await this.snapshot.reload();
  }

  /** Moves with every rebuilt snapshot (cached comment pages built from an older one are stale). */
  get generation(): number {
    return this.snapshot.generation;
  }

  /**
   * The emotes `message` uses: escape text → §5.1 object, one entry per distinct known escape, in order of
   * first appearance. Unknown escapes are plain text and absent; no escape at all gives `{}`.
   */
  async resolve(message: string): Promise<Record<string, EmoteWire>> {
    const escapes = findEmoteEscapes(message);
    const found: Record<string, EmoteWire> = {};
    if (escapes.length === 0) return found;
    const table = (await this.snapshot.get()).escapes;
    for (const text of escapes) {
      const emote = table.get(text);
      if (emote) found[text] = emote;
    }
    return found;
  }

  /** Absolute URL of an image reference (a stored file name, or already a link). */
  imageUrl(ref: string): string {
    if (ref === '' || !LOCAL_IMAGE.test(ref)) return ref;
    return `${this.publicUrl}/bfs/emote/${ref}`;
  }

  /** The URL an emote is shown with; a kaomoji's "url" is the kaomoji itself (CONTRACT.md §5.2). */
  emoteUrl(pkg: EmotePackageRow, emote: EmoteRow): string {
    return pkg.type === KAOMOJI_TYPE ? emote.text : this.imageUrl(emote.image);
  }

  /**
   * The packages of a user's panel. Anonymous callers get the free ones (types 1 and 4). A signed-in user
   * gets every package except those they removed (/x/emote/package/remove) for this business: Replay sells
   * nothing, so a purchased-type package an operator added is everyone's, and VIP-only emotes are listed
   * locked for non-VIPs (the mapper's `no_access`).
   */
  async panel(viewer: EmoteViewer | null, business: EmoteBusiness): Promise<readonly EmotePackage[]> {
    const { packages } = await this.snapshot.get();
    if (!viewer) return packages.filter((p) => p.row.type === 1 || p.row.type === KAOMOJI_TYPE);
    const settings = await this.store.emotes.panelSettings(viewer.mid, business);
    return packages.filter((p) => settings.get(p.row.id) ?? true);
  }

  /** Every package with whether it is in the viewer's panel (`/x/emote/setting/panel`). */
  async choices(viewer: EmoteViewer, business: EmoteBusiness): Promise<PanelChoice[]> {
    const { packages } = await this.snapshot.get();
    const settings = await this.store.emotes.panelSettings(viewer.mid, business);
    return packages.map((pkg) => ({ pkg, added: settings.get(pkg.row.id) ?? true }));
  }

  /** Ids of the packages in the viewer's panel among `packages`; none for anonymous callers. */
  async addedAmong(
    viewer: EmoteViewer | null,
    business: EmoteBusiness,
    packages: readonly EmotePackage[],
  ): Promise<Set<number>> {
    if (!viewer) return new Set();
    const settings = await this.store.emotes.panelSettings(viewer.mid, business);
    return new Set(packages.filter((p) => settings.get(p.row.id) ?? true).map((p) => p.row.id));
  }

  /**
   * Puts a package into the viewer's panel or takes it out. Adding needs entitlement (-403): VIP-only
   * packages need an active membership, every other type is free in Replay. Removing is always allowed.
   * Adding what is already there, or removing what is not, succeeds and changes nothing visible.
   */
  async setInPanel(
    viewer: EmoteViewer,
    business: EmoteBusiness,
    packageId: number,
    add: boolean,
  ): Promise<void> {
    // A package created on another node a moment ago may not be in this node's snapshot yet.
    const row =
      (await this.snapshot.get()).byId.get(packageId)?.row ??
      (await this.store.emotes.findPackage(packageId));
    if (!row) throw new BiliError(-400, `参数 package_id 表情包 ${packageId} 不存在`);
    if (add && !entitledTo(row, viewer)) throw new BiliError(-403, `表情包 ${packageId} 仅限大会员使用`);
    const written = await this.store.emotes.setPanelPackage({
      mid: viewer.mid,
      business,
      package_id: packageId,
      added: add ? 1 : 0,
      updated_at: nowSeconds(this.clock),
    });
    // The account was deleted a moment ago (this node still held the session): signed out by now.
    if (!written) throw new BiliError(-101);
  }

  /** The packages among `ids` that exist, in the order asked (duplicates once). */
  async packagesByIds(ids: readonly number[]): Promise<EmotePackage[]> {
    const { byId } = await this.snapshot.get();
    return [...new Set(ids)].map((id) => byId.get(id)).filter((p): p is EmotePackage => p !== undefined);
  }

  /** Rebuilds the snapshot now (after a toolkit reset or restore on this node). */
  async reload(): Promise<void> {
    await this.snapshot.reload();
  }

  async list(): Promise<readonly EmotePackage[]> {
    return (await this.snapshot.reload()).packages;
  }

  async get(id: number): Promise<EmotePackage> {
    const row = await this.store.emotes.findPackage(id);
    if (!row) throw new BiliError(-404, `emote package ${id}`);
    return { row, emotes: await this.store.emotes.emotesOf(id) };
  }

  /** An image uploaded through the admin API, by its file name; null when none is in use. */
  async image(name: string): Promise<{ contentType: string; data: Buffer } | null> {
    if (!(await this.snapshot.get()).images.has(name)) return null;
    const cached = this.imageBytes.get(name);
    if (cached) return cached;
    const row = await this.store.emotes.findImage(name);
    if (!row) return null;
    const image = { contentType: row.content_type, data: row.data };
    this.imageBytes.set(name, image);
    return image;
  }

  async create(input: NewEmotePackage): Promise<EmotePackage> {
    const type = input.type ?? 1;
    const size = input.size ?? 1;
    if (![1, 2, 3, KAOMOJI_TYPE].includes(type)) throw new BiliError(-400, 'type must be 1, 2, 3 or 4');
    if (size !== 1 && size !== 2) throw new BiliError(-400, 'size must be 1 or 2');
    const name = input.text.trim();
    if (name === '') throw new BiliError(-400, 'text (the package name) must not be empty');
    if (input.emotes.length === 0 || input.emotes.length > MAX_EMOTES_PER_PACKAGE)
      throw new BiliError(-400, `a package holds 1 to ${MAX_EMOTES_PER_PACKAGE} emotes`);
    if (input.id !== undefined && input.id < FIRST_ASSIGNED_PACKAGE_ID)
      throw new BiliError(
        -400,
        `package ids below ${FIRST_ASSIGNED_PACKAGE_ID} are reserved for shipped packages`,
      );

    const uploads = new Map<string, { contentType: string; data: Buffer }>();
    const imageRef = (image: ImageInput | undefined, what: string): string => {
      if (image === undefined) return '';
      const stored = storedImage(image, what);
      if (stored.upload) uploads.set(stored.ref, stored.upload);
      return stored.ref;
    };

    const texts = new Set<string>();
    const emotes = input.emotes.map((e, index) => {
      const text = emoteText(e.text, type, index);
      if (texts.has(text)) throw new BiliError(-400, `emotes[${index}].text ${text} appears twice`);
      texts.add(text);
      if (e.id !== undefined && e.id < FIRST_ASSIGNED_EMOTE_ID)
        throw new BiliError(
          -400,
          `emote ids below ${FIRST_ASSIGNED_EMOTE_ID} are reserved for shipped emotes`,
        );
      if (type === KAOMOJI_TYPE && e.image !== undefined)
        throw new BiliError(-400, `emotes[${index}].image: a kaomoji is its own text, it has no image`);
      if (type !== KAOMOJI_TYPE && e.image === undefined)
        throw new BiliError(-400, `emotes[${index}].image is required`);
      const alias = e.alias?.trim() || null;
      return { id: e.id, text, alias, image: imageRef(e.image, `emotes[${index}].image`) };
    });
    const icon = input.icon === undefined ? (emotes[0]?.image ?? '') : imageRef(input.icon, 'icon');

    const now = nowSeconds(this.clock);
    const created = await this.store.transactionUnlessDuplicate(async (tx) => {
      const taken = await tx.emotes.findByTexts([...texts]);
      if (taken.length > 0)
        throw new BiliError(-409, `emote text already used: ${taken.map((t) => t.text).join(' ')}`);
      if (input.id !== undefined && (await tx.emotes.findPackage(input.id)))
        throw new BiliError(-409, `emote package ${input.id} exists`);
      const id = input.id ?? Math.max((await tx.emotes.maxPackageId()) + 1, FIRST_ASSIGNED_PACKAGE_ID);
      let nextEmoteId = Math.max((await tx.emotes.maxEmoteId()) + 1, FIRST_ASSIGNED_EMOTE_ID);
      const row: EmotePackageRow = { id, text: name, icon, type, attr: 0, size, builtin: 0, mtime: now };
      const rows: EmoteRow[] = emotes.map((e, sort) => ({
        id: e.id ?? nextEmoteId++,
        package_id: id,
        text: e.text,
        alias: e.alias,
        image: e.image,
        sort,
        mtime: now,
      }));
      for (const [ref, upload] of uploads) {
        await tx.emotes.insertImage({
          name: ref,
          content_type: upload.contentType,
          data: upload.data,
          created_at: now,
        });
      }
      await tx.emotes.insertPackage(row, rows);
      await tx.changeVersions.bump(VERSION_KEY);
      return { row, emotes: rows };
    });
    if (created === 'duplicate') throw new BiliError(-409, 'an emote id or text already exists');
    await this.snapshot.reload();
    return created;
  }

  /** Deletes an operator's package, its emotes and the uploaded images nothing else uses. */
  async remove(id: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      const pkg = await tx.emotes.findPackage(id);
      if (!pkg) throw new BiliError(-404, `emote package ${id}`);
      if (pkg.builtin === 1)
        throw new BiliError(-409, `emote package ${id} ships with Replay and cannot be deleted`);
      const images = [pkg.icon, ...(await tx.emotes.emotesOf(id)).map((e) => e.image)].filter((ref) =>
        LOCAL_IMAGE.test(ref),
      );
      await tx.emotes.deletePackage(id);
      await tx.emotes.deleteUnreferencedImages(images);
      await tx.changeVersions.bump(VERSION_KEY);
    });
    await this.snapshot.reload();
  }

  private async load(store: Store): Promise<Snapshot> {
    const [rows, emoteRows] = await Promise.all([store.emotes.listPackages(), store.emotes.listEmotes()]);
    const grouped = new Map<number, EmoteRow[]>();
    for (const emote of emoteRows) {
      const list = grouped.get(emote.package_id) ?? [];
      list.push(emote);
      grouped.set(emote.package_id, list);
    }
    const packages = rows.map((row) => ({ row, emotes: grouped.get(row.id) ?? [] }));
    const escapes = new Map<string, EmoteWire>();
    for (const pkg of packages) {
      if (pkg.row.type === KAOMOJI_TYPE) continue;
      for (const emote of pkg.emotes) escapes.set(emote.text, this.wire(pkg.row, emote));
    }
    const images = new Set(
      [...rows.map((r) => r.icon), ...emoteRows.map((e) => e.image)].filter((ref) => LOCAL_IMAGE.test(ref)),
    );
    return { packages, byId: new Map(packages.map((p) => [p.row.id, p])), escapes, images };
  }

  private wire(pkg: EmotePackageRow, emote: EmoteRow): EmoteWire {
    const meta = emote.alias === null ? { size: pkg.size } : { size: pkg.size, alias: emote.alias };
    // Frozen: one object is handed to every comment that uses the emote.
    return Object.freeze({
      id: emote.id,
      package_id: pkg.id,
      state: 0,
      type: pkg.type,
      attr: 0,
      text: emote.text,
      url: this.emoteUrl(pkg, emote),
      meta: Object.freeze(meta),
      mtime: emote.mtime,
      jump_title: emote.alias ?? escapeName(emote.text),
    });
  }

  /** Writes the shipped packages in `tx` (startup, and a toolkit reset's transaction). */
  async seedBuiltins(tx: Repositories): Promise<void> {
    const current = new Map((await tx.emotes.listPackages()).map((p) => [p.id, p]));
    let changed = false;
    for (const pkg of BUILTIN_PACKAGES) {
      const icon = pkg.icon || pkg.emotes[0]?.image || '';
      const row: EmotePackageRow = {
        id: pkg.id,
        text: pkg.text,
        icon,
        type: pkg.type,
        attr: 0,
        size: pkg.size,
        builtin: 1,
        mtime: pkg.mtime,
      };
      if (!sameRow(current.get(pkg.id), row)) {
        await tx.emotes.upsertPackage(row);
        changed = true;
      }
      const existing = new Map((await tx.emotes.emotesOf(pkg.id)).map((e) => [e.id, e]));
      // An operator's emote may already hold a text a later release adds; theirs wins, ours is skipped.
      const owners = new Map(
        (await tx.emotes.findByTexts(pkg.emotes.map((e) => e.text))).map((e) => [e.text, e.id]),
      );
      const wanted = pkg.emotes.filter((e) => (owners.get(e.text) ?? e.id) === e.id);
      for (const [sort, e] of wanted.entries()) {
        const emote: EmoteRow = {
          id: e.id,
          package_id: pkg.id,
          text: e.text,
          alias: e.alias ?? null,
          image: e.image,
          sort,
          mtime: pkg.mtime,
        };
        if (!sameRow(existing.get(e.id), emote)) {
          await tx.emotes.upsertEmote(emote);
          changed = true;
        }
      }
      const keep = new Set(wanted.map((e) => e.id));
      if ([...existing.keys()].some((id) => !keep.has(id))) {
        await tx.emotes.deleteEmotesOfPackageExcept(pkg.id, [...keep]);
        changed = true;
      }
    }
    if (changed) await tx.changeVersions.bump(VERSION_KEY);
  }
}

/** Whether `viewer` may add the package to their panel. */
export function entitledTo(row: EmotePackageRow, viewer: EmoteViewer): boolean {
  return row.type !== VIP_ONLY_TYPE || viewer.vip;
}

function sameRow<T extends object>(stored: T | undefined, wanted: T): boolean {
  if (!stored) return false;
  return Object.entries(wanted).every(([key, value]) => (stored as Record<string, unknown>)[key] === value);
}

/** The escape text of an emote: `[name]` (brackets added when missing), or the kaomoji as given. */
function emoteText(given: string, type: number, index: number): string {
  const trimmed = given.trim();
  if (type === KAOMOJI_TYPE) {
    if (trimmed === '' || [...trimmed].length > 64 || /[\r\n]/.test(trimmed))
      throw new BiliError(-400, `emotes[${index}].text must be 1 to 64 characters on one line`);
    return trimmed;
  }
  const text = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed : `[${trimmed}]`;
  if (!isEmoteEscape(text))
    throw new BiliError(
      -400,
      `emotes[${index}].text must be a name of 1 to 64 characters without brackets or line breaks`,
    );
  return text;
}

/** Validates an image input: a link is kept as given; bytes are checked and named by their hash. */
function storedImage(
  image: ImageInput,
  what: string,
): { ref: string; upload?: { contentType: string; data: Buffer } } {
  if (image.url !== undefined && image.data !== undefined)
    throw new BiliError(-400, `${what}: give url or data, not both`);
  if (image.url !== undefined) {
    let url: URL;
    try {
      url = new URL(image.url);
    } catch {
      throw new BiliError(-400, `${what}.url is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new BiliError(-400, `${what}.url must be http or https`);
    return { ref: image.url };
  }
  if (image.data === undefined) throw new BiliError(-400, `${what}: give url or data`);
  const base64 = image.data.replace(/^data:[\w/+.-]+;base64,/, '').replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
    throw new BiliError(-400, `${what}.data is not base64`);
  const data = Buffer.from(base64, 'base64');
  if (data.length > MAX_IMAGE_BYTES)
    throw new BiliError(-400, `${what}.data is larger than ${MAX_IMAGE_BYTES} bytes`);
  const kind = IMAGE_TYPES.find((t) => t.test(data));
  if (!kind) throw new BiliError(-400, `${what}.data is not a PNG, GIF, JPEG or WebP image`);
  const ref = `${createHash('sha1').update(data).digest('hex')}.${kind.ext}`;
  return { ref, upload: { contentType: kind.type, data } };
}
