import type { EmotePackage, EmoteService, EmoteViewer } from '../../services/emote.service.ts';

/** Wire objects of the emote panel endpoints (CONTRACT.md §5.2). */

const VIP_ONLY = 2;

/** A package object with its emotes; `flags` follow the viewer (anonymous: locked, never "added"). */
export function panelPackage(pkg: EmotePackage, viewer: EmoteViewer | null, emotes: EmoteService) {
  const { row } = pkg;
  // The docs: `no_access` is always true when not signed in; signed in, only VIP-only emotes of a
  // non-VIP are locked. `flags` is `{}` when nothing applies.
  const locked = viewer === null || (row.type === VIP_ONLY && !viewer.vip);
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
    flags: { added: viewer !== null },
  };
}
