/** Comment area type codes of CONTRACT.md §1; anything else is 12009. */
export const AREA_TYPES = new Map<number, string>([
  [1, 'video archive'],
  [2, 'topic'],
  [4, 'activity'],
  [5, 'short video'],
  [6, 'ban notice'],
  [7, 'announcement'],
  [8, 'live activity'],
  [9, 'activity archive'],
  [10, 'live announcement'],
  [11, 'photo album'],
  [12, 'article'],
  [13, 'ticketing'],
  [14, 'audio'],
  [15, 'jury'],
  [16, 'review'],
  [17, 'dynamic'],
  [18, 'playlist'],
  [19, 'music playlist'],
  [20, 'manga'],
  [21, 'manga'],
  [22, 'manga'],
  [33, 'course'],
]);

export const ARCHIVE_AREA_TYPE = 1;

export function isAreaType(type: number): boolean {
  return AREA_TYPES.has(type);
}
