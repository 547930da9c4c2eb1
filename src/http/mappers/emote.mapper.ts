import type { EmotePackage, EmoteService, EmoteViewer } from '../../services/emote.service.ts';
import { VIP_ONLY_TYPE } from '../../services/emote.service.ts';
import type { EmotePackage as EmotePackageWire } from '../../wire/emote.schema.ts';

/** Wire objects of the emote panel endpoints (docs/api/emotes.md, docs/api/emote-settings.md). */

/**
 * A package object with its emotes. `added` says whether it is in the viewer's panel (always false when
 * signed out); emote `flags` follow the viewer (anonymous: locked).
 */
export function panelPackage(
  pkg: EmotePackage,
  viewer: EmoteViewer | null,
  emotes: EmoteService,
  added: boolean,
): EmotePackageWire {
  const { row } = pkg;
  // The docs: `no_access` is always true when not signed in; signed in, only VIP-only emotes of a
  // non-VIP are locked. `flags` is `{}` when nothing applies.
  const locked = viewer === null || (row.type === VIP_ONLY_TYPE && !viewer.vip);
  return {
    id: row.id,
    text: row.text,
    url: emotes.imageUrl(row.icon),
    mtime: row.mtime,
    type: row.type,
    attr: row.attr,
    meta: { size: row.size, item_id: 0 },
    emote: pkg.emotes.map((e) => ({
      id: e.id,
      package_id: row.id,
      text: e.text,
      url: emotes.emoteUrl(row, e),
      mtime: e.mtime,
      type: row.type,
      attr: 0,
      meta: e.alias === null ? { size: row.size } : { size: row.size, alias: e.alias },
      flags: locked ? { no_access: true } : {},
    })),
    flags: { added: viewer !== null && added },
  };
}
