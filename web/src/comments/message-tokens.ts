/**
 * Splits a comment's `content.message` into plain text, emote escapes the server resolved (keys of
 * `content.emote`, CONTRACT.md §5.1) and @-mentions of users listed in `content.members`. Everything stays
 * a string; the renderer turns each token into text nodes (or an <img> for a local emote), never HTML.
 */

export type MessageToken =
  | { kind: 'text'; text: string }
  | { kind: 'emote'; text: string }
  | { kind: 'mention'; text: string; uname: string };

export function tokenizeMessage(
  message: string,
  emoteKeys: Iterable<string>,
  mentionNames: Iterable<string>,
): MessageToken[] {
  const emotes = new Set(emoteKeys);
  // Longest names first, so "@ab" does not claim the start of "@abc".
  const names = [...new Set(mentionNames)].filter((n) => n !== '').sort((a, b) => b.length - a.length);
  const tokens: MessageToken[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < message.length) {
    const ch = message[i]!;
    if (ch === '[') {
      const close = message.indexOf(']', i + 1);
      if (close > i) {
        const escape = message.slice(i, close + 1);
        if (emotes.has(escape)) {
          flush();
          tokens.push({ kind: 'emote', text: escape });
          i = close + 1;
          continue;
        }
      }
    } else if (ch === '@') {
      const name = names.find((n) => message.startsWith(n, i + 1));
      if (name !== undefined) {
        flush();
        tokens.push({ kind: 'mention', text: `@${name}`, uname: name });
        i += name.length + 1;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  flush();
  return tokens;
}

/** Code points, as the server counts a message's length (DESIGN.md §4: at most 1000). */
export function messageLength(message: string): number {
  return [...message.trim()].length;
}

export const MAX_MESSAGE_LENGTH = 1000;
