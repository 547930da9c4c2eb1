import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/** `data` of `/x/player/online/total` (CONTRACT.md §16.1): display strings, not numbers. */
export const OnlineTotalData = Wire({
  /** Viewers on every platform: digits below 10 000, else "9.4万+" (rounded down to 0.1万). */
  total: Type.String(),
  /** Web viewers, as digits. */
  count: Type.String(),
  show_switch: Wire({ total: Type.Boolean(), count: Type.Boolean() }),
});
export type OnlineTotalData = Static<typeof OnlineTotalData>;
