import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { BiliError, messageOf } from '../../errors.ts';
import { dedeUserIdCheck } from '../../services/session.service.ts';
import type { IssuedWebSession } from '../../services/session.service.ts';
import type { Services } from '../../services/services.ts';
import { clearWebCookies, isSecure, setWebCookies } from '../cookies.ts';
import { done, ok } from '../envelope.ts';
import { Params, Str } from '../params.ts';
import { passwordLoginPage, qrConfirmPage, qrExpiredPage } from '../pages/login.pages.ts';
import { safeLocalPath } from '../pages/html.ts';

const QR_MESSAGES: Record<number, string> = {
  0: '',
  86038: messageOf(86038),
  86090: messageOf(86090),
  86101: messageOf(86101),
};

/** Web login (CONTRACT.md §10): QR generate/poll, name + password, logout, and the pages behind them. */
export function passportRoutes(app: FastifyInstance, services: Services): void {
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.get(
    '/x/passport-login/web/qrcode/generate',
    { config: { bili: { auth: 'none' } } },
    async (request) => {
      const key = await services.qrLogin.generate();
      return ok({
        url: `${origin(request)}/h5-app/passport/login/scan?navhide=1&qrcode_key=${key}&from=`,
        qrcode_key: key,
      });
    },
  );

  app.get(
    '/x/passport-login/web/qrcode/poll',
    {
      config: { bili: { auth: 'none' } },
      schema: { querystring: Params({ qrcode_key: Str({ maxLength: 64 }) }) },
    },
    async (request, reply) => {
      const { qrcode_key } = request.query as { qrcode_key: string };
      const result = await services.qrLogin.poll(qrcode_key);
      if (result.code !== 0) {
        return ok({
          url: '',
          refresh_token: '',
          timestamp: 0,
          code: result.code,
          message: QR_MESSAGES[result.code],
        });
      }
      setWebCookies(reply, result.session.cookies, result.session.expiresAt, isSecure(request.protocol));
      return ok({
        url: crossDomainUrl(origin(request), result.session, '/'),
        refresh_token: result.session.refreshToken,
        timestamp: result.timestampMs,
        code: 0,
        message: '',
      });
    },
  );

  // Replay's stand-in for the phone app: the page the QR url opens posts here to approve the key.
  app.post(
    '/x/passport-login/web/qrcode/confirm',
    {
      config: { bili: { auth: 'none' } },
      schema: {
        querystring: Params({
          qrcode_key: Str({ maxLength: 64 }),
          username: Str({ maxLength: 64 }),
          password: Str({ maxLength: 256 }),
        }),
      },
    },
    async (request) => {
      const { qrcode_key, username, password } = request.query as Record<string, string>;
      const user = await services.users.signIn(username!, password!, request.ip);
      if (!(await services.qrLogin.confirm(qrcode_key!, user.mid))) throw new BiliError(86038);
      return done();
    },
  );

  app.get('/h5-app/passport/login/scan', async (request, reply) => {
    const raw = (request.query as Record<string, unknown>)['qrcode_key'];
    const key = typeof raw === 'string' ? raw : '';
    const live = await services.qrLogin.markScanned(key);
    return reply.type('text/html; charset=utf-8').send(live ? qrConfirmPage(key) : qrExpiredPage());
  });

  app.post(
    '/x/passport-login/web/login',
    {
      config: { bili: { auth: 'none' } },
      schema: {
        querystring: Params({
          username: Str({ maxLength: 64 }),
          password: Str({ maxLength: 256 }),
          go_url: Type.Optional(Str({ maxLength: 2048 })),
        }),
      },
    },
    async (request, reply) => {
      const { username, password, go_url } = request.query as Record<string, string | undefined>;
      const user = await services.users.signIn(username!, password!, request.ip);
      const session = await services.sessions.issueWeb(user.mid);
      setWebCookies(reply, session.cookies, session.expiresAt, isSecure(request.protocol));
      return ok({
        status: 0,
        message: '',
        url: crossDomainUrl(origin(request), session, safeLocalPath(go_url)),
        refresh_token: session.refreshToken,
        timestamp: services.clock.nowMs(),
      });
    },
  );

  // GET /login is the web UI's sign-in page (src/http/web/web.routes.ts); it reads go_url itself.

  // Bilibili's cross-domain hop: sets the cookies carried in the query, then returns to `gourl`.
  app.get('/crossDomain', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const sessdata = typeof q['SESSDATA'] === 'string' ? q['SESSDATA'] : '';
    const identity = sessdata ? await services.sessions.resolve(sessdata, 'cookie') : null;
    if (identity && q['bili_jct'] === identity.session.csrf) {
      setWebCookies(
        reply,
        {
          SESSDATA: sessdata,
          bili_jct: identity.session.csrf,
          DedeUserID: String(identity.mid),
          DedeUserID__ckMd5: dedeUserIdCheck(identity.mid),
          sid: identity.session.sid,
        },
        identity.session.expires_at,
        isSecure(request.protocol),
      );
    }
    return reply.redirect(safeLocalPath(q['gourl']));
  });

  // CONTRACT.md §10.4: its own envelope `{code, status, ts, data}`; 2202 for a wrong biliCSRF.
  app.post(
    '/login/exit/v2',
    { config: { bili: { auth: 'optional', modes: ['cookie'] } } },
    async (request, reply) => {
      const ts = Math.floor(services.clock.nowMs() / 1000);
      const identity = request.identity;
      if (!identity) return reply.type('text/html; charset=utf-8').send(passwordLoginPage('/'));
      const params = request.query as Record<string, unknown>;
      if (params['biliCSRF'] !== identity.session.csrf) {
        return { code: 2202, status: false, ts, message: messageOf(2202) };
      }
      await services.sessions.end(identity.token);
      clearWebCookies(reply);
      const gourl =
        typeof params['gourl'] === 'string' && params['gourl']
          ? params['gourl']
          : 'javascript:history.go(-1)';
      return { code: 0, status: true, ts, data: { redirectUrl: gourl } };
    },
  );
}

/** The `url` of a successful login: Bilibili's cross-domain hop carrying the new cookies. */
function crossDomainUrl(origin: string, session: IssuedWebSession, goUrl: string): string {
  const c = session.cookies;
  const query = new URLSearchParams({
    DedeUserID: c.DedeUserID,
    DedeUserID__ckMd5: c.DedeUserID__ckMd5,
    Expires: '15551000',
    SESSDATA: c.SESSDATA,
    bili_jct: c.bili_jct,
    gourl: goUrl,
  });
  return `${origin}/crossDomain?${query.toString()}`;
}
