/**
 * Rules for names, passwords, signatures and avatars that people choose themselves (sign-up, profile
 * page, single sign-on). Pure: each check returns the problem in words, or null.
 */

export const NAME_MIN = 2;
export const NAME_MAX = 16;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** Bilibili's signature limit, in characters. */
export const SIGN_MAX = 70;
export const AVATAR_MAX_BYTES = 1024 * 1024;

/** What comments by a deleted account show as their author. */
export const DELETED_NAME = '账号已注销';

/**
 * A user as others see them: a deleted account under `DELETED_NAME` alone, with no avatar or signature.
 * Its stored name carries `#<mid>` only because names are unique, so that never reaches an answer.
 */
export function shownUser<T extends { deleted: number; uname: string; face: string; sign: string }>(
  row: T,
): T {
  return row.deleted ? { ...row, uname: DELETED_NAME, face: '', sign: '' } : row;
}

/** `shownUser` over a map of users by mid (a new map). */
export function shownUsers<T extends { deleted: number; uname: string; face: string; sign: string }>(
  rows: ReadonlyMap<number, T>,
): Map<number, T> {
  return new Map([...rows].map(([mid, row]) => [mid, shownUser(row)]));
}

/** Letters and digits of any script, `_` and `-`; no spaces, punctuation, symbols or invisible characters. */
const NAME_CHARS = /^[\p{L}\p{N}_-]+$/u;

export function nameProblem(uname: string): string | null {
  const length = [...uname].length;
  if (length < NAME_MIN || length > NAME_MAX) return `name must be ${NAME_MIN}–${NAME_MAX} characters`;
  if (!NAME_CHARS.test(uname)) return 'name may contain only letters, digits, _ and -';
  if (uname.startsWith(DELETED_NAME)) return 'this name is reserved';
  return null;
}

export function passwordProblem(password: string, uname?: string): string | null {
  if (password.length < PASSWORD_MIN) return `password must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `password must be at most ${PASSWORD_MAX} characters`;
  if (uname !== undefined && password.toLowerCase() === uname.toLowerCase()) {
    return 'password must differ from the name';
  }
  return null;
}

/**
 * Control characters (C0, DEL and C1, whose U+0085 is a line break) and the Unicode line and paragraph
 * separators would break the one-line rendering of a signature everywhere it appears.
 */
export function signProblem(sign: string): string | null {
  if ([...sign].length > SIGN_MAX) return `signature must be at most ${SIGN_MAX} characters`;
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(sign)) return 'signature must be one line of text';
  return null;
}

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** The image type named by the file's first bytes (never by its name or a declared type); null if none. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  const starts = (sig: readonly number[], at = 0) =>
    bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || starts([0x47, 0x49, 0x46, 0x38, 0x39, 0x61])) {
    return 'image/gif';
  }
  return null;
}

/**
 * A name from a host site's token made acceptable: characters outside the name rule dropped, cut to the
 * maximum; '' when nothing is left.
 */
export function cleanExternalName(raw: string): string {
  const kept = [...raw].filter((c) => /[\p{L}\p{N}_-]/u.test(c));
  const name = kept.slice(0, NAME_MAX).join('');
  return nameProblem(name) === null ? name : '';
}
