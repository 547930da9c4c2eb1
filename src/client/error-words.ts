/**
 * Bilibili error codes in English words a person understands; the code itself is appended for reference.
 * Shared by the web UI, the `replay` command line (src/cli/main.ts) and any user of the typed client, so all
 * say the same thing.
 */
export const ERROR_TEXT = {
  [-101]: 'You need to sign in first.',
  [-102]: 'Your account is banned, so it cannot do this.',
  [-111]: 'Your session’s security token did not match. Reload the page and try again.',
  [-400]: 'The request was not valid.',
  [-403]: 'You are not allowed to do that.',
  [-404]: 'Not found.',
  [-500]: 'The server had a problem. Try again later.',
  [-509]: 'Too frequent: you are doing this too fast. Wait a moment and try again.',
  [-625]: 'Too many failed sign-ins for this name. Wait a while and try again.',
  [-629]: 'Wrong name or password.',
  [-626]: 'No such user.',
  [-652]: 'That name is already taken.',
  12002: 'Comments are closed here.',
  12003: 'Replying is not allowed here.',
  12004: 'Liking and disliking are not allowed here.',
  12006: 'That comment no longer exists.',
  12008: 'You already reported this comment.',
  12009: 'This comment area does not exist.',
  12011: 'That is not a valid like or dislike.',
  12016: 'Your comment contains a blocked word. Please rephrase it.',
  12019: 'You are reporting too often. Try again in a minute.',
  12022: 'That comment was already deleted.',
  12025: 'Your comment is too long (1000 characters at most).',
  12029: 'Another comment is already pinned. Unpin it first.',
  12030: 'Only top-level comments can be pinned.',
  12035: 'The uploader has blocked you from commenting here.',
  12051: 'Duplicate comment: you just posted the same text here. Don’t spam.',
  12052: 'Comments are closed here.',
  12077: 'For “other”, describe the reason in 2 to 200 characters.',
  86038: 'The QR code has expired.',
  86090: 'Scanned. Confirm the sign-in on the other device.',
  86101: 'Waiting for the QR code to be scanned.',
  2202: 'Sign-out was refused (security token mismatch). Reload and try again.',
} as const satisfies Record<number, string>;

/** The codes that have words; the web UI's translations (web/src/i18n) must cover every one of them. */
export type ErrorCode = keyof typeof ERROR_TEXT;

export const ERROR_WORDS: Readonly<Record<number, string>> = ERROR_TEXT;

export function describeError(code: number, serverMessage = ''): string {
  const words = ERROR_WORDS[code];
  if (words && code === -400 && serverMessage) return `${words} ${serverMessage} (code ${code})`;
  if (words) return `${words} (code ${code})`;
  return `${serverMessage || 'Something went wrong.'} (code ${code})`;
}
