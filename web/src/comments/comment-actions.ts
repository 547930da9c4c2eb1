import type { EmotePackageWire, ReplyItem } from 'replay/client';
import { ApiError, bili, check, errorText, me, unwrap } from '../api.ts';
import { confirmDialog } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { PAGE_SIZE, SUB_PAGE_SIZE, castVote, draftKey } from './comment-state.ts';
import type { CommentAction, CommentState, Sort } from './comment-state.ts';
import type { CommentStore } from './comment-store.ts';
import { Scope } from './tiny-store.ts';

export type CommentScope = Scope<CommentState, CommentAction>;

const SORT_PARAM: Record<Sort, 0 | 1> = { hot: 1, time: 0 };
const NOTICE_MS = 6000;

/**
 * Everything the section asks of the server: each method makes one Bilibili API call and dispatches what
 * came back, so the parts only render state and call these.
 */
export class CommentActions {
  private emotes: Promise<EmotePackageWire[]> | null = null;
  private notices = 0;
  private loads = 0;

  constructor(
    private readonly store: CommentStore,
    readonly area: { type: number; oid: number },
  ) {}

  scope(): CommentScope {
    return new Scope(this.store);
  }

  private get state(): CommentState {
    return this.store.get();
  }

  private fail(error: unknown): void {
    this.store.dispatch({ type: 'failed', error: errorText(error) });
  }

  /** Signs in the section and shows page 1, or the page that holds `focus` (a notice's link). */
  async start(focus = 0): Promise<void> {
    this.store.dispatch({ type: 'signed-in', user: await me() });
    if (focus > 0 && (await this.jump(focus))) return;
    await this.load(1);
  }

  /**
   * Shows the page of the time-ordered list that holds the comment (`/x/v2/reply/jump`, which puts a deep
   * reply into its root's preview) and marks it as the focus. False when the comment cannot be opened.
   */
  async jump(rpid: number): Promise<boolean> {
    const id = ++this.loads;
    this.store.dispatch({ type: 'loading' });
    try {
      const data = unwrap(await bili().msgfeed.jump({ ...this.area, rpid }));
      if (id !== this.loads) return true;
      this.store.dispatch({ type: 'sorted', sort: 'time' });
      this.store.dispatch({ type: 'loaded', pn: data.page.num, data });
      this.store.dispatch({ type: 'focused', rpid });
      return true;
    } catch (error) {
      // 12006 / 12022: gone or never here; the list is still worth showing, with a word about why.
      if (error instanceof ApiError && (error.code === 12006 || error.code === 12022)) {
        this.announce(t('comments.gone'));
      } else if (!(error instanceof ApiError && (error.code === -404 || error.code === 12009))) {
        this.fail(error);
      }
      return false;
    }
  }

  async load(pn: number): Promise<void> {
    const id = ++this.loads;
    this.store.dispatch({ type: 'loading' });
    try {
      const sort = SORT_PARAM[this.state.sort];
      const body = await bili().reply.list({ ...this.area, pn, ps: PAGE_SIZE, sort, nohot: 1 });
      // Only the answer to the latest request is shown (a quick Hot, Newest, Hot must end on Hot).
      if (id === this.loads) this.store.dispatch({ type: 'loaded', pn, data: unwrap(body) });
    } catch (error) {
      if (error instanceof ApiError && (error.code === -404 || error.code === 12009)) {
        this.store.dispatch({ type: 'missing' });
      } else {
        this.fail(error);
      }
    }
  }

  /** Re-sorts the one list (hot first by default, as on Bilibili). */
  sort(sort: Sort): void {
    if (this.state.sort === sort) return;
    this.store.dispatch({ type: 'sorted', sort });
    void this.load(1);
  }

  vote(rpid: number, kind: 'like' | 'hate'): void {
    const vote = this.state.votes[rpid];
    if (!vote || vote.busy) return;
    if (!this.state.user) {
      this.store.dispatch({ type: 'vote-failed', rpid, error: errorText(new ApiError(-101, '')) });
      return;
    }
    const params = { ...this.area, rpid, action: castVote(vote, kind).on ? 1 : 0 } as const;
    this.store.dispatch({ type: 'vote-sent', rpid });
    (kind === 'like' ? bili().reply.like(params) : bili().reply.hate(params))
      .then((body) => {
        check(body);
        this.store.dispatch({ type: 'voted', rpid, kind });
      })
      .catch((error: unknown) => this.store.dispatch({ type: 'vote-failed', rpid, error: errorText(error) }));
  }

  /** Posts a comment or a reply; rejects with the error for the composer to show. */
  async post(message: string, target: { root?: number; parent?: number }): Promise<void> {
    const { root, parent } = target;
    const body = await bili().reply.add({
      ...this.area,
      message,
      plat: 1,
      ...(root ? { root, parent: parent ?? root } : {}),
    });
    const data = unwrap(body);
    if (data.reply) this.store.dispatch({ type: 'posted', reply: data.reply });
    else this.store.dispatch({ type: 'draft', key: draftKey(root), text: '' });
  }

  /** After a confirmation; rejects with the error for the comment to show beside its button. */
  async remove(item: ReplyItem): Promise<void> {
    const whole = item.root === 0 && item.rcount > 0;
    const yes = await confirmDialog(
      t('comments.deleteTitle'),
      whole ? t('comments.deleteTextReplies') : t('comments.deleteText'),
      t('common.delete'),
    );
    if (!yes) return;
    check(await bili().reply.del({ ...this.area, rpid: item.rpid }));
    this.store.dispatch({ type: 'deleted', item });
    if (this.state.roots.length === 0) await this.load(Math.max(1, this.state.pn - 1));
  }

  /**
   * Pins or unpins a root; the list is read again, since the pinned comment moves to the top. An area has
   * one pin, and the server refuses a second (12029): the owner is asked whether to replace it, and on yes
   * the old one is unpinned first. Resolves false when the owner kept the old pin; rejects with the error
   * for the comment to show beside its button.
   */
  async pin(item: ReplyItem, on: boolean): Promise<boolean> {
    const top = (rpid: number, action: 0 | 1) =>
      bili()
        .reply.top({ ...this.area, rpid, action })
        .then(check);
    try {
      await top(item.rpid, on ? 1 : 0);
    } catch (error) {
      if (!(on && error instanceof ApiError && error.code === 12029)) throw error;
      const yes = await confirmDialog(
        t('comments.replacePinTitle'),
        t('comments.replacePinText'),
        t('comments.replacePinConfirm'),
      );
      if (!yes) return false;
      const current = this.state.pinned || (await this.currentPin());
      if (current) await top(current, 0);
      await top(item.rpid, 1);
    }
    await this.load(1);
    return true;
  }

  /** The pinned root as the server has it now (another tab may have pinned since this page loaded). */
  private async currentPin(): Promise<number> {
    const body = await bili().reply.list({ ...this.area, pn: 1, ps: 1, sort: 0, nohot: 1 });
    return unwrap(body).upper.top?.rpid ?? 0;
  }

  async loadReplies(root: number, pn: number): Promise<void> {
    try {
      const body = await bili().reply.replies({ ...this.area, root, pn, ps: SUB_PAGE_SIZE });
      this.store.dispatch({ type: 'replies-loaded', root, pn, data: unwrap(body) });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Rejects with the error for the dialog to show; the thanks is the reported comment's to show. */
  async report(rpid: number, reason: number, other: string): Promise<void> {
    const content = reason === 0 ? { content: other } : {};
    check(await bili().reply.report({ ...this.area, rpid, reason, ...content }));
  }

  /** A polite, non-error announcement that goes away after a while. */
  announce(text: string): void {
    const id = ++this.notices;
    this.store.dispatch({ type: 'noticed', text });
    setTimeout(() => {
      if (id === this.notices) this.store.dispatch({ type: 'noticed', text: '' });
    }, NOTICE_MS);
  }

  /** The emote panel, asked once per section (again after a failure). */
  emotePackages(): Promise<EmotePackageWire[]> {
    this.emotes ??= bili()
      .emote.panel('reply')
      .then((body) => unwrap(body).packages);
    this.emotes.catch(() => (this.emotes = null));
    return this.emotes;
  }
}
