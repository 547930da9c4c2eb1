/**
 * Pure rules of seasons (pgc) and courses (cheese): the badge of a season type, the titles the history
 * lists show, and the "更新至第N话" / "全N话" text (see docs/api/episodes-and-courses.md).
 */

export const PGC_BUSINESS = 'pgc';
export const CHEESE_BUSINESS = 'cheese';
export type SeasonBusiness = typeof PGC_BUSINESS | typeof CHEESE_BUSINESS;

/** The heartbeat's `type` of a season episode and of a course lesson (CONTRACT.md §6.2). */
export const EPISODE_PLAY_TYPE = 4;
export const LESSON_PLAY_TYPE = 10;

/** Season types (`sub_type`, `season_type`) and their badge; 6 (漫画) is not a video season. */
export const SEASON_BADGES = new Map<number, string>([
  [1, '番剧'],
  [2, '电影'],
  [3, '纪录片'],
  [4, '国创'],
  [5, '电视剧'],
  [7, '综艺'],
]);

export const COURSE_BADGE = '课程';

export function isSeasonSubType(subType: number): boolean {
  return SEASON_BADGES.has(subType);
}

export function seasonBadge(business: string, subType: number): string {
  return business === CHEESE_BUSINESS ? COURSE_BADGE : (SEASON_BADGES.get(subType) ?? '');
}

/** A pgc episode's short title is its number ("8"); a number reads "第8话", anything else as it is. */
export function episodeLabel(title: string, business: string): string {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(title)) return title;
  return business === CHEESE_BUSINESS ? `第${title}课` : `第${title}话`;
}

/** `show_title` of a history item: "第8话 庆忌（下）". */
export function showTitle(business: string, title: string, longTitle: string): string {
  const label = episodeLabel(title, business);
  return longTitle ? `${label} ${longTitle}` : label;
}

/**
 * `new_desc` / `update_info`: "全12话" once finished, else "更新至第10话" after the newest episode
 * published (its short title), "即将开播" before the first. Courses count lessons (课).
 */
export function newDesc(
  business: string,
  isFinish: boolean,
  published: number,
  total: number,
  newestTitle: string | null,
): string {
  const unit = business === CHEESE_BUSINESS ? '课' : '话';
  if (isFinish) return `全${total > 0 ? total : published}${unit}`;
  if (newestTitle === null) return '即将开播';
  return /^[0-9]+(\.[0-9]+)?$/.test(newestTitle) ? `更新至第${newestTitle}${unit}` : `更新至${newestTitle}`;
}

/** `total` shown with a season: the announced number, else the number published so far. */
export function seasonTotal(total: number, published: number): number {
  return total > 0 ? total : published;
}
