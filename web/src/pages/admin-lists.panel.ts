import type {
  AdminAuditEntry,
  AdminListedArchive,
  AdminListedArea,
  AdminListedReply,
  AdminListedUser,
} from '../../../src/client/moderation-admin-api.ts';
import { av2bv } from '../../../src/client/bvid.ts';
import { admin, adminErrorText } from '../api.ts';
import { field, formatTime, h, statusLine } from '../dom.ts';
import { num } from './admin-kit.ts';
import { pagedList, searchForm, who } from './admin-lists.ts';

const areaLink = (type: number, oid: number, title = ''): HTMLElement =>
  type === 1
    ? h('a', { href: `/video/${av2bv(oid)}` }, title || `video av${oid}`)
    : h('span', null, `area ${type}/${oid}`);

// --- users, archives, areas: browse and search ---

export function usersListSection(): HTMLElement {
  let q = '';
  const list = pagedList<AdminListedUser>({
    label: 'Users',
    empty: 'No users match.',
    load: (cursor) =>
      admin().moderation.users({ limit: 20, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }),
    render: (u) =>
      h(
        'li',
        { class: 'list-item', 'data-mid': u.mid },
        who(u),
        ' ',
        h('span', { class: 'muted' }, `level ${u.level} · joined ${formatTime(u.created_at)}`),
        u.banned ? h('span', { class: 'badge warn' }, 'banned') : null,
      ),
  });
  const section = h(
    'section',
    { class: 'card wide' },
    h('h2', null, 'All users'),
    searchForm('Starts with', 'Newest first; a search lists names in order.', (value) => {
      q = value;
      void list.reload();
    }),
    list.el,
  );
  void list.reload();
  return section;
}

export function archivesListSection(): HTMLElement {
  let q = '';
  const list = pagedList<AdminListedArchive>({
    label: 'Archives',
    empty: 'No archives match.',
    load: (cursor) =>
      admin().moderation.archives({ limit: 20, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }),
    render: (a) =>
      h(
        'li',
        { class: 'list-item', 'data-aid': a.aid },
        h('a', { href: `/video/${a.bvid}` }, a.title),
        h('span', { class: 'muted' }, ` av${a.aid} · ${formatTime(a.pubdate)} · by `),
        who(a.owner),
      ),
  });
  const section = h(
    'section',
    { class: 'card wide' },
    h('h2', null, 'All archives'),
    searchForm('Title contains', 'Newest first.', (value) => {
      q = value;
      void list.reload();
    }),
    list.el,
  );
  void list.reload();
  return section;
}

export function areasListSection(): HTMLElement {
  const list = pagedList<AdminListedArea>({
    label: 'Comment areas',
    empty: 'No comment areas yet.',
    load: (cursor) => admin().moderation.areas({ limit: 20, ...(cursor ? { cursor } : {}) }),
    render: (a) =>
      h(
        'li',
        { class: 'list-item', 'data-area': `${a.type}/${a.oid}` },
        areaLink(a.type, a.oid, a.title),
        h('span', { class: 'muted' }, ` ${a.all_count} comments · owner `),
        who(a.owner),
        a.closed ? h('span', { class: 'badge warn' }, 'closed') : null,
      ),
  });
  void list.reload();
  return h('section', { class: 'card wide' }, h('h2', null, 'All comment areas'), list.el);
}

// --- comments: find, select, act in bulk ---

export function commentsPanel(): HTMLElement {
  const author = h('input', { name: 'author', autocomplete: 'off', maxlength: 64 });
  const type = h('input', { name: 'type', type: 'number', min: 1, value: 1 });
  const oid = h('input', { name: 'oid', type: 'number', min: 1 });
  const state = h(
    'select',
    { name: 'state' },
    h('option', { value: 'all' }, 'Any'),
    h('option', { value: 'visible' }, 'Visible'),
    h('option', { value: 'deleted' }, 'Deleted'),
  );
  const filterStatus = statusLine();
  const selected = new Map<number, { item: HTMLElement; box: HTMLInputElement }>();
  let filters: { mid?: number; type?: number; oid?: number; state: 'visible' | 'deleted' | 'all' } = {
    state: 'all',
  };

  const render = (r: AdminListedReply): HTMLElement => {
    const box = h('input', { type: 'checkbox', 'aria-label': `Select comment ${r.rpid}` });
    const result = h('span', { class: 'item-result', role: 'status' });
    const item = h(
      'li',
      { class: r.deleted ? 'list-item comment-row deleted' : 'list-item comment-row', 'data-rpid': r.rpid },
      h('label', { class: 'select-box' }, box),
      h(
        'div',
        { class: 'comment-body' },
        h(
          'p',
          null,
          who(r.author),
          h('span', { class: 'muted' }, ` · ${formatTime(r.ctime)} · `),
          areaLink(r.type, r.oid),
        ),
        h('blockquote', { class: 'reported-message' }, r.message),
        h(
          'p',
          { class: 'muted small' },
          `Comment ${r.rpid}${r.root ? ` (reply under ${r.root})` : ''} · ${r.like} likes `,
          r.deleted ? h('span', { class: 'badge' }, 'deleted') : null,
          result,
        ),
      ),
    );
    box.disabled = r.deleted;
    box.addEventListener('change', () => {
      if (box.checked) selected.set(r.rpid, { item, box });
      else selected.delete(r.rpid);
      updateBar();
    });
    return item;
  };

  const list = pagedList<AdminListedReply>({
    label: 'Comments, newest first',
    empty: 'No comments match.',
    load: (cursor) =>
      admin().moderation.replies({
        limit: 30,
        ...filters,
        ...(cursor ? { cursor } : {}),
      }),
    render,
  });

  const count = h('span', { class: 'muted' }, 'None selected');
  const remove = h('button', { type: 'button', class: 'button danger small' }, 'Delete selected');
  const ban = h('button', { type: 'button', class: 'button secondary small' }, 'Ban their authors');
  const bulkStatus = statusLine();
  const updateBar = () => {
    count.textContent = selected.size ? `${selected.size} selected` : 'None selected';
    remove.disabled = ban.disabled = selected.size === 0;
  };
  const bulk = (action: 'delete' | 'ban_author') => {
    const rpids = [...selected.keys()];
    remove.disabled = ban.disabled = true;
    admin()
      .moderation.bulkReplies(rpids, action)
      .then(({ results }) => {
        let ok = 0;
        for (const r of results) {
          const entry = selected.get(r.rpid);
          if (!entry) continue;
          const result = entry.item.querySelector('.item-result');
          if (r.ok) {
            ok++;
            if (action === 'delete') {
              entry.item.classList.add('deleted');
              entry.box.disabled = true;
            }
            if (result) result.textContent = action === 'delete' ? ' Deleted.' : ' Author banned.';
          } else if (result) result.textContent = ` Not done: ${r.message} (${r.code}).`;
          entry.box.checked = false;
          selected.delete(r.rpid);
        }
        const verb = action === 'delete' ? 'Deleted' : 'Banned the authors of';
        bulkStatus.set(
          `${verb} ${ok} of ${results.length} comment(s).`,
          ok === results.length ? 'ok' : 'error',
        );
      })
      .catch((error: unknown) => bulkStatus.set(adminErrorText(error), 'error'))
      .finally(updateBar);
  };
  remove.addEventListener('click', () => bulk('delete'));
  ban.addEventListener('click', () => bulk('ban_author'));
  updateBar();

  const form = h(
    'form',
    { 'aria-label': 'Filter comments', class: 'filters' },
    h(
      'div',
      { class: 'form-row' },
      field('Author (name or mid)', author),
      field('Area type', type),
      field('Area oid', oid, 'Empty: every area.'),
      field('State', state),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Show comments')),
    filterStatus.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const next: typeof filters = { state: state.value as typeof filters.state };
      const name = author.value.trim();
      if (name) {
        if (/^\d+$/.test(name)) next.mid = Number(name);
        else {
          const found = (await admin().moderation.users({ q: name, limit: 1 })).items[0];
          if (!found || found.uname !== name) {
            filterStatus.set(`No user is named “${name}”.`, 'error');
            return;
          }
          next.mid = found.mid;
        }
      }
      if (num(oid) !== undefined) {
        next.type = num(type) ?? 1;
        next.oid = num(oid);
      }
      filters = next;
      filterStatus.set('');
      selected.clear();
      updateBar();
      await list.reload();
    })().catch((error: unknown) => filterStatus.set(adminErrorText(error), 'error'));
  });

  const panel = h(
    'section',
    { class: 'card', 'aria-labelledby': 'comments-title' },
    h('h2', { id: 'comments-title' }, 'Comments'),
    form,
    h(
      'div',
      { class: 'bulk-bar', role: 'group', 'aria-label': 'Selected comments' },
      count,
      remove,
      ban,
      bulkStatus.el,
    ),
    list.el,
  );
  panel.addEventListener('panel-shown', () => void list.reload());
  return panel;
}

// --- audit log ---

const ACTION_LABEL: Record<string, string> = {
  'reply.delete': 'Deleted a comment',
  'report.dismiss': 'Dismissed reports',
  'report.delete': 'Deleted a reported comment',
  'user.ban': 'Banned a user',
  'user.unban': 'Unbanned a user',
  'area.close': 'Closed an area',
  'area.open': 'Opened an area',
};

export function auditPanel(): HTMLElement {
  const list = pagedList<AdminAuditEntry>({
    label: 'Moderator actions, newest first',
    empty: 'No moderator action yet.',
    load: (cursor) => admin().moderation.auditLog({ limit: 30, ...(cursor ? { cursor } : {}) }),
    render: (e) =>
      h(
        'li',
        {
          class: 'list-item audit-entry',
          'data-action': e.action,
          'data-target': `${e.target_type}:${e.target_id}`,
        },
        h('strong', null, ACTION_LABEL[e.action] ?? e.action),
        ` ${e.target_type} ${e.target_id}`,
        h('span', { class: 'muted' }, ` · ${formatTime(e.at)} · by ${e.actor}`),
        Object.keys(e.detail).length ? h('code', { class: 'audit-detail' }, JSON.stringify(e.detail)) : null,
      ),
  });
  const panel = h(
    'section',
    { class: 'card', 'aria-labelledby': 'audit-title' },
    h('h2', { id: 'audit-title' }, 'Audit log'),
    h('p', { class: 'muted' }, 'Every moderator action, written together with the action itself.'),
    list.el,
  );
  panel.addEventListener('panel-shown', () => void list.reload());
  return panel;
}
