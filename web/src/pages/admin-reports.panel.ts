import { av2bv } from 'replay/client';
import type { AdminReportGroup } from 'replay/client';
import { admin, adminErrorText } from '../api.ts';
import { field, formatTime, h, statusLine } from '../dom.ts';
import { pagedList, who } from './admin-lists.ts';
import { reasonText } from './admin-reasons.ts';
import { t, tNodes } from '../i18n/index.ts';

type Resolve = 'dismiss' | 'delete';

interface Card {
  el: HTMLElement;
  box: HTMLInputElement;
  /** Marks the card done with the result text next to its controls (`deleted`: the comment went too). */
  done(text: string, kind: 'ok' | 'error', deleted?: boolean): void;
}

/**
 * The report queue, one card per reported comment with every report (reason in the console's language, reporter's name
 * and avatar). A comment already deleted by anyone is shown resolved, without a Delete button. Results show
 * in the card (or next to the bulk bar), not at the top of the page.
 */
export function reportsPanel(): HTMLElement {
  const filter = h(
    'select',
    { name: 'status' },
    h('option', { value: 'pending' }, t('admin.pending')),
    h('option', { value: 'all' }, t('admin.all')),
  );
  const cards = new Map<number, Card>();
  const selected = new Set<number>();

  const count = h('span', { class: 'muted' }, t('admin.noneSelected'));
  const dismissAll = h(
    'button',
    { type: 'button', class: 'button secondary small' },
    t('admin.dismissSelected'),
  );
  const deleteAll = h(
    'button',
    { type: 'button', class: 'button danger small' },
    t('admin.deleteSelectedComments'),
  );
  const banAll = h('button', { type: 'button', class: 'button secondary small' }, t('admin.banAuthors'));
  const bulkStatus = statusLine();
  const updateBar = () => {
    count.textContent = selected.size ? t('admin.nSelected', { n: selected.size }) : t('admin.noneSelected');
    dismissAll.disabled = deleteAll.disabled = banAll.disabled = selected.size === 0;
  };
  const select = (rpid: number, on: boolean) => {
    if (on) selected.add(rpid);
    else selected.delete(rpid);
    updateBar();
  };

  const list = pagedList<AdminReportGroup>({
    label: t('admin.reported'),
    empty: t('admin.noReports'),
    load: (cursor) =>
      admin().moderation.reportGroups({
        status: filter.value as 'pending' | 'all',
        limit: 30,
        ...(cursor ? { cursor } : {}),
      }),
    render: (group) => {
      const card = reportCard(group, select);
      cards.set(group.rpid, card);
      return card.el;
    },
  });
  const reload = () => {
    cards.clear();
    selected.clear();
    updateBar();
    void list.reload();
  };

  const bulk = (
    work: Promise<{ results: { rpid: number; ok: boolean; code: number; message: string }[] }>,
    did: string,
    deletes = false,
  ) => {
    dismissAll.disabled = deleteAll.disabled = banAll.disabled = true;
    work
      .then(({ results }) => {
        let ok = 0;
        for (const r of results) {
          const card = cards.get(r.rpid);
          if (r.ok) ok++;
          card?.done(
            r.ok ? t('admin.didSentence', { did }) : t('admin.notDone', { message: r.message, code: r.code }),
            r.ok ? 'ok' : 'error',
            r.ok && deletes,
          );
          selected.delete(r.rpid);
        }
        bulkStatus.set(
          t('admin.bulkDid', { did, ok, n: results.length }),
          ok === results.length ? 'ok' : 'error',
        );
      })
      .catch((error: unknown) => bulkStatus.set(adminErrorText(error), 'error'))
      .finally(updateBar);
  };
  dismissAll.addEventListener('click', () =>
    bulk(admin().moderation.bulkResolve([...selected], 'dismiss'), t('admin.didDismissReports')),
  );
  deleteAll.addEventListener('click', () =>
    bulk(admin().moderation.bulkResolve([...selected], 'delete'), t('admin.didDeleteComment'), true),
  );
  banAll.addEventListener('click', () =>
    bulk(admin().moderation.bulkReplies([...selected], 'ban_author'), t('admin.didBanAuthor')),
  );
  updateBar();

  const refresh = h('button', { type: 'button', class: 'button secondary small' }, t('common.refresh'));
  refresh.addEventListener('click', reload);
  filter.addEventListener('change', reload);

  const panel = h(
    'section',
    { class: 'card', 'aria-labelledby': 'reports-title' },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', { id: 'reports-title' }, t('admin.reported')),
      field(t('admin.show'), filter),
      refresh,
    ),
    h(
      'div',
      { class: 'bulk-bar', role: 'group', 'aria-label': t('admin.selectedReports') },
      count,
      dismissAll,
      deleteAll,
      banAll,
      bulkStatus.el,
    ),
    list.el,
  );
  panel.addEventListener('panel-shown', reload);
  return panel;
}

function reportCard(group: AdminReportGroup, select: (rpid: number, on: boolean) => void): Card {
  const reply = group.reply;
  const where =
    group.type === 1
      ? h('a', { href: `/video/${av2bv(group.oid)}` }, t('admin.videoAv', { oid: group.oid }))
      : h('span', null, t('admin.areaRef', { type: group.type, oid: group.oid }));
  const status = statusLine();
  const badge = h('span', { class: group.resolved ? 'badge' : 'badge warn' });
  const box = h('input', { type: 'checkbox', 'aria-label': t('admin.selectComment', { rpid: group.rpid }) });
  const actions = h('div', { class: 'actions' });
  const setBadge = (resolved: boolean, deleted: boolean) => {
    badge.textContent = !resolved
      ? t('admin.pending')
      : deleted
        ? t('admin.resolvedDeleted')
        : t('admin.resolved');
    badge.className = resolved ? 'badge' : 'badge warn';
  };
  setBadge(group.resolved, reply?.deleted ?? true);
  const el = h(
    'li',
    { class: group.resolved ? 'card report resolved' : 'card report', 'data-rpid': group.rpid },
    h(
      'div',
      { class: 'report-head' },
      h('label', { class: 'select-box' }, box),
      badge,
      h('span', { class: 'muted' }, t('admin.reportCounts', { n: group.count, open: group.pending })),
    ),
    h('blockquote', { class: 'reported-message' }, reply ? reply.message : t('admin.gone')),
    h(
      'p',
      { class: 'muted' },
      tNodes('admin.commentByOn', {
        rpid: String(group.rpid),
        author: reply ? who(reply.author) : t('admin.unknown'),
        where,
      }),
    ),
    h(
      'ul',
      { class: 'report-reasons' },
      group.reports.map((r) =>
        h(
          'li',
          null,
          h('strong', null, reasonText(r.reason)),
          r.content ? `: ${r.content}` : '',
          h('span', { class: 'muted' }, ` — `),
          who(r.reporter),
          h(
            'span',
            { class: 'muted' },
            ` · ${formatTime(r.created_at)}${r.status === 'pending' ? '' : ` · ${t(`admin.reportStatus.${r.status}`)}`}`,
          ),
        ),
      ),
    ),
    actions,
    status.el,
  );
  box.addEventListener('change', () => select(group.rpid, box.checked));
  const done = (text: string, kind: 'ok' | 'error', deletedNow = false) => {
    status.set(text, kind);
    if (kind === 'ok') {
      actions.replaceChildren();
      box.checked = false;
      box.disabled = true;
      el.classList.add('resolved');
      setBadge(true, deletedNow || (reply?.deleted ?? true));
    }
  };
  if (group.pending > 0) {
    const dismiss = h('button', { type: 'button', class: 'button secondary small' }, t('admin.dismiss'));
    actions.append(dismiss);
    // A comment already deleted (by anyone) has nothing left to delete: only its reports to close.
    const remove =
      reply && !reply.deleted
        ? h('button', { type: 'button', class: 'button danger small' }, t('admin.deleteComment'))
        : null;
    if (remove) actions.append(remove);
    const resolve = (action: Resolve) => {
      dismiss.disabled = true;
      if (remove) remove.disabled = true;
      admin()
        .moderation.resolve(group.rpid, action)
        .then((r) =>
          done(
            action === 'delete'
              ? t('admin.resolvedDelete', { rpid: group.rpid, n: r.resolved })
              : t('admin.resolvedDismiss', { rpid: group.rpid, n: r.resolved }),
            'ok',
            action === 'delete',
          ),
        )
        .catch((error: unknown) => {
          dismiss.disabled = false;
          if (remove) remove.disabled = false;
          status.set(adminErrorText(error), 'error');
        });
    };
    dismiss.addEventListener('click', () => resolve('dismiss'));
    remove?.addEventListener('click', () => resolve('delete'));
  } else box.disabled = true;
  return { el, box, done };
}
