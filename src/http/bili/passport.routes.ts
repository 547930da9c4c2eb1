import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { BiliError, badParam, messageOf } from '../../errors.ts';
import { dedeUserIdCheck, encodeSessdata } from '../../services/session.service.ts';
import type { IssuedWebSession } from '../../services/session.service.ts';
import type { Services } from '../../services/services.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import {
  CookieInfoData,
  CookieRefreshData,
  LogoutResponse,
  PasswordLoginData,
  QrGenerateData,
  QrPollData,
} from '../../wire/passport.schema.ts';
import { clearWebCookies, isSecure, setWebCookies } from '../cookies.ts';
import { done, ok } from '../envelope.ts';
import { Params, Str } from '../params.ts';
import { CAPTCHA_ANSWER_PARAMS } from './password-login.routes.ts';
import { passwordLoginPage, qrConfirmPage, qrExpiredPage } from '../pages/login.pages.ts';
import { escapeHtml, hasControlCharacter, locationOf, page, safeLocalPath } from '../pages/html.ts';

const QR_MESSAGES: Record<number, string> = {
  0: '',
  86038: messageOf(86038),
  86090: messageOf(86090),
  86101: messageOf(86101),
};

/**
 * Web login (CONTRACT.md §10, §21, §22.5): QR generate/poll, name + password, the cross-domain hop, cookie
 * refresh, logout, and the pages behind them.
 */
export function passportRoutes(app: FastifyInstance, services: Services): void {
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.get(
    '/x/passport-login/web/qrcode/generate',
    {
      config: { bili: { auth: 'none' } },
      schema: { response: { 200: Envelope(QrGenerateData) } },
      onSend: goJsonEscape,
    },
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
      schema: {
        querystring: Params({ qrcode_key: Str({ maxLength: 64 }) }),
        response: { 200: Envelope(QrPollData) },
      },
      onSend: goJsonEscape,
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
        // As on Bilibili, a QR login returns to the site's home page, written as an absolute URL.
        url: crossDomainUrl(origin(request), result.session, origin(request)),
        refresh_token: result.session.refreshToken,
        timestamp: result.session.issuedAtMs,
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
        response: { 200: DoneEnvelope },
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
          // Plain, or base64 of the RSA-encrypted salt + password (password-login.routes.ts).
          password: Str({ maxLength: 512 }),
          go_url: Type.Optional(Str({ maxLength: 2048 })),
          ...CAPTCHA_ANSWER_PARAMS,
        }),
        response: { 200: Envelope(PasswordLoginData) },
      },
      onSend: goJsonEscape,
    },
    async (request, reply) => {
      const { username, password, go_url } = request.query as Record<string, string | undefined>;
      const plain = await services.passwordLogin.plainPassword(password!);
      const user = await services.users.signIn(username!, plain, request.ip);
      const session = await services.sessions.issueWeb(user.mid);
      setWebCookies(reply, session.cookies, session.expiresAt, isSecure(request.protocol));
      return ok({
        status: 0,
        message: '',
        url: crossDomainUrl(origin(request), session, origin(request) + safeLocalPath(go_url)),
        refresh_token: session.refreshToken,
        timestamp: session.issuedAtMs,
      });
    },
  );

  // GET /login is the web UI's sign-in page (src/http/web/web.routes.ts); it reads go_url itself.

  // Bilibili's cross-domain hop: sets the cookies carried in the query, then returns to `gourl` (a path
  // of this site, or an absolute URL of this origin; anything else returns to `/`). The current path and
  // the pre-2023 one are both served.
  const crossDomainOptions = {
    schema: {
      querystring: Params({
        SESSDATA: Type.Optional(Str({ maxLength: 512 })),
        bili_jct: Type.Optional(Str({ maxLength: 64 })),
        gourl: Type.Optional(Str({ maxLength: 2048 })),
      }),
    },
  };
  const crossDomain = async (request: FastifyRequest, reply: FastifyReply) => {
    const q = request.query as Record<string, string | undefined>;
    const location = locationOf(sameOriginPath(q['gourl'], origin(request)));
    if (location === undefined) throw badParam('gourl');
    const sessdata = q['SESSDATA'] ?? '';
    const identity = sessdata ? await services.sessions.resolve(sessdata, 'cookie') : null;
    if (identity && q['bili_jct'] === identity.session.csrf) {
      setWebCookies(
        reply,
        {
          SESSDATA: encodeSessdata(decodedSessdata(sessdata)),
          bili_jct: identity.session.csrf,
          DedeUserID: String(identity.mid),
          DedeUserID__ckMd5: dedeUserIdCheck(identity.mid),
          sid: identity.session.sid,
        },
        identity.session.expires_at,
        isSecure(request.protocol),
      );
    }
    return reply.redirect(location);
  };
  app.get('/x/passport-login/web/crossDomain', crossDomainOptions, crossDomain);
  app.get('/crossDomain', crossDomainOptions, crossDomain);

  cookieRefreshRoutes(app, services);

  // CONTRACT.md §10.4: its own envelope `{code, status, ts, data}`; 2202 for a wrong biliCSRF.
  app.post(
    '/login/exit/v2',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      // The not-signed-in HTML page is a string, which Fastify sends without this serialiser.
      schema: { response: { 200: LogoutResponse } },
    },
    async (request, reply) => {
      const ts = Math.floor(services.clock.nowMs() / 1000);
      const identity = request.identity;
      if (!identity) return reply.type('text/html; charset=utf-8').send(passwordLoginPage('/'));
      const params = request.query as Record<string, unknown>;
      if (params['biliCSRF'] !== identity.session.csrf) {
        return { code: 2202, status: false, ts, message: messageOf(2202) } satisfies LogoutResponse;
      }
      await services.sessions.end(identity.token);
      clearWebCookies(reply);
      const gourl =
        typeof params['gourl'] === 'string' && params['gourl']
          ? params['gourl']
          : 'javascript:history.go(-1)';
      return { code: 0, status: true, ts, data: { redirectUrl: gourl } } satisfies LogoutResponse;
    },
  );
}

/**
 * Cookie refresh (CONTRACT.md §21): `cookie/info` → the `correspond` page (refresh_csrf) → `cookie/refresh`
 * (new cookies and refresh token) → `confirm/refresh` (the old session ends).
 */
function cookieRefreshRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/x/passport-login/web/cookie/info',
    {
      config: { bili: { auth: 'required', modes: ['cookie'] } },
      schema: {
        querystring: Params({ csrf: Type.Optional(Str({ maxLength: 64 })) }),
        response: { 200: Envelope(CookieInfoData) },
      },
    },
    async (request) => ok(await services.sessions.cookieInfo(request.identity!)),
  );

  // www.bilibili.com's page: the path is `refresh_<ms>` encrypted with Bilibili's public key, which Replay
  // cannot decrypt, so any well-formed path from a signed-in session is accepted. A malformed path or no
  // session gets the 404 page, the answer clients treat as "path wrong or expired". A wildcard, not a
  // `:path` parameter: the router refuses parameters over 100 characters and the path has 256.
  app.get(
    '/correspond/1/*',
    { config: { bili: { auth: 'optional', modes: ['cookie'] } } },
    async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const identity = request.identity;
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      if (!identity || !CORRESPOND_PATH.test(path) || path.length % 2 !== 0) {
        return reply.status(404).send(page('404', '<h1>404</h1><p>页面不存在或已过期</p>'));
      }
      const refreshCsrf = await services.sessions.issueRefreshCsrf(identity);
      return reply.send(page('Replay', `<div id="1-name">${escapeHtml(refreshCsrf)}</div>`));
    },
  );

  app.post(
    '/x/passport-login/web/cookie/refresh',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({
          refresh_csrf: Str({ maxLength: 256 }),
          refresh_token: Str({ maxLength: 256 }),
          // `main_web` from every known client; not checked.
          source: Type.Optional(Str({ maxLength: 64 })),
        }),
        response: { 200: Envelope(CookieRefreshData) },
      },
    },
    async (request, reply) => {
      const { refresh_csrf, refresh_token } = request.query as Record<string, string>;
      const issued = await services.sessions.refreshWeb(request.identity!, refresh_csrf!, refresh_token!);
      setWebCookies(reply, issued.cookies, issued.expiresAt, isSecure(request.protocol));
      return ok({ status: 0, message: '', refresh_token: issued.refreshToken });
    },
  );

  app.post(
    '/x/passport-login/web/confirm/refresh',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({ refresh_token: Str({ maxLength: 256 }) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const { refresh_token } = request.query as Record<string, string>;
      await services.sessions.confirmRefresh(request.identity!, refresh_token!);
      return done();
    },
  );
}

/** Lowercase hex, as clients write the RSA-OAEP ciphertext (256 characters for Bilibili's 1024-bit key). */
const CORRESPOND_PATH = /^[0-9a-f]{64,1024}$/;

/**
 * The `url` of a successful login, in Bilibili's current form: the cross-domain hop with the cookies in
 * this order, `Expires` the absolute expiry (Unix s), SESSDATA raw (its `,` and `*` unencoded, as
 * Bilibili writes it there), `gourl` percent-encoded once, and `first_domain`.
 */
function crossDomainUrl(origin: string, session: IssuedWebSession, goUrl: string): string {
  const c = session.cookies;
  return (
    `${origin}/x/passport-login/web/crossDomain?DedeUserID=${c.DedeUserID}` +
    `&DedeUserID__ckMd5=${c.DedeUserID__ckMd5}&Expires=${session.expiresAt}` +
    `&SESSDATA=${session.sessdataRaw}&bili_jct=${c.bili_jct}` +
    `&gourl=${encodeURIComponent(goUrl)}&first_domain=.bilibili.com`
  );
}

/** `safeLocalPath`, also taking an absolute URL of this very origin (reduced to its path). */
function sameOriginPath(value: string | undefined, origin: string): string {
  if (value === undefined || !/^https?:\/\//i.test(value)) return safeLocalPath(value);
  // The URL parser drops tabs and line breaks and reads `\` as `/`: such a value is not trusted at all.
  if (hasControlCharacter(value) || value.includes('\\')) return '/';
  try {
    const url = new URL(value);
    if (url.origin !== new URL(origin).origin) return '/';
    return safeLocalPath(url.pathname + url.search + url.hash);
  } catch {
    return '/';
  }
}

/** A SESSDATA from the query, down to its raw `a,b,c*d` form whatever layers of encoding it came with. */
function decodedSessdata(value: string): string {
  let current = value;
  for (let i = 0; i < 3 && current.includes('%'); i++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
  }
  return current;
}

/**
 * Bilibili's servers write JSON with Go's encoding/json, which escapes `&`, `<`, `>` (and U+2028/9) in
 * strings as `\u0026` and so on; the login URLs show it. Outside strings JSON has none of these
 * characters, so the replacement only touches string contents and decodes to the same values.
 */
function goJsonEscape(
  _request: FastifyRequest,
  _reply: FastifyReply,
  payload: unknown,
  next: (error: null, payload: unknown) => void,
): void {
  next(null, typeof payload === 'string' ? payload.replace(GO_ESCAPED, goEscape) : payload);
}

const GO_ESCAPED = /[&<>\u2028\u2029]/g;

function goEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
