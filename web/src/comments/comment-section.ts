import type { EmotePackageWire } from '../../../src/client/emote-api.ts';
import type { ReplyItem, ReplyListData } from '../../../src/client/reply-types.ts';
import { ApiError, bili, check, errorText, me, unwrap } from '../api.ts';
import type { Me } from '../api.ts';
import { avatar, confirmDialog, h, localUrl, relativeTime, replace, uid } from '../dom.ts';
import { tabs } from '../tabs.ts';
import { MAX_MESSAGE_LENGTH, messageLength, tokenizeMessage } from './message-tokens.ts';

export interface CommentOptions {
  /** Area type (CONTRACT.md §1): 1 for a video, whose `oid` is the aid. */
  type: number;
  oid: number;
  /** The area owner when the page already knows it (the uploader); the list answer confirms it. */
  ownerHint?: number;
  /** Set by the embed: styles the section as a standalone block. */
  embedded?: boolean;
}

const PAGE_SIZE = 20;
const SUB_PAGE_SIZE = 10;

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

type Sort = 'hot' | 'time';
const SORT_PARAM: Record<Sort, 0 | 1> = { hot: 1, time: 0 };

/** Mounts a comment section for (type, oid) into `host`; everything it does goes through the Bilibili API. */
export function mountComments(host: HTMLElement, options: CommentOptions): void {
  new CommentSection(host, options).start();
}

class CommentSection {
  private sort: Sort = 'hot';
  private pn = 1;
  private user: Me | null = null;
  private owner: number;
  private readOnly = false;
  private emotes: Promise<EmotePackageWire[]> | null = null;
  private readonly count = h('span', { class: 'rp-count' });
  private readonly status = h('p', { class: 'rp-error', role: 'alert' });
  private readonly composerBox = h('div');
  private readonly list = h('ol', { class: 'rp-list', 'aria-label': 'Comments' });
  private readonly pager = h('nav', { class: 'rp-pager', 'aria-label': 'Comment pages' });
  private readonly headingId = uid('rp-title');

  constructor(
    private readonly host: HTMLElement,
    private readonly options: CommentOptions,
  ) {
    this.owner = options.ownerHint ?? 0;
  }

  start(): void {
    const host = this.host;
    host.classList.add('rp-comments');
    if (this.options.embedded) host.dataset['embedded'] = '';
    host.dataset['type'] = String(this.options.type);
    host.dataset['oid'] = String(this.options.oid);
    host.setAttribute('aria-labelledby', this.headingId);
    // Two toggle buttons that re-sort the one list (hot first by default, as on Bilibili).
    const sortButtons = (['hot', 'time'] as const).map((sort) => {
      const button = h(
        'button',
        { type: 'button', class: 'button small ghost', 'aria-pressed': String(sort === this.sort) },
        sort === 'hot' ? 'Hot' : 'Newest',
      );
      button.addEventListener('click', () => {
        if (this.sort === sort) return;
        this.sort = sort;
        sortButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(i === (sort === 'hot' ? 0 : 1))));
        void this.load(1);
      });
      return button;
    });
    replace(
      host,
      h(
        'div',
        { class: 'rp-head' },
        h('h2', { id: this.headingId }, 'Comments', this.count),
        h('div', { class: 'rp-sort', role: 'group', 'aria-label': 'Sort comments' }, sortButtons),
      ),
      this.composerBox,
      this.status,
      this.list,
      this.pager,
    );
    void me().then((user) => {
      this.user = user;
      void this.load(1);
    });
  }

  private get area() {
    return { type: this.options.type, oid: this.options.oid };
  }

  private get isOwner(): boolean {
    return this.user !== null && this.user.mid === this.owner;
  }

  private async load(pn: number): Promise<void> {
    this.list.setAttribute('aria-busy', 'true');
    try {
      const data = unwrap(
        await bili().reply.list({ ...this.area, pn, ps: PAGE_SIZE, sort: SORT_PARAM[this.sort], nohot: 1 }),
      );
      this.pn = pn;
      this.owner = data.upper.mid;
      this.readOnly = data.control.input_disable || data.config.read_only;
      this.status.textContent = '';
      this.render(data);
    } catch (error) {
      if (error instanceof ApiError && (error.code === -404 || error.code === 12009)) {
        replace(this.list, h('li', { class: 'rp-empty' }, 'There is no comment area here.'));
        replace(this.composerBox);
        replace(this.pager);
      } else {
        this.status.textContent = errorText(error);
      }
    } finally {
      this.list.removeAttribute('aria-busy');
    }
  }

  private render(data: ReplyListData): void {
    this.count.textContent = String(data.page.acount);
    this.count.dataset['count'] = String(data.page.acount);
    this.renderComposer(data.control.root_input_text);
    const pinned = this.pn === 1 ? data.upper.top : null;
    const rows = (data.replies ?? []).filter((r) => r.rpid !== pinned?.rpid);
    const items = [...(pinned ? [this.thread(pinned, true)] : []), ...rows.map((r) => this.thread(r, false))];
    if (items.length === 0) items.push(h('li', { class: 'rp-empty' }, 'No comments yet. Be the first!'));
    replace(this.list, items);
    this.renderPager(data.page.count);
  }

  private renderComposer(placeholder: string): void {
    if (this.readOnly) {
      replace(this.composerBox, h('p', { class: 'rp-notice' }, 'Comments are closed here.'));
    } else if (!this.user) {
      const goUrl = encodeURIComponent(location.pathname + location.search);
      replace(
        this.composerBox,
        h(
          'p',
          { class: 'rp-notice' },
          h('a', { href: `/login?go_url=${goUrl}` }, 'Sign in'),
          ' to join the discussion.',
        ),
      );
    } else if (!this.composerBox.firstElementChild?.classList.contains('rp-composer')) {
      replace(
        this.composerBox,
        this.composer(
          { label: 'Write a comment', placeholder: placeholder || 'Post a friendly comment' },
          (reply) => {
            this.list.querySelector(':scope > .rp-empty')?.remove();
            this.list.prepend(this.thread(reply, false));
            this.bump(1);
          },
        ),
      );
    }
  }

  private renderPager(rootCount: number): void {
    const pages = Math.max(1, Math.ceil(rootCount / PAGE_SIZE));
    if (pages <= 1) return replace(this.pager);
    replace(
      this.pager,
      pagerButtons(this.pn, pages, (pn) => void this.load(pn).then(() => this.list.focus())),
    );
    this.list.tabIndex = -1;
  }

  /** Adds to the header count (a post, or -n after a delete). */
  private bump(delta: number): void {
    const next = Math.max(0, Number(this.count.dataset['count'] ?? 0) + delta);
    this.count.dataset['count'] = String(next);
    this.count.textContent = String(next);
  }

  // --- threads -------------------------------------------------------------------------------------

  private thread(root: ReplyItem, pinned: boolean): HTMLElement {
    const li = h('li', { class: 'rp-thread', 'data-rpid': root.rpid });
    const sub = h('div', { class: 'rp-sub' });
    const subList = h('ol', {
      class: 'rp-sub-list',
      'aria-label': `Replies to ${root.member?.uname ?? 'this comment'}`,
    });
    let replyComposer: HTMLElement | null = null;
    let shown = root.rcount;

    const openComposer = (target: ReplyItem) => {
      const uname = target.member?.uname ?? '';
      replyComposer?.remove();
      replyComposer = this.composer(
        {
          label: `Reply to ${uname}`,
          placeholder: `Reply to @${uname}`,
          root: root.rpid,
          parent: target.rpid,
        },
        (reply) => {
          subList.append(h('li', { class: 'rp-item' }, this.replyView(reply, openComposer)));
          if (!sub.contains(subList)) sub.prepend(subList);
          shown += 1;
          this.bump(1);
          replyComposer?.remove();
          replyComposer = null;
        },
      );
      li.append(replyComposer);
      replyComposer.querySelector('textarea')?.focus();
    };

    const showPage = async (pn: number) => {
      try {
        const data = unwrap(
          await bili().reply.replies({ ...this.area, root: root.rpid, pn, ps: SUB_PAGE_SIZE }),
        );
        shown = data.page.count;
        replace(
          subList,
          data.replies.map((r) => h('li', { class: 'rp-item' }, this.replyView(r, openComposer))),
        );
        const pages = Math.max(1, Math.ceil(data.page.count / SUB_PAGE_SIZE));
        replace(
          sub,
          subList,
          pages > 1
            ? h(
                'nav',
                {
                  class: 'rp-pager',
                  'aria-label': `Pages of replies to ${root.member?.uname ?? 'this comment'}`,
                },
                pagerButtons(pn, pages, (p) => void showPage(p)),
              )
            : null,
        );
      } catch (error) {
        this.status.textContent = errorText(error);
      }
    };

    const preview = root.replies ?? [];
    if (preview.length > 0) {
      replace(
        subList,
        preview.map((r) => h('li', { class: 'rp-item' }, this.replyView(r, openComposer))),
      );
      sub.append(subList);
    }
    if (root.rcount > preview.length) {
      const more = h(
        'button',
        { type: 'button', class: 'rp-more', 'aria-expanded': 'false' },
        preview.length > 0 ? `${root.rcount} replies in total. Show all` : `Show ${root.rcount} replies`,
      );
      more.addEventListener('click', () => void showPage(1));
      sub.append(more);
    }

    li.append(this.replyView(root, openComposer, pinned), sub);
    li.dataset['replies'] = String(shown);
    return li;
  }

  /** One comment: author, text (as text), time, and the actions this viewer may take. */
  private replyView(item: ReplyItem, onReply: (target: ReplyItem) => void, pinned = false): HTMLElement {
    const uname = item.member?.uname ?? `mid ${item.mid}`;
    const level = item.member?.level_info.current_level;
    const isRoot = item.root === 0;
    const vip = (item.member?.vip.vipStatus ?? 0) === 1;
    const actions = h('div', { class: 'rp-actions' });
    const article = h(
      'article',
      { class: 'rp-reply', 'data-rpid': item.rpid, 'aria-label': `Comment by ${uname}` },
      avatar(item.member?.avatar, uname, isRoot ? 40 : 28),
      h(
        'div',
        { class: 'rp-body' },
        h(
          'div',
          { class: 'rp-meta' },
          h('span', { class: 'rp-uname', 'data-vip': vip ? '' : undefined }, uname),
          level !== undefined
            ? h('span', { class: 'rp-level', title: `Level ${level}` }, `LV${level}`)
            : null,
          item.mid === this.owner ? h('span', { class: 'rp-tag rp-up', title: 'The uploader' }, 'UP') : null,
          pinned ? h('span', { class: 'rp-tag rp-pinned' }, 'Pinned') : null,
        ),
        h('p', { class: 'rp-message' }, renderMessage(item)),
        actions,
      ),
    );
    const time = h(
      'time',
      {
        datetime: new Date(item.ctime * 1000).toISOString(),
        title: new Date(item.ctime * 1000).toLocaleString(),
      },
      relativeTime(item.ctime),
    );
    actions.append(time, ...this.voteButtons(item));
    if (this.user && !this.readOnly) {
      const reply = h('button', { type: 'button', 'aria-label': `Reply to ${uname}` }, 'Reply');
      reply.addEventListener('click', () => onReply(item));
      actions.append(reply);
    }
    if (this.user) actions.append(...this.moderationButtons(item, uname, pinned));
    return article;
  }

  private voteButtons(item: ReplyItem): HTMLElement[] {
    const like = h('button', { type: 'button', class: 'rp-like' });
    const hate = h('button', { type: 'button', class: 'rp-hate' });
    const render = () => {
      like.replaceChildren(icon('like'), h('span', null, String(item.like)));
      like.setAttribute('aria-pressed', String(item.action === 1));
      like.setAttribute('aria-label', `Like (${item.like})`);
      hate.replaceChildren(icon('hate'));
      hate.setAttribute('aria-pressed', String(item.action === 2));
      hate.setAttribute('aria-label', 'Dislike');
    };
    const vote = (kind: 'like' | 'hate') => {
      if (!this.user) {
        this.status.textContent = errorText(new ApiError(-101, ''));
        return;
      }
      const on = kind === 'like' ? item.action !== 1 : item.action !== 2;
      const params = { ...this.area, rpid: item.rpid, action: on ? 1 : 0 } as const;
      like.disabled = hate.disabled = true;
      (kind === 'like' ? bili().reply.like(params) : bili().reply.hate(params))
        .then((body) => {
          check(body);
          // Like and dislike exclude each other: setting one clears the other (CONTRACT.md §4.2–4.3).
          const wasLiked = item.action === 1;
          if (kind === 'like') {
            item.action = on ? 1 : 0;
            item.like += on ? 1 : -1;
          } else {
            item.action = on ? 2 : 0;
            if (on && wasLiked) item.like -= 1;
          }
          this.status.textContent = '';
          render();
        })
        .catch((error: unknown) => (this.status.textContent = errorText(error)))
        .finally(() => (like.disabled = hate.disabled = false));
    };
    like.addEventListener('click', () => vote('like'));
    hate.addEventListener('click', () => vote('hate'));
    render();
    return [like, hate];
  }

  private moderationButtons(item: ReplyItem, uname: string, pinned: boolean): HTMLElement[] {
    const buttons: HTMLElement[] = [];
    const mine = this.user?.mid === item.mid;
    if (this.isOwner && item.root === 0 && !this.readOnly) {
      const pin = h(
        'button',
        { type: 'button', 'aria-label': `${pinned ? 'Unpin' : 'Pin'} the comment by ${uname}` },
        pinned ? 'Unpin' : 'Pin',
      );
      pin.addEventListener('click', () => {
        pin.setAttribute('disabled', '');
        bili()
          .reply.top({ ...this.area, rpid: item.rpid, action: pinned ? 0 : 1 })
          .then((body) => {
            check(body);
            return this.load(1);
          })
          .catch((error: unknown) => {
            pin.removeAttribute('disabled');
            this.status.textContent = errorText(error);
          });
      });
      buttons.push(pin);
    }
    if (mine || this.isOwner) {
      const del = h(
        'button',
        { type: 'button', class: 'rp-danger', 'aria-label': `Delete the comment by ${uname}` },
        'Delete',
      );
      del.addEventListener('click', () => {
        const whole = item.root === 0 && item.rcount > 0 ? ' Its replies go with it.' : '';
        void confirmDialog('Delete this comment?', `It disappears for everyone.${whole}`, 'Delete').then(
          async (yes) => {
            if (!yes) return;
            try {
              check(await bili().reply.del({ ...this.area, rpid: item.rpid }));
              if (item.root === 0) {
                // A root takes its visible replies along (DESIGN.md §4).
                this.bump(-(1 + item.rcount));
                this.host.querySelector(`.rp-thread[data-rpid="${item.rpid}"]`)?.remove();
                if (!this.list.querySelector('.rp-thread')) await this.load(Math.max(1, this.pn - 1));
              } else {
                this.bump(-1);
                del.closest('.rp-item')?.remove();
              }
              this.status.textContent = '';
            } catch (error) {
              this.status.textContent = errorText(error);
            }
          },
        );
      });
      buttons.push(del);
    }
    if (!mine) {
      const report = h(
        'button',
        { type: 'button', 'aria-label': `Report the comment by ${uname}` },
        'Report',
      );
      report.addEventListener('click', () => this.report(item, uname));
      buttons.push(report);
    }
    return buttons;
  }

  private report(item: ReplyItem, uname: string): void {
    const titleId = uid('rp-report');
    const name = uid('reason');
    const otherId = uid('rp-other');
    const other = h('textarea', { id: otherId, rows: 3, maxlength: 200, disabled: true });
    const error = h('p', { class: 'rp-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button danger' }, 'Report');
    const cancel = h('button', { type: 'button', class: 'button secondary' }, 'Cancel');
    const form = h(
      'form',
      { class: 'rp-report' },
      h('h2', { id: titleId }, `Report the comment by ${uname}`),
      h(
        'fieldset',
        null,
        h('legend', null, 'Why?'),
        REPORT_REASONS.map((label, reason) =>
          h('label', null, h('input', { type: 'radio', name, value: reason, required: true }), label),
        ),
      ),
      h(
        'label',
        { for: otherId, class: 'rp-other-label' },
        'For “other”: what is wrong (2 to 200 characters)',
      ),
      other,
      error,
      h('div', { class: 'actions' }, cancel, submit),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    form.addEventListener('change', () => {
      other.disabled = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value !== '0';
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => dialog.remove());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`);
      if (!chosen) {
        error.textContent = 'Choose a reason.';
        return;
      }
      const reason = Number(chosen.value);
      submit.disabled = true;
      bili()
        .reply.report({
          ...this.area,
          rpid: item.rpid,
          reason,
          ...(reason === 0 ? { content: other.value } : {}),
        })
        .then((body) => {
          check(body);
          dialog.close();
          this.status.textContent = '';
          this.announce('Thanks: the comment was reported.');
        })
        .catch((e: unknown) => {
          submit.disabled = false;
          error.textContent = errorText(e);
        });
    });
    this.host.append(dialog);
    dialog.showModal();
  }

  /** A polite, non-error announcement in the status line. */
  private announce(text: string): void {
    const note = h('p', { class: 'rp-notice', role: 'status' }, text);
    this.status.after(note);
    setTimeout(() => note.remove(), 6000);
  }

  // --- writing -------------------------------------------------------------------------------------

  private composer(
    target: { label: string; placeholder: string; root?: number; parent?: number },
    onPosted: (reply: ReplyItem) => void,
  ): HTMLElement {
    const textarea = h('textarea', { placeholder: target.placeholder, rows: 3, 'aria-label': target.label });
    const counter = h('span', { class: 'rp-counter', 'aria-live': 'off' }, `0/${MAX_MESSAGE_LENGTH}`);
    const error = h('p', { class: 'rp-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button primary' }, target.root ? 'Reply' : 'Post');
    const pickerId = uid('rp-picker');
    const emoteButton = h(
      'button',
      {
        type: 'button',
        class: 'button secondary small',
        'aria-expanded': 'false',
        'aria-controls': pickerId,
      },
      'Emotes',
    );
    const picker = h('div', {
      class: 'rp-picker',
      id: pickerId,
      hidden: true,
      role: 'group',
      'aria-label': 'Emotes',
    });
    const form = h(
      'form',
      { class: 'rp-composer' },
      avatar(this.user?.face, this.user?.uname ?? '?', 40),
      textarea,
      h('div', { class: 'rp-bar' }, emoteButton, counter, submit),
      picker,
      error,
    );
    const update = () => {
      const n = messageLength(textarea.value);
      counter.textContent = `${n}/${MAX_MESSAGE_LENGTH}`;
      if (n > MAX_MESSAGE_LENGTH) counter.dataset['over'] = '';
      else delete counter.dataset['over'];
    };
    textarea.addEventListener('input', update);
    const closePicker = (focus: boolean) => {
      picker.hidden = true;
      emoteButton.setAttribute('aria-expanded', 'false');
      if (focus) emoteButton.focus();
    };
    emoteButton.addEventListener('click', () => {
      if (!picker.hidden) return closePicker(false);
      picker.hidden = false;
      emoteButton.setAttribute('aria-expanded', 'true');
      if (!picker.firstChild) void this.fillPicker(picker, (text) => insertAtCursor(textarea, text, update));
      else picker.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
    });
    picker.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') closePicker(true);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const message = textarea.value.trim();
      if (!message) {
        error.textContent = 'Write something first.';
        textarea.focus();
        return;
      }
      if (messageLength(message) > MAX_MESSAGE_LENGTH) {
        error.textContent = errorText(new ApiError(12025, ''));
        textarea.focus();
        return;
      }
      submit.disabled = true;
      bili()
        .reply.add({
          ...this.area,
          message,
          plat: 1,
          ...(target.root ? { root: target.root, parent: target.parent ?? target.root } : {}),
        })
        .then((body) => {
          const data = unwrap(body);
          textarea.value = '';
          update();
          error.textContent = '';
          closePicker(false);
          if (data.reply) onPosted(data.reply);
        })
        .catch((e: unknown) => {
          error.textContent = errorText(e);
          textarea.focus();
        })
        .finally(() => (submit.disabled = false));
    });
    return form;
  }

  private async fillPicker(picker: HTMLElement, insert: (text: string) => void): Promise<void> {
    picker.textContent = 'Loading emotes…';
    try {
      this.emotes ??= bili()
        .emote.panel('reply')
        .then((body) => unwrap(body).packages);
      const packages = await this.emotes;
      if (packages.length === 0) {
        picker.textContent = 'No emotes available.';
        return;
      }
      const t = tabs(
        'Emote packages',
        packages.map((pkg) => ({ key: String(pkg.id), label: pkg.text, panel: emoteGrid(pkg, insert) })),
      );
      replace(picker, t.list, t.panels);
      picker.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
    } catch (error) {
      this.emotes = null;
      picker.textContent = errorText(error);
    }
  }
}

function emoteGrid(pkg: EmotePackageWire, insert: (text: string) => void): HTMLElement {
  const textual = pkg.type === 4;
  return h(
    'div',
    { class: textual ? 'rp-emote-grid rp-text' : 'rp-emote-grid' },
    pkg.emote.map((e) => {
      const src = textual ? null : localUrl(e.url);
      const locked = e.flags.no_access === true;
      const button = h(
        'button',
        {
          type: 'button',
          title: e.text,
          'aria-label': locked ? `${e.text} (not available to you)` : e.text,
          disabled: locked,
        },
        src ? h('img', { src, alt: '', loading: 'lazy' }) : e.text,
      );
      button.addEventListener('click', () => insert(e.text));
      return button;
    }),
  );
}

function insertAtCursor(textarea: HTMLTextAreaElement, text: string, after: () => void): void {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  textarea.setRangeText(text, start, end, 'end');
  textarea.focus();
  after();
}

/** The message as text nodes, with resolved emotes as images (local ones) and mentions highlighted. */
function renderMessage(item: ReplyItem): Node[] {
  const content = item.content;
  const emotes = content.emote ?? {};
  const members = content.members ?? [];
  return tokenizeMessage(
    content.message,
    Object.keys(emotes),
    members.map((m) => m.uname),
  ).map((token) => {
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

function pagerButtons(current: number, pages: number, go: (pn: number) => void): HTMLElement[] {
  const numbers = new Set([1, pages, current - 1, current, current + 1].filter((n) => n >= 1 && n <= pages));
  const sorted = [...numbers].sort((a, b) => a - b);
  const out: HTMLElement[] = [];
  const prev = h(
    'button',
    { type: 'button', class: 'button small secondary', disabled: current <= 1 },
    'Previous',
  );
  prev.addEventListener('click', () => go(current - 1));
  out.push(prev);
  let last = 0;
  for (const n of sorted) {
    if (n - last > 1) out.push(h('span', { 'aria-hidden': 'true' }, '…'));
    const b = h(
      'button',
      {
        type: 'button',
        class: 'button small secondary',
        'aria-current': n === current ? 'page' : undefined,
        'aria-label': `Page ${n}`,
      },
      String(n),
    );
    b.addEventListener('click', () => go(n));
    out.push(b);
    last = n;
  }
  const next = h(
    'button',
    { type: 'button', class: 'button small secondary', disabled: current >= pages },
    'Next',
  );
  next.addEventListener('click', () => go(current + 1));
  out.push(next);
  return out;
}

const ICONS = {
  like: 'M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z',
  hate: 'M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z',
} as const;

function icon(name: keyof typeof ICONS): SVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'rp-icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}
