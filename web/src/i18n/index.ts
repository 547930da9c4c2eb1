import { ERROR_WORDS } from 'replay/client';
import type { ErrorCode } from 'replay/client';
import { en, enErrors } from './en.ts';
import type { MessageKey } from './en.ts';
import { zhCN, zhCNErrors } from './zh-CN.ts';

/**
 * One language per page: English (the catalogue's source of keys) or Simplified Chinese. The language is
 * chosen once, before anything renders (a saved choice, else the browser's languages, else English), so
 * a page never mixes the two; the switch saves a new choice and reloads.
 */
export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/** Where the visitor's own choice is kept (per browser, like the theme). */
export const LANG_KEY = 'replay.lang';

const CATALOGUES: Record<Lang, { readonly [K in MessageKey]: string }> = { en, 'zh-CN': zhCN };
const ERRORS: Record<Lang, Readonly<Record<ErrorCode, string>>> = { en: enErrors, 'zh-CN': zhCNErrors };

/**
 * The saved choice when it is one of ours; else the first of the browser's languages that we speak (any
 * `zh…` — zh, zh-CN, zh-Hans, zh-TW — is served the Chinese translation, the only one there is); else English.
 */
export function pickLang(saved: string | null | undefined, languages: readonly string[]): Lang {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh-CN';
    if (base === 'en') return 'en';
  }
  return 'en';
}

function savedLang(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(LANG_KEY);
  } catch {
    // Storage refused (privacy settings): the browser's languages still decide.
    return null;
  }
}

let current: Lang | null = null;

/** The page's language, decided on first use. */
export function lang(): Lang {
  current ??= pickLang(
    savedLang(),
    typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
  );
  return current;
}

/** Sets the language for this page (the embed's `data-lang`, tests); `saveLang` also remembers it. */
export function useLang(value: Lang): void {
  current = value;
}

/** Remembers the visitor's choice for every later page of this site. */
export function saveLang(value: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, value);
  } catch {
    // Not remembered; this page still switches.
  }
  current = value;
}

/** Sets `<html lang>` to the page's language; called before the first render. */
export function applyLang(root: HTMLElement = document.documentElement): void {
  root.lang = lang();
}

/** The BCP 47 tag dates and numbers are formatted with: the visitor's own English locale, or zh-CN. */
export function formatLocale(): string | undefined {
  return lang() === 'zh-CN' ? 'zh-CN' : undefined;
}

/** `{name}` placeholders of a message, as a union of their names. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;
type En = typeof en;
export type Params<K extends MessageKey> = Record<Placeholders<En[K]>, string | number>;
type ParamArgs<K extends MessageKey> = [Placeholders<En[K]>] extends [never] ? [] : [params: Params<K>];

function fill(template: string, params: Record<string, string | number> | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message in the page's language, placeholders filled (their names are checked against English). */
export function t<K extends MessageKey>(key: K, ...args: ParamArgs<K>): string {
  return fill(CATALOGUES[lang()][key], args[0]);
}

/** Keys that come in `.one` / `.other` pairs, by their common stem. */
type PluralStem = MessageKey extends infer K ? (K extends `${infer S}.one` ? S : never) : never;
type PluralParams<S extends PluralStem> = Omit<
  Params<`${S}.one` & MessageKey> & Params<`${S}.other` & MessageKey>,
  'n'
>;

/** A message that depends on a count `n` (English: "1 view" / "2 views"; Chinese has one form). */
export function tn<S extends PluralStem>(
  stem: S,
  n: number,
  ...args: [keyof PluralParams<S>] extends [never] ? [] : [params: PluralParams<S>]
): string {
  const form = new Intl.PluralRules(lang()).select(n) === 'one' ? 'one' : 'other';
  const key = `${stem}.${form}` as MessageKey;
  return fill(CATALOGUES[lang()][key], { ...(args[0] as Record<string, string | number> | undefined), n });
}

/**
 * A message with nodes (links, names, times) in it: the text around `{name}` placeholders as strings, the
 * nodes in their places, so word order follows the language and user content stays a text node.
 */
export function tNodes<K extends MessageKey, T>(
  key: K,
  parts: Record<Placeholders<En[K]>, T | string>,
): (T | string)[] {
  const template = CATALOGUES[lang()][key];
  const out: (T | string)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    if (match.index > last) out.push(template.slice(last, match.index));
    const part = (parts as Record<string, T | string>)[match[1]!];
    out.push(part ?? match[0]);
    last = match.index + match[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}

/**
 * A Bilibili error code in the page's language, the code always shown: "<words> (code N)". A -400 adds the
 * server's own detail (which field was wrong); an unknown code shows the server's message.
 */
export function describeError(code: number, serverMessage = ''): string {
  const words = (ERRORS[lang()] as Readonly<Record<number, string>>)[code];
  const text = words
    ? code === -400 && serverMessage
      ? `${words} ${serverMessage}`
      : words
    : serverMessage || t('error.unknown');
  return t('error.withCode', { text, code });
}

/** The English table the command line also uses: exported so a test can hold the two together. */
export { ERROR_WORDS };
