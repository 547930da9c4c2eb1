import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import type { MailSettingsData } from '../wire/notify-settings.schema.ts';

export type { MailSettingsData } from '../wire/notify-settings.schema.ts';

/** The signed-in user's notification e-mail (a Replay extension; docs/api/message-center.md). */
export class NotifyApi {
  constructor(private readonly client: BiliClient) {}

  mail(): Promise<BiliEnvelope<MailSettingsData>> {
    return this.client.get('/x/replay/notify/mail');
  }

  /** `email: ''` removes the address; `optOut` stops (true) or resumes (false) the mail. */
  setMail(settings: { email?: string; optOut?: boolean }): Promise<BiliEnvelope<MailSettingsData>> {
    return this.client.post('/x/replay/notify/mail', {
      ...(settings.email === undefined ? {} : { email: settings.email }),
      ...(settings.optOut === undefined ? {} : { opt_out: settings.optOut ? 1 : 0 }),
    });
  }
}
