import type { FastifyReply } from 'fastify';
import type { WebCookies } from '../services/session.service.ts';

const WEB_COOKIE_NAMES = ['SESSDATA', 'bili_jct', 'DedeUserID', 'DedeUserID__ckMd5', 'sid'] as const;

/**
 * Sets the five login cookies with Bilibili's attributes (CONTRACT.md §10.1), except `Domain`, which is
 * left to the host Replay is reached by, and `Secure`, which only applies when served over https.
 */
export function setWebCookies(
  reply: FastifyReply,
  cookies: WebCookies,
  expiresAt: number,
  secure: boolean,
): void {
  const expires = new Date(expiresAt * 1000);
  for (const name of WEB_COOKIE_NAMES) {
    reply.setCookie(name, cookies[name], {
      path: '/',
      expires,
      httpOnly: name === 'SESSDATA',
      secure,
      sameSite: 'lax',
      // SESSDATA contains `%2C` and `*` as Bilibili's does; the value is sent exactly as issued.
      encode: (v) => v,
    });
  }
}

export function clearWebCookies(reply: FastifyReply): void {
  for (const name of WEB_COOKIE_NAMES) {
    reply.setCookie(name, '', { path: '/', expires: new Date(0), httpOnly: name === 'SESSDATA' });
  }
}

/** `https` when the request came over TLS (or a trusted proxy said so). */
export function isSecure(protocol: string): boolean {
  return protocol === 'https';
}
