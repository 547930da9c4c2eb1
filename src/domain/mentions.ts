/**
 * `@uname` mentions. A name runs from `@` to the next space or `@`, but names may contain punctuation and
 * text usually follows without a space (`@小明你好`), so every prefix of the run is a candidate and the
 * longest one naming an existing user wins.
 */

const MAX_MENTIONS = 10;
const MAX_UNAME = 32;
const RUN = /@([^\s@]+)/gu;

/** Every candidate name the message could be mentioning (bounded: 10 mentions × 32 prefixes). */
export function mentionCandidates(message: string): string[] {
  const out = new Set<string>();
  let runs = 0;
  for (const match of message.matchAll(RUN)) {
    if (++runs > MAX_MENTIONS) break;
    const chars = [...match[1]!].slice(0, MAX_UNAME);
    for (let n = 1; n <= chars.length; n++) out.add(chars.slice(0, n).join(''));
  }
  return [...out];
}

/** The names actually mentioned, in order of first appearance, given which candidates exist. */
export function resolveMentions(message: string, existing: ReadonlySet<string>): string[] {
  const found: string[] = [];
  let runs = 0;
  for (const match of message.matchAll(RUN)) {
    if (++runs > MAX_MENTIONS) break;
    const chars = [...match[1]!].slice(0, MAX_UNAME);
    for (let n = chars.length; n >= 1; n--) {
      const name = chars.slice(0, n).join('');
      if (existing.has(name)) {
        if (!found.includes(name)) found.push(name);
        break;
      }
    }
  }
  return found;
}
