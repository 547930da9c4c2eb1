import type { AdminReport, ReportStatus } from '../../../src/client/moderation-admin-api.ts';
import { av2bv } from '../../../src/client/bvid.ts';
import { admin, adminErrorText } from '../api.ts';
import { field, formatTime, h, statusLine } from '../dom.ts';

const STATUS_LABEL: Record<ReportStatus, string> = {
  pending: 'Pending',
  dismissed: 'Dismissed',
  deleted: 'Comment deleted',
};

/** The report queue: read what was reported and why, then dismiss the reports or delete the comment. */
export function reportsPanel(): HTMLElement {
  const filter = h(
    'select',
    { name: 'status' },
    h('option', { value: 'pending' }, 'Pending'),
    h('option', { value: 'dismissed' }, 'Dismissed'),
    h('option', { value: 'deleted' }, 'Comment deleted'),
    h('option', { value: 'all' }, 'All'),
  );
  const list = h('ol', { class: 'history-list', 'aria-label': 'Reports, newest first' });
  const status = statusLine();
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  let next: string | null = null;

  const load = async (reset: boolean) => {
    if (reset) {
      list.replaceChildren();
      next = null;
    }
    more.disabled = true;
    try {
      const page = await admin().moderation.reports({
        status: filter.value as ReportStatus | 'all',
        limit: 50,
        ...(next ? { before: next } : {}),
      });
      for (const item of page.items) list.append(reportCard(item, status, () => void load(true)));
      next = page.next;
      more.hidden = next === null;
      if (list.childElementCount === 0) list.append(h('li', { class: 'empty' }, 'No reports here.'));
    } catch (error) {
      status.set(adminErrorText(error), 'error');
    } finally {
      more.disabled = false;
    }
  };
  filter.addEventListener('change', () => void load(true));
  more.addEventListener('click', () => void load(false));

  const panel = h(
    'section',
    { class: 'card', 'aria-labelledby': 'reports-title' },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', { id: 'reports-title' }, 'Reported comments'),
      field('Show', filter),
    ),
    status.el,
    list,
    h('div', { class: 'actions' }, more),
  );
  panel.addEventListener('panel-shown', () => void load(true));
  return panel;
}

function reportCard(
  item: AdminReport,
  status: ReturnType<typeof statusLine>,
  reload: () => void,
): HTMLElement {
  const where =
    item.type === 1
      ? h('a', { href: `/video/${av2bv(item.oid)}` }, `video av${item.oid}`)
      : h('span', null, `area ${item.type}/${item.oid}`);
  const actions = h('div', { class: 'actions' });
  if (item.status === 'pending') {
    const dismiss = h('button', { type: 'button', class: 'button secondary small' }, 'Dismiss');
    const remove = h('button', { type: 'button', class: 'button danger small' }, 'Delete the comment');
    const resolve = (action: 'dismiss' | 'delete') => {
      dismiss.disabled = remove.disabled = true;
      admin()
        .moderation.resolve(item.rpid, action)
        .then((r) => {
          status.set(
            action === 'delete'
              ? `Comment ${item.rpid} deleted; ${r.resolved} report(s) closed.`
              : `Reports of comment ${item.rpid} dismissed (${r.resolved}).`,
            'ok',
          );
          reload();
        })
        .catch((error: unknown) => {
          dismiss.disabled = remove.disabled = false;
          status.set(adminErrorText(error), 'error');
        });
    };
    dismiss.addEventListener('click', () => resolve('dismiss'));
    remove.addEventListener('click', () => resolve('delete'));
    actions.append(dismiss, remove);
  }
  return h(
    'li',
    { class: 'card report', 'data-rpid': item.rpid },
    h(
      'p',
      null,
      h('span', { class: item.status === 'pending' ? 'badge warn' : 'badge' }, STATUS_LABEL[item.status]),
      ' ',
      h('strong', null, item.reason_text || `reason ${item.reason}`),
      item.content ? `: ${item.content}` : '',
    ),
    h('blockquote', { class: 'reported-message' }, item.reply ? item.reply.message : '(the comment is gone)'),
    h(
      'p',
      { class: 'muted' },
      `Comment ${item.rpid} by mid ${item.reply?.mid ?? '?'} on `,
      where,
      ` · reported by mid ${item.reporter_mid} at ${formatTime(item.created_at)}`,
    ),
    actions,
  );
}
