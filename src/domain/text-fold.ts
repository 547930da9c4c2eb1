/**
 * The form both sensitive words and messages are compared in, so that `ＢＡＤ`, `Bad` and `b\u200Bad` all
 * match the word `bad`: zero-width and soft-hyphen characters removed, NFKC (full-width → half-width,
 * compatibility ligatures and circled letters → plain), then case-folded.
 */

// ZWSP, ZWNJ, ZWJ, word joiner, BOM / zero-width no-break space, soft hyphen; also the invisible
// separators and Mongolian vowel separator that render as nothing.
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E]/gu;

export function foldForMatching(text: string): string {
  // Upper then lower approximates full case folding (ß → ss, final ς → σ), which lower-casing alone misses;
  // case mapping can produce compatibility forms again, so NFKC runs once more at the end.
  return text.replace(INVISIBLE, '').normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
