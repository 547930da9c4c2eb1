import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import type { UserMail } from '../../store/repositories/outbox.repository.ts';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { MailSettingsData } from '../../wire/notify-settings.schema.ts';
import { ok } from '../envelope.ts';
import { Int, Params, Str } from '../params.ts';

/**
 * The signed-in user's notification e-mail (a Replay extension: Bilibili mails nobody), in the standard
 * envelope (docs/api/message-center.md).
 */
export function notifySettingsRoutes(app: FastifyInstance, services: Services, config: Config): void {
  const out = (m: UserMail): MailSettingsData => ({
    email: m.email,
    opt_out: m.optOut,
    enabled: config.smtpUrl !== '',
  });

  app.get(
    '/x/replay/notify/mail',
    {
      config: { bili: { auth: 'required' } },
      schema: { response: { 200: Envelope(MailSettingsData) } },
    },
    async (request) => ok(out(await services.outbox.mailSettings(request.identity!.mid))),
  );

  app.post(
    '/x/replay/notify/mail',
    {
      config: { bili: { auth: 'required', write: true } },
      schema: {
        querystring: Params({
          email: Type.Optional(Str({ maxLength: 320 })),
          opt_out: Type.Optional(Int({ minimum: 0, maximum: 1 })),
        }),
        response: { 200: Envelope(MailSettingsData) },
      },
    },
    async (request) => {
      const { email, opt_out } = request.query as { email?: string; opt_out?: number };
      const saved = await services.outbox.setMailSettings(request.identity!.mid, {
        ...(email === undefined ? {} : { email: email.trim() }),
        ...(opt_out === undefined ? {} : { optOut: opt_out === 1 }),
      });
      return ok(out(saved));
    },
  );
}
