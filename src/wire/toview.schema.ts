import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';
import { ArchiveHeadFields, Dimension, HistoryEntry } from './history.schema.ts';

/** Watch-later (CONTRACT.md §17), in the field order of its list items. */

/** One part of an archive (`page` of a list item, and each of `/toview/web`'s `pages[]`). */
export const ToviewPage = HistoryEntry.properties.page;
export type ToviewPage = Static<typeof ToviewPage>;

/** One item of `/x/v2/history/toview`: the archive object, then the watch-later fields (§17.1). */
export const ToviewItem = Wire({
  aid: Type.Integer(),
  ...ArchiveHeadFields,
  duration: Type.Integer(),
  rights: HistoryEntry.properties.rights,
  owner: HistoryEntry.properties.owner,
  stat: HistoryEntry.properties.stat,
  dynamic: Type.String(),
  dimension: Dimension,
  /** The part the resume point is in (the first part when never watched). */
  page: ToviewPage,
  count: Type.Integer(),
  cid: Type.Integer(),
  /** Seconds into `cid`, from the history; -1 watched to the end, 0 never watched. */
  progress: Type.Integer(),
  add_at: Type.Integer(),
  bvid: Type.String(),
});
export type ToviewItem = Static<typeof ToviewItem>;

/** An item of `/x/v2/history/toview/web`: the same, with every part (§17.2). */
export const ToviewWebItem = Wire({ ...ToviewItem.properties, pages: Type.Array(ToviewPage) });
export type ToviewWebItem = Static<typeof ToviewWebItem>;

export const ToviewData = Wire({ count: Type.Integer(), list: Type.Array(ToviewItem) });
export type ToviewData = Static<typeof ToviewData>;

/** `count` is every item matching `viewed`/`key`, `list` the requested page of them. */
export const ToviewWebData = Wire({ count: Type.Integer(), list: Type.Array(ToviewWebItem) });
export type ToviewWebData = Static<typeof ToviewWebData>;
