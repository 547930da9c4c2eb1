import type { OnSendStep } from './on-send.ts';

/**
 * Browser hardening for HTML responses only: the web UI shell, the server-rendered sign-in pages, the admin
 * API's docs. JSON, images and scripts do not get these headers, so the hot API pays one header lookup.
 *
 * A page that sets its own Content-Security-Policy (the UI shell's `UI_CSP`) keeps it; any other HTML gets
 * `defaultCsp`. Framing is same-origin only, matching `frame-ancestors 'self'` of both policies.
 */
const HTML_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** The onSend step (registered with the others by registerOnSendSteps). */
export function securityHeaders(defaultCsp: string): OnSendStep {
  return (reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', defaultCsp);
      for (const [name, value] of Object.entries(HTML_HEADERS)) {
        if (!reply.hasHeader(name)) reply.header(name, value);
      }
    }
    return payload;
  };
}
