import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/**
 * The emote panel objects (docs/api/emotes.md, docs/api/emote-settings.md): a package with its emotes, as
 * `/x/emote/user/panel/web`, `/x/emote/package` and `/x/emote/setting/panel` list them.
 */

/** `{}`, or `{no_access: true}` for an emote the viewer cannot use (always, when signed out). */
export const PanelEmoteFlags = Wire({ no_access: Type.Optional(Type.Boolean()) });
export type PanelEmoteFlags = Static<typeof PanelEmoteFlags>;

/** An emote inside a package; for a kaomoji `text` and `url` both hold the kaomoji itself. */
export const PanelEmote = Wire({
  id: Type.Integer(),
  package_id: Type.Integer(),
  text: Type.String(),
  url: Type.String(),
  mtime: Type.Integer(),
  /** 1 free, 2 VIP-only, 3 purchased, 4 kaomoji: the package's type. */
  type: Type.Integer(),
  attr: Type.Integer(),
  /** `size` 1 small, 2 large; `alias` only when the emote has one. */
  meta: Wire({ size: Type.Integer(), alias: Type.Optional(Type.String()) }),
  flags: PanelEmoteFlags,
});
export type PanelEmote = Static<typeof PanelEmote>;

/** `{added}`: in the viewer's panel; always false when signed out. */
export const PackageFlags = Wire({ added: Type.Boolean() });
export type PackageFlags = Static<typeof PackageFlags>;

export const EmotePackage = Wire({
  id: Type.Integer(),
  text: Type.String(),
  url: Type.String(),
  mtime: Type.Integer(),
  type: Type.Integer(),
  attr: Type.Integer(),
  meta: Wire({ size: Type.Integer(), item_id: Type.Integer(), item_url: Type.Optional(Type.String()) }),
  emote: Type.Array(PanelEmote),
  flags: PackageFlags,
});
export type EmotePackage = Static<typeof EmotePackage>;

/** `data` of `/x/emote/user/panel/web` and of `/x/emote/package` (which answers `data: null` for no match). */
export const EmotePanelData = Wire({ packages: Type.Array(EmotePackage) });
export type EmotePanelData = Static<typeof EmotePanelData>;

/** `data` of `/x/emote/setting/panel`. */
export const EmoteSettingPanelData = Wire({
  user_panel_packages: Type.Array(EmotePackage),
  all_packages: Type.Array(EmotePackage),
  /** Where the shop is; Replay sells nothing and links its home page. */
  mall: Wire({ title: Type.String(), url: Type.String() }),
});
export type EmoteSettingPanelData = Static<typeof EmoteSettingPanelData>;
