import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { verifyAppSign } from '../../domain/app-sign.ts';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import { TvAuthCodeData, TvPollData } from '../../wire/tv-login.schema.ts';
import { done, ok } from '../envelope.ts';
import { tvPollData } from '../mappers/tv-login.mapper.ts';
import { qrExpiredPage, tvConfirmPage } from '../pages/login.pages.ts';
import { Params, Str } from '../params.ts';

/**
 * APP signing (CONTRACT.md §11.2) checked before the parameters: -1 for an appkey Replay does not know
 * the secret of, -3 for a missing or wrong `sign`. Both answer `data: null`, like the TV endpoints' errors.
 */
function requireAppSign(request: FastifyRequest): Promise<void> {
  const check = verifyAppSign(request.query as Record<string, unknown>);
  if (check === 'unknown-appkey') throw new BiliError(-1, undefined, null);
  if (check === 'bad-sign') throw new BiliError(-3, undefined, null);
  return Promise.resolve();
}

/** TV QR login (CONTRACT.md §22.3) and Replay's approval page for it. */
export function tvLoginRoutes(app: FastifyInstance, services: Services): void {
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.post(
    '/x/passport-tv-login/qrcode/auth_code',
    {
      config: { bili: { auth: 'none' } },
      preValidation: requireAppSign,
      schema: {
        querystring: Params({
          local_id: Type.Optional(Str({ maxLength: 64 })),
          mobi_app: Type.Optional(Str({ maxLength: 64 })),
        }),
        response: { 200: Envelope(TvAuthCodeData) },
      },
    },
    async (request) => {
      const q = request.query as { appkey: string; mobi_app?: string };
      const code = await services.tvLogin.create(q.appkey);
      const extra = q.mobi_app ? `&mobi_app=${encodeURIComponent(q.mobi_app)}` : '';
      return ok({
        url: `${origin(request)}/x/passport-tv-login/h5/qrcode/auth?auth_code=${code}${extra}`,
        auth_code: code,
      });
    },
  );

  // The state is the root code: 86039 pending, 86038 expired or used, 0 with the tokens and cookies.
  app.post(
    '/x/passport-tv-login/qrcode/poll',
    {
      config: { bili: { auth: 'none' } },
      preValidation: requireAppSign,
      schema: {
        querystring: Params({ auth_code: Str({ maxLength: 64 }) }),
        response: { 200: Envelope(TvPollData) },
      },
    },
    async (request) => {
      const { auth_code } = request.query as { auth_code: string };
      const result = await services.tvLogin.poll(auth_code);
      if (result.code !== 0) throw new BiliError(result.code, undefined, null);
      return ok(tvPollData(result.mid, result.app, result.web));
    },
  );

  app.get('/x/passport-tv-login/h5/qrcode/auth', async (request, reply) => {
    const raw = (request.query as Record<string, unknown>)['auth_code'];
    const code = typeof raw === 'string' ? raw : '';
    const open = await services.tvLogin.awaitingApproval(code);
    return reply.type('text/html; charset=utf-8').send(open ? tvConfirmPage(code) : qrExpiredPage());
  });

  // Replay's stand-in for the phone app: approves a TV code either with a name and password (the page)
  // or as the browser's signed-in user with its csrf token, as the Bilibili web page does.
  app.post(
    '/x/passport-tv-login/h5/qrcode/confirm',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      schema: {
        querystring: Params({
          auth_code: Str({ maxLength: 64 }),
          username: Type.Optional(Str({ maxLength: 64 })),
          password: Type.Optional(Str({ maxLength: 512 })),
        }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const q = request.query as Record<string, string | undefined>;
      let mid: number;
      if (q['username'] !== undefined || q['password'] !== undefined) {
        if (!q['username'] || !q['password']) throw new BiliError(-400, '缺少参数 username / password');
        const password = await services.passwordLogin.plainPassword(q['password']);
        mid = (await services.users.signIn(q['username'], password, request.ip)).mid;
      } else {
        const identity = request.identity;
        if (!identity) throw new BiliError(-101);
        if (identity.user.banned) throw new BiliError(-102);
        if (q['csrf'] !== identity.session.csrf) throw new BiliError(-111);
        mid = identity.mid;
      }
      if (!(await services.tvLogin.confirm(q['auth_code']!, mid))) throw new BiliError(86038);
      return done();
    },
  );
}
