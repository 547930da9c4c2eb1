// How a client names seasons and episodes (badges, "第8话") follows the server's own rules: one definition.
export { COURSE_BADGE, SEASON_BADGES, episodeLabel, seasonBadge, showTitle } from '../domain/season.ts';
