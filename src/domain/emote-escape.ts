/**
 * Emote escapes (CONTRACT.md §5.1): an emote is written in a message as `[name]`, brackets included.
 * Names never contain brackets, so `[[doge]]` holds the escape `[doge]` and `[a[b]` holds `[b]`.
 */

/** Longest escape name considered, in UTF-16 units; real names are well below it. */
const MAX_NAME_LENGTH = 64;

const ESCAPE = new RegExp(`\\[[^\\[\\]\\r\\n]{1,${MAX_NAME_LENGTH}}\\]`, 'gu');

/** The distinct `[name]` escapes of `message`, in order of first appearance. */
export function findEmoteEscapes(message: string): string[] {
  if (!message.includes('[')) return [];
  const seen = new Set<string>();
  for (const match of message.matchAll(ESCAPE)) seen.add(match[0]);
  return [...seen];
}

/** True when `text` is exactly one escape, e.g. `[大哭]`. */
export function isEmoteEscape(text: string): boolean {
  return text.length >= 3 && text.startsWith('[') && text.endsWith(']') && findEmoteEscapes(text)[0] === text;
}

/** The display name of an escape without its brackets: `[大哭]` → `大哭`. */
export function escapeName(text: string): string {
  return isEmoteEscape(text) ? text.slice(1, -1) : text;
}
