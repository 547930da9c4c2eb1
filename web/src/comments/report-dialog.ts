import { errorText } from '../api.ts';
import { h, uid } from '../dom.ts';
import type { CommentActions } from './comment-actions.ts';
import type { MessageKey } from '../i18n/en.ts';
import { t } from '../i18n/index.ts';

/** CONTRACT.md §4.6, in order: the index is the `reason` code (the words are the catalogue's `report.reason.N`). */
export const REPORT_REASONS = Array.from(
  { length: 18 },
  (_, i) => `report.reason.${i}` as Extract<MessageKey, `report.reason.${number}`>,
);

/**
 * A modal form: one reason from the list (words of one's own for "other"). Its state is the form's while it
 * is open; `onReported` shows the outcome beside the button that opened it.
 */
export function openReportDialog(
  host: HTMLElement,
  actions: CommentActions,
  rpid: number,
  uname: string,
  onReported: () => void,
): void {
  const titleId = uid('rp-report');
  const name = uid('reason');
  const otherId = uid('rp-other');
  let reason: number | null = null;
  const other = h('textarea', { id: otherId, rows: 3, maxlength: 200, disabled: true });
  const error = h('p', { class: 'rp-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button danger' }, t('comments.report'));
  const cancel = h('button', { type: 'button', class: 'button secondary' }, t('common.cancel'));
  const radios = REPORT_REASONS.map((label, value) => {
    const radio = h('input', { type: 'radio', name, value, required: true });
    radio.addEventListener('change', () => {
      reason = value;
      other.disabled = value !== 0;
    });
    return h('label', null, radio, t(label));
  });
  const form = h(
    'form',
    { class: 'rp-report' },
    h('h2', { id: titleId }, t('comments.reportLabel', { name: uname })),
    h('fieldset', null, h('legend', null, t('report.why')), radios),
    h('label', { for: otherId, class: 'rp-other-label' }, t('report.otherLabel')),
    other,
    error,
    h('div', { class: 'actions' }, cancel, submit),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (reason === null) {
      error.textContent = t('report.choose');
      return;
    }
    submit.disabled = true;
    actions
      .report(rpid, reason, other.value)
      .then(() => {
        dialog.close();
        onReported();
      })
      .catch((e: unknown) => {
        submit.disabled = false;
        error.textContent = errorText(e);
      });
  });
  host.append(dialog);
  dialog.showModal();
}
