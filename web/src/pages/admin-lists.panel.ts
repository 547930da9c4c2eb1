import { av2bv } from 'replay/client';
import type {
  AdminAuditEntry,
  AdminListedArchive,
  AdminListedArea,
  AdminListedReply,
  AdminListedUser,
} from 'replay/client';
import { admin, adminErrorText } from '../api.ts';
import { field, formatTime, h, statusLine } from '../dom.ts';
import { num } from './admin-kit.ts';
import { pagedList, searchForm, who } from './admin-lists.ts';
import type { MessageKey } from '../i18n/en.ts';
import { t } from '../i18n/index.ts';

const areaLink = (type: number, oid: number, title = ''): HTMLElement =>
  type === 1
    ? h('a', { href: `/video/${av2bv(oid)}` }, title || t('admin.videoAv', { oid }))
    : h('span', null, t('admin.areaRef', { type, oid }));

// --- users, archives, areas: browse and search ---

export function usersListSection(): HTMLElement {
  let q = '';
  const list = pagedList<AdminListedUser>({
    label: t('admin.users'),
    empty: t('admin.noUsers'),
    load: (cursor) =>
      admin().moderation.users({ limit: 20, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }),
    render: (u) =>
      h(
        'li',
        { class: 'list-item', 'data-mid': u.mid },
        who(u),
        ' ',
        h(
          'span',
          { class: 'muted' },
          t('admin.userMeta', { level: u.level, date: formatTime(u.created_at) }),
        ),
        u.banned ? h('span', { class: 'badge warn' }, t('admin.banned')) : null,
      ),
  });
  const section = h(
    'section',
    { class: 'card wide' },
    h('h2', null, t('admin.allUsers')),
    searchForm(t('admin.startsWith'), t('admin.usersHint'), (value) => {
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
    label: t('admin.archives'),
    empty: t('admin.noArchives'),
    load: (cursor) =>
      admin().moderation.archives({ limit: 20, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }),
    render: (a) =>
      h(
        'li',
        { class: 'list-item', 'data-aid': a.aid },
        h('a', { href: `/video/${a.bvid}` }, a.title),
        h('span', { class: 'muted' }, t('admin.archiveMeta', { aid: a.aid, date: formatTime(a.pubdate) })),
        who(a.owner),
      ),
  });
  const section = h(
    'section',
    { class: 'card wide' },
    h('h2', null, t('admin.allArchives')),
    searchForm(t('admin.titleContains'), t('admin.newestFirst'), (value) => {
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
    label: t('admin.areas'),
    empty: t('admin.noAreas'),
    load: (cursor) => admin().moderation.areas({ limit: 20, ...(cursor ? { cursor } : {}) }),
    render: (a) =>
      h(
        'li',
        { class: 'list-item', 'data-area': `${a.type}/${a.oid}` },
        areaLink(a.type, a.oid, a.title),
        h('span', { class: 'muted' }, t('admin.areaMeta', { n: a.all_count })),
        who(a.owner),
        a.closed ? h('span', { class: 'badge warn' }, t('admin.closed')) : null,
      ),
  });
  void list.reload();
  return h('section', { class: 'card wide' }, h('h2', null, t('admin.allAreas')), list.el);
}

// --- comments: find, select, act in bulk ---

export function commentsPanel(): HTMLElement {
  const author = h('input', { name: 'author', autocomplete: 'off', maxlength: 64 });
  const type = h('input', { name: 'type', type: 'number', min: 1, value: 1 });
  const oid = h('input', { name: 'oid', type: 'number', min: 1 });
  const state = h(
    'select',
    { name: 'state' },
    h('option', { value: 'all' }, t('admin.stateAny')),
    h('option', { value: 'visible' }, t('admin.stateVisible')),
    h('option', { value: 'deleted' }, t('admin.stateDeleted')),
  );
  const filterStatus = statusLine();
  const selected = new Map<number, { item: HTMLElement; box: HTMLInputElement }>();
  let filters: { mid?: number; type?: number; oid?: number; state: 'visible' | 'deleted' | 'all' } = {
    state: 'all',
  };

  const render = (r: AdminListedReply): HTMLElement => {
    const box = h('input', { type: 'checkbox', 'aria-label': t('admin.selectComment', { rpid: r.rpid }) });
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
          r.root
            ? t('admin.replyLine', { rpid: r.rpid, root: r.root, n: r.like })
            : t('admin.commentLine', { rpid: r.rpid, n: r.like }),
          r.deleted ? h('span', { class: 'badge' }, t('admin.deletedBadge')) : null,
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
    label: t('admin.commentsList'),
    empty: t('admin.noComments'),
    load: (cursor) =>
      admin().moderation.replies({
        limit: 30,
        ...filters,
        ...(cursor ? { cursor } : {}),
      }),
    render,
  });

  const count = h('span', { class: 'muted' }, t('admin.noneSelected'));
  const remove = h('button', { type: 'button', class: 'button danger small' }, t('admin.deleteSelected'));
  const ban = h('button', { type: 'button', class: 'button secondary small' }, t('admin.banAuthors'));
  const bulkStatus = statusLine();
  const updateBar = () => {
    count.textContent = selected.size ? t('admin.nSelected', { n: selected.size }) : t('admin.noneSelected');
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
            if (result)
              result.textContent = ` ${action === 'delete' ? t('admin.didDelete') : t('admin.didBan')}`;
          } else if (result)
            result.textContent = ` ${t('admin.notDone', { message: r.message, code: r.code })}`;
          entry.box.checked = false;
          selected.delete(r.rpid);
        }
        bulkStatus.set(
          t(action === 'delete' ? 'admin.bulkDeleted' : 'admin.bulkBanned', { ok, n: results.length }),
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
    { 'aria-label': t('admin.filterComments'), class: 'filters' },
    h(
      'div',
      { class: 'form-row' },
      field(t('admin.authorField'), author),
      field(t('admin.areaType'), type),
      field(t('admin.areaOid'), oid, t('admin.everyArea')),
      field(t('admin.state'), state),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, t('admin.showComments')),
    ),
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
            filterStatus.set(t('admin.noSuchName', { name }), 'error');
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
    h('h2', { id: 'comments-title' }, t('comments.heading')),
    form,
    h(
      'div',
      { class: 'bulk-bar', role: 'group', 'aria-label': t('admin.selectedComments') },
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

const ACTION_LABEL: Record<string, Extract<MessageKey, `audit.${string}`>> = {
  'reply.delete': 'audit.reply.delete',
  'report.dismiss': 'audit.report.dismiss',
  'report.delete': 'audit.report.delete',
  'user.ban': 'audit.user.ban',
  'user.unban': 'audit.user.unban',
  'area.close': 'audit.area.close',
  'area.open': 'audit.area.open',
};

function actionLabel(action: string): string {
  const key = ACTION_LABEL[action];
  return key ? t(key) : action;
}

export function auditPanel(): HTMLElement {
  const list = pagedList<AdminAuditEntry>({
    label: t('admin.auditList'),
    empty: t('admin.noAudit'),
    load: (cursor) => admin().moderation.auditLog({ limit: 30, ...(cursor ? { cursor } : {}) }),
    render: (e) =>
      h(
        'li',
        {
          class: 'list-item audit-entry',
          'data-action': e.action,
          'data-target': `${e.target_type}:${e.target_id}`,
        },
        h('strong', null, actionLabel(e.action)),
        ` ${e.target_type} ${e.target_id}`,
        h('span', { class: 'muted' }, t('admin.auditBy', { date: formatTime(e.at), actor: e.actor })),
        Object.keys(e.detail).length ? h('code', { class: 'audit-detail' }, JSON.stringify(e.detail)) : null,
      ),
  });
  const panel = h(
    'section',
    { class: 'card', 'aria-labelledby': 'audit-title' },
    h('h2', { id: 'audit-title' }, t('admin.audit')),
    h('p', { class: 'muted' }, t('admin.auditIntro')),
    list.el,
  );
  panel.addEventListener('panel-shown', () => void list.reload());
  return panel;
}
