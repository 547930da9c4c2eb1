import { adminErrorText } from '../api.ts';
import { h, statusLine } from '../dom.ts';

export type Status = ReturnType<typeof statusLine>;

/** A form whose submit runs `action`, reporting success or the admin API's error in the status line. */
export function actionForm(
  label: string,
  children: (HTMLElement | null)[],
  submitLabel: string,
  action: (status: Status) => Promise<void>,
): { form: HTMLFormElement; status: Status } {
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'button primary' }, submitLabel);
  const form = h(
    'form',
    { 'aria-label': label },
    children,
    h('div', { class: 'actions' }, submit),
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    action(status)
      .catch((error: unknown) => status.set(adminErrorText(error), 'error'))
      .finally(() => (submit.disabled = false));
  });
  return { form, status };
}

export const num = (input: HTMLInputElement): number | undefined =>
  input.value.trim() === '' ? undefined : Number(input.value.trim());

export function row(label: string, value: string | HTMLElement): HTMLElement {
  return h('tr', null, h('th', { scope: 'row' }, label), h('td', null, value));
}
