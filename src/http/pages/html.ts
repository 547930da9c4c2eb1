import { createHash } from 'node:crypto';

/** Minimal server-rendered pages (sign-in and QR confirmation). Everything user-given is escaped. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The pages' one stylesheet and their scripts are inline, so the Content-Security-Policy names them by
 * hash (`pageCsp`): an injected inline script or style would not match and would not run.
 */
const PAGE_STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 26rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; }
  label { display: block; margin: .8rem 0 .2rem; }
  input { width: 100%; padding: .5rem; box-sizing: border-box; font-size: 1rem; }
  button { margin-top: 1rem; padding: .6rem 1.2rem; font-size: 1rem; background: #fb7299; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #00a1d6; }
  .status { margin-top: 1rem; min-height: 1.5em; }
  .error { color: #d03050; }
`;

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source).digest('base64')}'`;
}

/** The policy for pages built by `page()` whose only scripts are `scripts` (constants, never user data). */
export function pageCsp(scripts: readonly string[]): string {
  return [
    "default-src 'self'",
    "img-src 'self' data:",
    `style-src 'self' ${cspHash(PAGE_STYLE)}`,
    `script-src 'self' ${scripts.map(cspHash).join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** `script` must be a constant listed in the page's `pageCsp`; data reaches it through escaped attributes. */
export function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Replay</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${body}
</main>
${script ? `<script>${script}</script>` : ''}
</body>
</html>`;
}

/**
 * Only same-site paths are followed after sign-in, so the page cannot be used as an open redirect.
 * Browsers read `\` as `/` and silently drop tabs and line breaks from a URL (`/<TAB>/evil.example` is
 * followed as `//evil.example`), so those are refused as well, with every other control character.
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.includes('\\') &&
    !hasControlCharacter(value)
    ? value
    : fallback;
}

/** C0 controls and DEL, which browsers strip from URLs or refuse. */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A local path (from `safeLocalPath`) as a `Location` header value: a header carries ASCII only, so
 * spaces and non-ASCII characters are percent-encoded (UTF-8); escapes already present are kept. Undefined
 * when the path is not well-formed text (a lone UTF-16 surrogate), which no URL can carry.
 */
export function locationOf(path: string): string | undefined {
  if (!path.isWellFormed()) return undefined;
  return path.replace(/[^\x21-\x7e]+/g, (run) => encodeURIComponent(run));
}
