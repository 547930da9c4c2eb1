import type { BiliEnvelope, MailSettingsData } from 'replay/client';
import { bili, errorText, unwrap } from '../api.ts';
import { field, h, replace, statusLine } from '../dom.ts';
import { t } from '../i18n/index.ts';

const PATH = '/x/replay/notify/mail';

/**
 * The signed-in user's e-mail notifications (a Replay extension, `/x/replay/notify/mail`): the address
 * replies and mentions are mailed to, and the opt-out. When the server has no mail server, says so instead.
 */
export function mailSettingsSection(): HTMLElement {
  const section = h(
    'section',
    { class: 'card inbox-settings', 'aria-labelledby': 'mail-settings-title' },
    h('h2', { id: 'mail-settings-title' }, t('mail.title')),
  );
  const body = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  section.append(body);
  bili()
    .get<BiliEnvelope<MailSettingsData>>(PATH)
    .then((envelope) => render(body, unwrap(envelope)))
    .catch((error: unknown) =>
      replace(body, h('p', { class: 'notice-error', role: 'alert' }, errorText(error))),
    );
  return section;
}

function render(body: HTMLElement, settings: MailSettingsData): void {
  if (!settings.enabled) {
    replace(body, h('p', { class: 'muted' }, t('mail.none')));
    return;
  }
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', value: settings.email });
  const wanted = h('input', { type: 'checkbox', name: 'notify', checked: !settings.opt_out });
  const save = h('button', { type: 'submit', class: 'button primary' }, t('common.save'));
  const status = statusLine();
  const form = h(
    'form',
    { class: 'inbox-settings-form' },
    field(t('mail.address'), email, t('mail.addressHint')),
    h('div', { class: 'field check' }, h('label', null, wanted, ` ${t('mail.wanted')}`)),
    status.el,
    h('div', { class: 'actions' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save.disabled = true;
    bili()
      .post<BiliEnvelope<MailSettingsData>>(PATH, {
        email: email.value.trim(),
        opt_out: wanted.checked ? 0 : 1,
      })
      .then((envelope) => {
        const saved = unwrap(envelope);
        email.value = saved.email;
        wanted.checked = !saved.opt_out;
        status.set(saved.opt_out ? t('mail.savedOff') : t('mail.savedOn'), 'ok');
      })
      .catch((error: unknown) => status.set(errorText(error), 'error'))
      .finally(() => (save.disabled = false));
  });
  replace(body, form);
}
