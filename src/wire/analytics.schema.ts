import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/**
 * One video of `/x/web/data/archive_diagnose/compare` (creator centre, CONTRACT.md §19.2): the fields
 * Replay can fill from heartbeats. Percentages are integers ×100 (`10000` = 100 %).
 */
export const DiagnoseArchive = Wire({
  aid: Type.Integer(),
  bvid: Type.String(),
  cover: Type.String(),
  title: Type.String(),
  pubtime: Type.Integer(),
  duration: Type.Integer(),
  /** Signed-in plays recorded by the watch analytics. */
  play: Type.Integer(),
  /** Average share of the video a play watched, ×100 percent. */
  full_play_ratio: Type.Integer(),
  /** Plays that ended within 3 s, ×100 percent. */
  crash_rate: Type.Integer(),
  /** Average watch time of a play, seconds (Bilibili documents it as always 0; Replay fills it). */
  avg_play_time: Type.Integer(),
});

export const DiagnoseCompareData = Wire({ list: Type.Array(DiagnoseArchive) });
export type DiagnoseCompareData = Static<typeof DiagnoseCompareData>;

/** `/x/replay/history/totals` (a Replay extension): the signed-in user's own plays and watch time. */
export const WatchTotalsData = Wire({
  from: Type.String(),
  to: Type.String(),
  plays: Type.Integer(),
  /** Seconds. */
  watch_time: Type.Integer(),
  days: Type.Array(Wire({ date: Type.String(), plays: Type.Integer(), watch_time: Type.Integer() })),
});
export type WatchTotalsData = Static<typeof WatchTotalsData>;

/** The admin API's shapes (`/admin/api/v1/archives/:aid/analytics`, `/users/:mid/watch-totals`). */
const Rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const ArchiveAnalytics = Type.Object({
  aid: Type.Integer(),
  cid: Type.Union([Type.Integer(), Type.Null()], { description: 'The part asked for; null = every part' }),
  from: Type.String(),
  to: Type.String(),
  totals: Type.Object({
    plays: Type.Integer({ description: 'Signed-in play sessions started in the range' }),
    viewers: Type.Integer({ description: "Sum of the days' unique viewers" }),
    watch_time: Type.Integer({ description: 'Seconds' }),
    avg_watch_time: Type.Number({ description: 'Seconds per play' }),
    completed: Type.Integer({ description: 'Plays that reached the last 1 % of the part' }),
    completion_rate: Rate('completed / plays'),
    quick_exits: Type.Integer({ description: 'Plays with less than 3 s of watch time' }),
    quick_exit_rate: Rate('quick_exits / plays'),
  }),
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      plays: Type.Integer(),
      viewers: Type.Integer(),
      watch_time: Type.Integer(),
      avg_watch_time: Type.Number(),
      completed: Type.Integer(),
      quick_exits: Type.Integer(),
    }),
  ),
  retention: Type.Object({
    cid: Type.Integer({ description: 'The part the curve is for (the first part unless `cid` is given)' }),
    duration: Type.Integer(),
    buckets: Type.Integer(),
    plays: Type.Integer({ description: "The part's plays in the range: the curve's denominator" }),
    points: Type.Array(
      Type.Object({
        position: Type.Number({ description: 'Start of the bucket, seconds into the part' }),
        share: Rate('Share of the plays that watched this bucket'),
      }),
    ),
  }),
  online: Type.Object({ total: Type.Integer(), web: Type.Integer() }, { description: 'Viewers online now' }),
});
export type ArchiveAnalytics = Static<typeof ArchiveAnalytics>;

export const UserWatchTotals = Type.Object({
  from: Type.String(),
  to: Type.String(),
  plays: Type.Integer(),
  watch_time: Type.Integer({ description: 'Seconds' }),
  days: Type.Array(Type.Object({ date: Type.String(), plays: Type.Integer(), watch_time: Type.Integer() })),
});
export type UserWatchTotals = Static<typeof UserWatchTotals>;
