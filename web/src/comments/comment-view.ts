import type { ReplyItem } from 'replay/client';
import { errorText } from '../api.ts';
import { avatar, h, localUrl, relativeTime } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { CommentActions, CommentScope } from './comment-actions.ts';
import { tokenizeMessage } from './message-tokens.ts';
import { openReportDialog } from './report-dialog.ts';
import { voteButtons } from './vote-buttons.ts';

/** What every part of one section shares: its server actions and the element it lives in. */
export interface SectionParts {
  actions: CommentActions;
  host: HTMLElement;
}

/**
 * The message as text nodes, with resolved emotes as images (local ones only) and mentions highlighted.
 * Nothing the user wrote is ever parsed as HTML: every piece is a text node or an element built here.
 */
export function renderMessage(item: ReplyItem): Node[] {
  const content = item.content;
  const emotes = content.emote ?? {};
  const members = content.members ?? [];
  const tokens = tokenizeMessage(
    content.message,
    Object.keys(emotes),
    members.map((m) => m.uname),
  );
  return tokens.map((token) => {
    if (token.kind === 'emote') {
      const emote = emotes[token.text];
      const src = emote && emote.type !== 4 ? localUrl(emote.url) : null;
      if (!src) return document.createTextNode(token.text);
      return h('img', {
        class: emote?.meta.size === 2 ? 'rp-emote rp-large' : 'rp-emote',
        src,
        alt: token.text,
        title: token.text,
      });
    }
    if (token.kind === 'mention') {
      const member = members.find((m) => m.uname === token.uname);
      return h('span', { class: 'rp-mention', 'data-mid': member?.mid }, token.text);
    }
    return document.createTextNode(token.text);
  });
}

/** What an action on one comment says, shown beside its buttons: polite, and gone after a while. */
export interface Feedback {
  el: HTMLElement;
  say(text: string, kind?: 'ok' | 'error'): void;
}

const FEEDBACK_MS = 8000;

export function feedback(): Feedback {
  const el = h('span', { class: 'rp-feedback', role: 'status' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    el,
    say(text, kind = 'ok') {
      clearTimeout(timer);
      el.textContent = text;
      el.dataset['kind'] = kind;
      // A success can go; an error stays until the next try.
      if (text && kind === 'ok') timer = setTimeout(() => (el.textContent = ''), FEEDBACK_MS);
    },
  };
}

/** Pin (the owner, on roots), Delete (the author or the owner) and Report (anyone but the author). */
function moderationButtons(
  scope: CommentScope,
  parts: SectionParts,
  item: ReplyItem,
  uname: string,
  pinned: boolean,
  note: Feedback,
): HTMLElement[] {
  const { user, owner, readOnly } = scope.state;
  const buttons: HTMLElement[] = [];
  const mine = user?.mid === item.mid;
  const isOwner = user !== null && user.mid === owner;
  if (isOwner && item.root === 0 && !readOnly) {
    const label = t(pinned ? 'comments.unpinLabel' : 'comments.pinLabel', { name: uname });
    const pin = h(
      'button',
      { type: 'button', 'aria-label': label },
      pinned ? t('comments.unpin') : t('comments.pin'),
    );
    pin.addEventListener('click', () => {
      pin.disabled = true;
      note.say('');
      // Done: the list is drawn again, this button with it.
      parts.actions.pin(item, !pinned).then(
        (done) => (pin.disabled = done),
        (error: unknown) => {
          pin.disabled = false;
          note.say(errorText(error), 'error');
        },
      );
    });
    buttons.push(pin);
  }
  if (mine || isOwner) {
    const label = t('comments.deleteLabel', { name: uname });
    const del = h('button', { type: 'button', class: 'rp-danger', 'aria-label': label }, t('common.delete'));
    del.addEventListener('click', () => {
      note.say('');
      parts.actions.remove(item).catch((error: unknown) => note.say(errorText(error), 'error'));
    });
    buttons.push(del);
  }
  if (!mine) {
    const label = t('comments.reportLabel', { name: uname });
    const report = h('button', { type: 'button', 'aria-label': label }, t('comments.report'));
    report.addEventListener('click', () =>
      openReportDialog(parts.host, parts.actions, item.rpid, uname, () => {
        note.say(t('comments.reported'));
        report.focus();
      }),
    );
    buttons.push(report);
  }
  return buttons;
}

/**
 * One comment: author, text (as text), time, and the actions this viewer may take. Drawn once per wire
 * object; only its vote buttons follow the store afterwards.
 */
export function commentView(
  scope: CommentScope,
  parts: SectionParts,
  item: ReplyItem,
  options: { pinned?: boolean; onReply: (target: ReplyItem) => void },
): HTMLElement {
  const { user, owner, readOnly } = scope.state;
  const pinned = options.pinned ?? false;
  const uname = item.member?.uname ?? `mid ${item.mid}`;
  const level = item.member?.level_info.current_level;
  const vip = (item.member?.vip.vipStatus ?? 0) === 1;
  const when = new Date(item.ctime * 1000);
  const note = feedback();
  const actions = h(
    'div',
    { class: 'rp-actions' },
    h('time', { datetime: when.toISOString(), title: when.toLocaleString() }, relativeTime(item.ctime)),
    voteButtons(scope, parts.actions, item.rpid),
  );
  if (user && !readOnly) {
    const reply = h(
      'button',
      { type: 'button', 'aria-label': t('comments.replyTo', { name: uname }) },
      t('comments.reply'),
    );
    reply.addEventListener('click', () => options.onReply(item));
    actions.append(reply);
  }
  if (user) actions.append(...moderationButtons(scope, parts, item, uname, pinned, note));
  actions.append(note.el);
  scope.watch(
    (s) => s.votes[item.rpid]?.error ?? '',
    (error) => note.say(error, 'error'),
  );
  const article = h(
    'article',
    { class: 'rp-reply', 'data-rpid': item.rpid, 'aria-label': t('comments.by', { name: uname }) },
    avatar(item.member?.avatar, uname, item.root === 0 ? 40 : 28),
    h(
      'div',
      { class: 'rp-body' },
      h(
        'div',
        { class: 'rp-meta' },
        h('span', { class: 'rp-uname', 'data-vip': vip ? '' : undefined }, uname),
        level !== undefined
          ? h('span', { class: 'rp-level', title: t('comments.level', { n: level }) }, `LV${level}`)
          : null,
        item.mid === owner ? h('span', { class: 'rp-tag rp-up', title: t('comments.uploader') }, 'UP') : null,
        pinned ? h('span', { class: 'rp-tag rp-pinned' }, t('comments.pinned')) : null,
      ),
      h('p', { class: 'rp-message' }, renderMessage(item)),
      actions,
    ),
  );
  // The comment a link opened the section at: marked for the eye and for screen readers, focusable.
  scope.watch(
    (s) => s.focus === item.rpid,
    (on) => {
      if (on) {
        article.setAttribute('aria-current', 'true');
        article.tabIndex = -1;
      } else {
        article.removeAttribute('aria-current');
        article.removeAttribute('tabindex');
      }
    },
  );
  return article;
}
