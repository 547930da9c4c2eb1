import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { SSO_FAILURE_TEXT } from '../../services/sso.service.ts';
import type { SsoFailure } from '../../services/sso.service.ts';
import { isSecure, setWebCookies } from '../cookies.ts';
import { escapeHtml, locationOf, page, safeLocalPath } from '../pages/html.ts';

/** Longest token accepted; a JWT with a few claims is well under 2 KB. */
const MAX_TOKEN = 8192;

/**
 * Single sign-on from a host site (docs/sso.md): `GET /sso?token=…&go_url=…` signs the browser in and
 * returns it to a local path; in header mode a trusted reverse proxy sends the token with every request.
 * Must be called on the root instance: the header hook applies to every route.
 */
export function ssoRoutes(app: FastifyInstance, services: Services, config: Config): void {
  app.get('/sso', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const token = typeof query['token'] === 'string' ? query['token'] : '';
    const target = locationOf(safeLocalPath(query['go_url'])) ?? '/';
    reply.header('cache-control', 'no-store');
    if (!services.sso.enabled) return errorPage(reply, 404, 'off');
    if (token === '') return errorPage(reply, 400, 'missing');
    if (token.length > MAX_TOKEN) return errorPage(reply, 400, 'malformed');
    try {
      const user = await services.sso.signIn(token);
      const session = await services.sessions.issueWeb(user.mid);
      setWebCookies(reply, session.cookies, session.expiresAt, isSecure(request.protocol));
      return reply.redirect(target);
    } catch (error) {
      const reason = failureOf(error);
      if (!reason) throw error;
      return errorPage(reply, reason === 'banned' ? 403 : 401, reason);
    }
  });

  const header = config.ssoHeader;
  if (header === '' || !services.sso.enabled) return;
  app.addHook('onRequest', async (request, reply) => {
    const value = request.headers[header];
    if (typeof value !== 'string' || value === '') return;
    await signInFromHeader(request, reply, services, value.replace(/^Bearer\s+/i, ''));
  });
}

/**
 * The proxy speaks for the user: a valid token's session replaces whatever SESSDATA the browser sent; an
 * invalid one removes it, so routes that need a user answer -101 (the reason is in `x-replay-sso-error`).
 */
async function signInFromHeader(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  token: string,
): Promise<void> {
  try {
    if (token.length > MAX_TOKEN) throw new BiliError(-101, undefined, { reason: 'malformed' });
    const { session, fresh } = await services.sso.headerSession(token);
    if (fresh || request.cookies['SESSDATA'] !== session.cookies.SESSDATA) {
      setWebCookies(reply, session.cookies, session.expiresAt, isSecure(request.protocol));
    }
    request.cookies['SESSDATA'] = session.cookies.SESSDATA;
  } catch (error) {
    const reason = failureOf(error);
    if (!reason) throw error;
    delete request.cookies['SESSDATA'];
    reply.header('x-replay-sso-error', reason);
  }
}

function failureOf(error: unknown): SsoFailure | null {
  if (!(error instanceof BiliError)) return null;
  const data = error.data as { reason?: SsoFailure } | undefined;
  return data?.reason ?? null;
}

function errorPage(reply: FastifyReply, status: number, reason: SsoFailure) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Sign-on failed',
        `<h1>Sign-on failed</h1>
<p id="sso-error" data-reason="${escapeHtml(reason)}">${escapeHtml(SSO_FAILURE_TEXT[reason])}</p>
<p><a href="/">Replay home</a> · <a href="/login">Sign in with a Replay account</a></p>`,
      ),
    );
}
