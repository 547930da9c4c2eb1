/** An emote package (CONTRACT.md §5.2 package object). */
export interface EmotePackagesTable {
  id: number;
  /** Package name, the wire `text`. */
  text: string;
  /** Icon image reference: a file name served under /bfs/emote/, or an absolute URL. */
  icon: string;
  /** 1 free, 2 VIP-only, 3 purchased, 4 kaomoji (颜文字). */
  type: number;
  attr: number;
  /** `meta.size` of the package and its emotes: 1 small, 2 large. */
  size: number;
  /** 1 for the packages Replay ships: re-seeded at every start, not deletable through the admin API. */
  builtin: number;
  mtime: number;
}

/** One emote; `text` is its escape (`[name]`), or the kaomoji itself in a kaomoji package. */
export interface EmotesTable {
  id: number;
  package_id: number;
  text: string;
  /** `meta.alias`; null when the emote has none (the key is then absent on the wire). */
  alias: string | null;
  /** Image reference as for the package icon; empty for kaomoji (their `url` is their text). */
  image: string;
  /** Position inside the package's panel. */
  sort: number;
  mtime: number;
}

/** Images uploaded through the admin API, kept in the database so every node of a cluster serves them. */
export interface EmoteImagesTable {
  /** `<sha1 of the bytes>.<ext>`: the file name in /bfs/emote/<name>. */
  name: string;
  content_type: string;
  data: Buffer;
  created_at: number;
}

export interface SensitiveWordsTable {
  id: number;
  /** As the operator entered it. */
  word: string;
  /** The matching form (NFKC, case-folded, zero-width characters removed); unique. */
  normalized: string;
  created_at: number;
}

/**
 * One counter per in-memory cache shared by the nodes of a cluster: a writer bumps it in the same
 * transaction as its change, readers compare it (at most once a second) and rebuild when it moved.
 */
export interface ChangeVersionsTable {
  name: string;
  version: number;
}

/**
 * A user's change to their emote panel for one business: `added` 1 after /x/emote/package/add, 0 after
 * /remove. No row means the default (in the panel).
 */
export interface UserEmotePackagesTable {
  mid: number;
  /** `reply` or `dynamic`. */
  business: string;
  package_id: number;
  added: number;
  updated_at: number;
}
