import type { ReplyItem } from '../../../src/client/reply-types.ts';
import { avatar, h, localUrl, relativeTime } from '../dom.ts';
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

/** Pin (the owner, on roots), Delete (the author or the owner) and Report (anyone but the author). */
function moderationButtons(
  scope: CommentScope,
  parts: SectionParts,
  item: ReplyItem,
  uname: string,
  pinned: boolean,
): HTMLElement[] {
  const { user, owner, readOnly } = scope.state;
  const buttons: HTMLElement[] = [];
  const mine = user?.mid === item.mid;
  const isOwner = user !== null && user.mid === owner;
  if (isOwner && item.root === 0 && !readOnly) {
    const label = `${pinned ? 'Unpin' : 'Pin'} the comment by ${uname}`;
    const pin = h('button', { type: 'button', 'aria-label': label }, pinned ? 'Unpin' : 'Pin');
    pin.addEventListener('click', () => {
      pin.disabled = true;
      void parts.actions.pin(item, !pinned).then((done) => (pin.disabled = done));
    });
    buttons.push(pin);
  }
  if (mine || isOwner) {
    const label = `Delete the comment by ${uname}`;
    const del = h('button', { type: 'button', class: 'rp-danger', 'aria-label': label }, 'Delete');
    del.addEventListener('click', () => void parts.actions.remove(item));
    buttons.push(del);
  }
  if (!mine) {
    const label = `Report the comment by ${uname}`;
    const report = h('button', { type: 'button', 'aria-label': label }, 'Report');
    report.addEventListener('click', () => openReportDialog(parts.host, parts.actions, item.rpid, uname));
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
  const actions = h(
    'div',
    { class: 'rp-actions' },
    h('time', { datetime: when.toISOString(), title: when.toLocaleString() }, relativeTime(item.ctime)),
    voteButtons(scope, parts.actions, item.rpid),
  );
  if (user && !readOnly) {
    const reply = h('button', { type: 'button', 'aria-label': `Reply to ${uname}` }, 'Reply');
    reply.addEventListener('click', () => options.onReply(item));
    actions.append(reply);
  }
  if (user) actions.append(...moderationButtons(scope, parts, item, uname, pinned));
  const article = h(
    'article',
    { class: 'rp-reply', 'data-rpid': item.rpid, 'aria-label': `Comment by ${uname}` },
    avatar(item.member?.avatar, uname, item.root === 0 ? 40 : 28),
    h(
      'div',
      { class: 'rp-body' },
      h(
        'div',
        { class: 'rp-meta' },
        h('span', { class: 'rp-uname', 'data-vip': vip ? '' : undefined }, uname),
        level !== undefined ? h('span', { class: 'rp-level', title: `Level ${level}` }, `LV${level}`) : null,
        item.mid === owner ? h('span', { class: 'rp-tag rp-up', title: 'The uploader' }, 'UP') : null,
        pinned ? h('span', { class: 'rp-tag rp-pinned' }, 'Pinned') : null,
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
