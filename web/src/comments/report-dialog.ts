import { errorText } from '../api.ts';
import { h, uid } from '../dom.ts';
import type { CommentActions } from './comment-actions.ts';

/** CONTRACT.md §4.6, in order: the index is the `reason` code. */
export const REPORT_REASONS = [
  'Other (describe it)',
  'Spam or advertising',
  'Pornography',
  'Flooding',
  'Flame-baiting',
  'Spoiler',
  'Politics',
  'Personal attack',
  'Irrelevant content',
  'Illegal content',
  'Vulgar',
  'Illegal website',
  'Gambling or fraud',
  'Spreading false information',
  'Incitement',
  'Privacy violation',
  'Floor grabbing',
  'Harmful to minors',
] as const;

/**
 * A modal form: one reason from the list (words of one's own for "other"). Its state is the form's while it
 * is open; the section's store only hears of the outcome (the thanks in the status line).
 */
export function openReportDialog(
  host: HTMLElement,
  actions: CommentActions,
  rpid: number,
  uname: string,
): void {
  const titleId = uid('rp-report');
  const name = uid('reason');
  const otherId = uid('rp-other');
  let reason: number | null = null;
  const other = h('textarea', { id: otherId, rows: 3, maxlength: 200, disabled: true });
  const error = h('p', { class: 'rp-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button danger' }, 'Report');
  const cancel = h('button', { type: 'button', class: 'button secondary' }, 'Cancel');
  const radios = REPORT_REASONS.map((label, value) => {
    const radio = h('input', { type: 'radio', name, value, required: true });
    radio.addEventListener('change', () => {
      reason = value;
      other.disabled = value !== 0;
    });
    return h('label', null, radio, label);
  });
  const form = h(
    'form',
    { class: 'rp-report' },
    h('h2', { id: titleId }, `Report the comment by ${uname}`),
    h('fieldset', null, h('legend', null, 'Why?'), radios),
    h('label', { for: otherId, class: 'rp-other-label' }, 'For “other”: what is wrong (2 to 200 characters)'),
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
      error.textContent = 'Choose a reason.';
      return;
    }
    submit.disabled = true;
    actions
      .report(rpid, reason, other.value)
      .then(() => dialog.close())
      .catch((e: unknown) => {
        submit.disabled = false;
        error.textContent = errorText(e);
      });
  });
  host.append(dialog);
  dialog.showModal();
}
