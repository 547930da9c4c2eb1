import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';
import { HistoryCursorItem } from './history.schema.ts';

/** `data` of `/x/web-interface/history/search` (CONTRACT.md §18.1); items are the cursor list's (§7.1). */
export const HistorySearchData = Wire({
  has_more: Type.Boolean(),
  page: Wire({ pn: Type.Integer(), total: Type.Integer() }),
  list: Type.Array(HistoryCursorItem),
});
export type HistorySearchData = Static<typeof HistorySearchData>;
