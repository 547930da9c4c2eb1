import { ApiError, errorText } from '../api.ts';
import { avatar, h, uid } from '../dom.ts';
import type { CommentActions, CommentScope } from './comment-actions.ts';
import { draftKey } from './comment-state.ts';
import { fillPicker } from './emote-picker.ts';
import { MAX_MESSAGE_LENGTH, messageLength } from './message-tokens.ts';
import { t } from '../i18n/index.ts';

export interface ComposerTarget {
  label: string;
  placeholder: string;
  /** A reply box: the thread's root and the comment answered. */
  root?: number;
  parent?: number;
}

/**
 * The box to write a comment or a reply, with its length counter and emote picker. The text is the store's
 * draft (kept across page loads); the box only mirrors it. Whether the picker is open and the last error
 * are the box's own, since nothing else needs them.
 */
export function composer(scope: CommentScope, actions: CommentActions, target: ComposerTarget): HTMLElement {
  const key = draftKey(target.root);
  const draft = () => scope.state.drafts[key] ?? '';
  const setDraft = (text: string) => scope.dispatch({ type: 'draft', key, text });
  const textarea = h('textarea', { placeholder: target.placeholder, rows: 3, 'aria-label': target.label });
  const counter = h('span', { class: 'rp-counter', 'aria-live': 'off' });
  const error = h('p', { class: 'rp-error', role: 'alert' });
  const submit = h(
    'button',
    { type: 'submit', class: 'button primary' },
    target.root ? t('comments.reply') : t('comments.post'),
  );
  const pickerId = uid('rp-picker');
  const emoteButton = h(
    'button',
    { type: 'button', class: 'button secondary small', 'aria-expanded': 'false', 'aria-controls': pickerId },
    t('comments.emotes'),
  );
  const picker = h('div', {
    class: 'rp-picker',
    id: pickerId,
    hidden: true,
    role: 'group',
    'aria-label': t('comments.emotes'),
  });
  const user = scope.state.user;
  const form = h(
    'form',
    { class: 'rp-composer' },
    avatar(user?.face, user?.uname ?? '?', 40),
    textarea,
    h('div', { class: 'rp-bar' }, emoteButton, counter, submit),
    picker,
    error,
  );

  scope.watch(
    (s) => s.drafts[key] ?? '',
    (text) => {
      if (textarea.value !== text) textarea.value = text;
      const n = messageLength(text);
      counter.textContent = `${n}/${MAX_MESSAGE_LENGTH}`;
      if (n > MAX_MESSAGE_LENGTH) counter.dataset['over'] = '';
      else delete counter.dataset['over'];
    },
  );
  textarea.addEventListener('input', () => setDraft(textarea.value));

  const insert = (text: string) => {
    const start = textarea.selectionStart ?? textarea.value.length;
    textarea.setRangeText(text, start, textarea.selectionEnd ?? start, 'end');
    textarea.focus();
    setDraft(textarea.value);
  };
  let pickerFilled = false;
  const closePicker = (focus: boolean) => {
    picker.hidden = true;
    emoteButton.setAttribute('aria-expanded', 'false');
    if (focus) emoteButton.focus();
  };
  emoteButton.addEventListener('click', () => {
    if (!picker.hidden) return closePicker(false);
    picker.hidden = false;
    emoteButton.setAttribute('aria-expanded', 'true');
    if (pickerFilled) {
      picker.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
      return;
    }
    pickerFilled = true;
    void fillPicker(picker, () => actions.emotePackages(), insert).then((ok) => (pickerFilled = ok));
  });
  picker.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closePicker(true);
  });

  const refuse = (text: string) => {
    error.textContent = text;
    textarea.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const message = draft().trim();
    if (!message) return refuse(t('comments.writeFirst'));
    if (messageLength(message) > MAX_MESSAGE_LENGTH) return refuse(errorText(new ApiError(12025, '')));
    submit.disabled = true;
    actions
      .post(message, { root: target.root, parent: target.parent })
      .then(() => {
        error.textContent = '';
        closePicker(false);
      })
      .catch((e: unknown) => refuse(errorText(e)))
      .finally(() => (submit.disabled = false));
  });
  return form;
}
