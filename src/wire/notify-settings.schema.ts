import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/**
 * `/x/replay/notify/mail` (docs/api/message-center.md, e-mail section): the signed-in user's notification
 * e-mail address and opt-out. `enabled`: the server has an SMTP server, so mail can go out at all.
 */
export const MailSettingsData = Wire({
  email: Type.String(),
  opt_out: Type.Boolean(),
  enabled: Type.Boolean(),
});
export type MailSettingsData = Static<typeof MailSettingsData>;
