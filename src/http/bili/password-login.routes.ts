import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { CaptchaData, PasswordKeyData } from '../../wire/password-login.schema.ts';
import { ok } from '../envelope.ts';
import { Params, Str } from '../params.ts';

/**
 * What a client sends from the captcha step along with its login (`keep` too): optional, because Replay's
 * stand-in captcha accepts any answer and Replay's own sign-in page sends none.
 */
export const CAPTCHA_ANSWER_PARAMS = {
  keep: Type.Optional(Str({ maxLength: 16 })),
  token: Type.Optional(Str({ maxLength: 128 })),
  challenge: Type.Optional(Str({ maxLength: 128 })),
  validate: Type.Optional(Str({ maxLength: 128 })),
  seccode: Type.Optional(Str({ maxLength: 160 })),
  source: Type.Optional(Str({ maxLength: 64 })),
};

/**
 * The steps a real client takes before `/x/passport-login/web/login` (CONTRACT.md §22.4): the RSA key
 * with its salt, and the captcha. The login itself is in passport.routes.ts.
 */
export function passwordLoginRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/x/passport-login/web/key',
    {
      config: { bili: { auth: 'none' } },
      schema: { response: { 200: Envelope(PasswordKeyData) } },
    },
    async () => ok(await services.passwordLogin.issueKey()),
  );

  // Clients call it with `source=main_web` or without; either way the same stand-in challenge.
  app.get(
    '/x/passport-login/captcha',
    {
      config: { bili: { auth: 'none' } },
      schema: {
        querystring: Params({ source: Type.Optional(Str({ maxLength: 64 })) }),
        response: { 200: Envelope(CaptchaData) },
      },
    },
    () => ok(services.passwordLogin.captcha()),
  );
}
