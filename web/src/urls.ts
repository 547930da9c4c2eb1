/**
 * Only same-site paths are followed after sign-in, so the page cannot be used as an open redirect.
 * Browsers drop tabs and line breaks from a URL (`/<TAB>/evil.example` goes to `//evil.example`), so
 * control characters are refused too.
 */
export function safeLocalPath(value: string | null | undefined, fallback = '/'): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.includes('\\') &&
    ![...value].some((c) => c < ' ' || c === '\x7f')
    ? value
    : fallback;
}

/** `?name=` of the current page. */
export function queryParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}
