import type { BiliEnvelope } from '../../../src/client/http.ts';
import type { MailSettingsData } from '../../../src/wire/notify-settings.schema.ts';
import { bili, errorText, unwrap } from '../api.ts';
import { field, h, replace, statusLine } from '../dom.ts';

const PATH = '/x/replay/notify/mail';

/**
 * The signed-in user's e-mail notifications (a Replay extension, `/x/replay/notify/mail`): the address
 * replies and mentions are mailed to, and the opt-out. When the server has no mail server, says so instead.
 */
export function mailSettingsSection(): HTMLElement {
  const section = h(
    'section',
    { class: 'card inbox-settings', 'aria-labelledby': 'mail-settings-title' },
    h('h2', { id: 'mail-settings-title' }, 'E-mail notifications'),
  );
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
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
    replace(body, h('p', { class: 'muted' }, 'This server sends no e-mail: no mail server is configured.'));
    return;
  }
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', value: settings.email });
  const wanted = h('input', { type: 'checkbox', name: 'notify', checked: !settings.opt_out });
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save');
  const status = statusLine();
  const form = h(
    'form',
    { class: 'inbox-settings-form' },
    field('E-mail address', email, 'Where replies and mentions are sent. Nobody else sees it.'),
    h(
      'div',
      { class: 'field check' },
      h('label', null, wanted, ' E-mail me when someone replies to me or mentions me'),
    ),
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
        status.set(
          saved.opt_out ? 'Saved: no e-mail notifications.' : 'Saved: you get e-mail notifications.',
          'ok',
        );
      })
      .catch((error: unknown) => status.set(errorText(error), 'error'))
      .finally(() => (save.disabled = false));
  });
  replace(body, form);
}
