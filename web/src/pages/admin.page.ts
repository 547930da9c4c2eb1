import type { AdminArchive, AdminArea, AdminUser } from '../../../src/client/admin-client.ts';
import { AdminApiError } from '../../../src/client/admin-client.ts';
import { admin, adminErrorText, adminToken, setAdminToken } from '../api.ts';
import { field, formatDuration, formatTime, h, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { tabs } from '../tabs.ts';
import { actionForm, num, row } from './admin-kit.ts';
import { reportsPanel } from './admin-reports.panel.ts';
import {
  archivesListSection,
  areasListSection,
  auditPanel,
  commentsPanel,
  usersListSection,
} from './admin-lists.panel.ts';
import { emotePackagesPanel, sensitiveWordsPanel } from './admin-moderation.panel.ts';

/** The operator console: everything goes through the admin API with the token typed in here. */
export async function renderAdminPage(main: HTMLElement): Promise<void> {
  setTitle('Admin');
  const token = adminToken();
  if (!token || !(await tokenWorks())) return tokenGate(main, token !== null);

  const forget = h('button', { type: 'button', class: 'button ghost' }, 'Forget the admin token');
  forget.addEventListener('click', () => {
    setAdminToken(null);
    location.reload();
  });
  const sections = [
    { key: 'users', label: 'Users', panel: usersPanel() },
    { key: 'archives', label: 'Archives', panel: archivesPanel() },
    { key: 'areas', label: 'Comment areas', panel: areasPanel() },
    { key: 'comments', label: 'Comments', panel: commentsPanel() },
    { key: 'reports', label: 'Reports', panel: reportsPanel() },
    { key: 'audit', label: 'Audit log', panel: auditPanel() },
    { key: 'words', label: 'Sensitive words', panel: sensitiveWordsPanel() },
    { key: 'emotes', label: 'Emote packages', panel: emotePackagesPanel() },
  ];
  const initial = sections.some((s) => s.key === location.hash.slice(1)) ? location.hash.slice(1) : 'users';
  const t = tabs(
    'Admin sections',
    sections,
    (key) => {
      history.replaceState(null, '', `#${key}`);
      sections.find((s) => s.key === key)?.panel.dispatchEvent(new Event('panel-shown'));
    },
    initial,
  );
  replace(main, h('div', { class: 'toolbar' }, h('h1', null, 'Admin console'), forget), t.list, t.panels);
  sections.find((s) => s.key === initial)?.panel.dispatchEvent(new Event('panel-shown'));
}

async function tokenWorks(): Promise<boolean> {
  try {
    await admin().sensitiveWords.list({ limit: 1 });
    return true;
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 401) return false;
    throw error;
  }
}

function tokenGate(main: HTMLElement, rejected: boolean): void {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true });
  const status = statusLine();
  if (rejected) status.set('The admin token was not accepted.', 'error');
  const form = h(
    'form',
    { class: 'card signin' },
    h('h1', null, 'Admin console'),
    h(
      'p',
      { class: 'muted' },
      'Enter the admin API token (REPLAY_ADMIN_TOKEN; printed at start when generated).',
    ),
    field('Admin token', input, 'Kept in this tab only (session storage).'),
    h('button', { type: 'submit', class: 'button primary' }, 'Open the console'),
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setAdminToken(input.value.trim());
    tokenWorks().then(
      (works) => {
        if (works) location.reload();
        else {
          setAdminToken(null);
          status.set('The admin token was not accepted.', 'error');
          input.select();
        }
      },
      (error: unknown) => status.set(adminErrorText(error), 'error'),
    );
  });
  replace(main, form);
  input.focus();
}

// --- users ---

function usersPanel(): HTMLElement {
  const uname = h('input', { name: 'uname', required: true, maxlength: 64, autocomplete: 'off' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const level = h('input', { name: 'level', type: 'number', min: 0, max: 6, value: 1 });
  const vip = h(
    'select',
    { name: 'vip_type' },
    h('option', { value: '0' }, 'None'),
    h('option', { value: '1' }, 'Monthly'),
    h('option', { value: '2' }, 'Annual'),
  );
  const shown = h('div', { 'aria-live': 'polite' });
  const create = actionForm(
    'Create a user',
    [
      h(
        'div',
        { class: 'form-row' },
        field('Name', uname),
        field('Password', password, 'Optional: without one the user cannot sign in.'),
      ),
      h('div', { class: 'form-row' }, field('Level (0–6)', level), field('VIP', vip)),
    ],
    'Create user',
    async (status) => {
      const user = await admin().createUser({
        uname: uname.value.trim(),
        ...(password.value ? { password: password.value } : {}),
        level: num(level) ?? 1,
        vip_type: Number(vip.value),
        ...(vip.value !== '0' ? { vip_due_date: Date.now() + 365 * 86400_000 } : {}),
      });
      status.set(`Created “${user.uname}” with mid ${user.mid}.`, 'ok');
      create.form.reset();
      replace(shown, userCard(user));
    },
  );

  const mid = h('input', { name: 'mid', type: 'number', min: 1, required: true });
  const find = actionForm('Find a user', [field('User id (mid)', mid)], 'Find', async (status) => {
    const user = await admin().getUser(num(mid) ?? 0);
    status.set('');
    replace(shown, userCard(user));
  });

  return h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, 'Create a user'), create.form),
    h('section', { class: 'card' }, h('h2', null, 'Find a user'), find.form, shown),
    usersListSection(),
  );
}

function userCard(user: AdminUser): HTMLElement {
  const status = statusLine();
  const ban = h('button', { type: 'button', class: user.banned ? 'button secondary' : 'button danger' });
  const card = h('div', { class: 'user-card', 'data-mid': user.mid });
  const render = (u: AdminUser) => {
    ban.textContent = u.banned ? `Unban ${u.uname}` : `Ban ${u.uname}`;
    ban.className = u.banned ? 'button secondary' : 'button danger';
    replace(
      card,
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, `User ${u.uname}`),
        h(
          'tbody',
          null,
          row('mid', String(u.mid)),
          row('Name', u.uname),
          row('Level', String(u.level)),
          row('VIP', ['none', 'monthly', 'annual'][u.vip_type] ?? String(u.vip_type)),
          row('Password', u.has_password ? 'set' : 'none'),
          row('Created', formatTime(u.created_at)),
          row('State', u.banned ? h('span', { class: 'badge warn' }, 'banned') : 'active'),
        ),
      ),
      h('div', { class: 'actions' }, ban),
      status.el,
    );
  };
  let current = user;
  ban.addEventListener('click', () => {
    ban.disabled = true;
    admin()
      .updateUser(current.mid, { banned: !current.banned })
      .then((u) => {
        current = u;
        render(u);
        status.set(u.banned ? `${u.uname} is banned.` : `${u.uname} is no longer banned.`, 'ok');
        ban.focus();
      })
      .catch((error: unknown) => status.set(adminErrorText(error), 'error'))
      .finally(() => (ban.disabled = false));
  });
  render(user);
  return card;
}

// --- archives ---

function archivesPanel(): HTMLElement {
  const title = h('input', { name: 'title', required: true, maxlength: 200 });
  const owner = h('input', { name: 'owner_mid', type: 'number', min: 1, required: true });
  const aid = h('input', { name: 'aid', type: 'number', min: 1 });
  const desc = h('textarea', { name: 'desc', rows: 2 });
  const partsBox = h('div', null);
  const addPart = h('button', { type: 'button', class: 'button secondary small' }, 'Add a part');
  const parts: { row: HTMLElement; part: HTMLInputElement; duration: HTMLInputElement }[] = [];
  const renumber = () =>
    parts.forEach((p, i) => {
      p.part.previousElementSibling!.textContent = `Part ${i + 1} title`;
      p.duration.previousElementSibling!.textContent = `Part ${i + 1} length (s)`;
    });
  const newPart = () => {
    const part = h('input', { name: 'part', required: true, maxlength: 200 });
    const duration = h('input', { name: 'duration', type: 'number', min: 1, value: 24, required: true });
    const remove = h(
      'button',
      { type: 'button', class: 'button ghost small', 'aria-label': 'Remove this part' },
      'Remove',
    );
    const entry = {
      row: h('div', { class: 'form-row' }, field('Part title', part), field('Length (s)', duration), remove),
      part,
      duration,
    };
    remove.addEventListener('click', () => {
      if (parts.length === 1) return;
      parts.splice(parts.indexOf(entry), 1);
      entry.row.remove();
      renumber();
      addPart.focus();
    });
    parts.push(entry);
    partsBox.append(entry.row);
    renumber();
    return entry;
  };
  addPart.addEventListener('click', () => newPart().part.focus());
  newPart();

  const shown = h('div', { 'aria-live': 'polite' });
  const create = actionForm(
    'Create an archive',
    [
      field('Title', title),
      h(
        'div',
        { class: 'form-row' },
        field('Uploader (mid)', owner),
        field('aid', aid, 'Optional; assigned when empty.'),
      ),
      field('Description', desc),
      h('fieldset', { class: 'parts-editor' }, h('legend', null, 'Parts'), partsBox, addPart),
    ],
    'Create archive',
    async (status) => {
      const archive = await admin().createArchive({
        title: title.value.trim(),
        owner_mid: num(owner) ?? 0,
        ...(num(aid) !== undefined ? { aid: num(aid) } : {}),
        desc: desc.value,
        pages: parts.map((p) => ({ part: p.part.value.trim(), duration: num(p.duration) ?? 0 })),
      });
      status.set(`Created av${archive.aid} (${archive.bvid}).`, 'ok');
      replace(shown, archiveCard(archive));
    },
  );

  const findAid = h('input', { name: 'aid', type: 'number', min: 1, required: true });
  const find = actionForm('Find an archive', [field('aid', findAid)], 'Find', async (status) => {
    const archive = await admin().getArchive(num(findAid) ?? 0);
    status.set('');
    replace(shown, archiveCard(archive));
  });

  return h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, 'Create an archive'), create.form),
    h('section', { class: 'card' }, h('h2', null, 'Find an archive'), find.form, shown),
    archivesListSection(),
  );
}

function archiveCard(archive: AdminArchive): HTMLElement {
  const views = h('span', null, '…');
  admin()
    .history.archiveStats(archive.aid)
    .then((s) => (views.textContent = String(s.view)))
    .catch(() => (views.textContent = 'unknown'));
  return h(
    'div',
    { class: 'archive-card', 'data-aid': archive.aid },
    h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, archive.title),
      h(
        'tbody',
        null,
        row('Title', h('a', { href: `/video/${archive.bvid}` }, archive.title)),
        row('Ids', `av${archive.aid} · ${archive.bvid}`),
        row('Uploader', String(archive.owner_mid)),
        row('Views', views),
        row('Length', formatDuration(archive.duration)),
      ),
    ),
    h(
      'table',
      { class: 'table' },
      h('caption', null, 'Parts'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'P'),
          h('th', null, 'cid'),
          h('th', null, 'Title'),
          h('th', null, 'Length'),
        ),
      ),
      h(
        'tbody',
        null,
        archive.pages.map((p) =>
          h(
            'tr',
            null,
            h('td', null, String(p.page)),
            h('td', null, String(p.cid)),
            h('td', null, p.part),
            h('td', null, formatDuration(p.duration)),
          ),
        ),
      ),
    ),
  );
}

// --- areas ---

function areasPanel(): HTMLElement {
  const type = h('input', { name: 'type', type: 'number', min: 1, value: 1, required: true });
  const oid = h('input', { name: 'oid', type: 'number', min: 1, required: true });
  const shown = h('div', { 'aria-live': 'polite' });
  const find = actionForm(
    'Find a comment area',
    [h('div', { class: 'form-row' }, field('Type', type, '1 = video (oid is the aid)'), field('oid', oid))],
    'Find',
    async (status) => {
      const t = num(type) ?? 0;
      const o = num(oid) ?? 0;
      try {
        const area = await admin().getArea(t, o);
        status.set('');
        replace(shown, areaEditor(area));
      } catch (error) {
        if (error instanceof AdminApiError && error.status === 404) {
          status.set('No such area yet: set an owner below to create it.');
          replace(shown, areaEditor({ type: t, oid: o, owner_mid: 0, closed: false, created_at: 0 }));
          return;
        }
        throw error;
      }
    },
  );
  return h(
    'div',
    { class: 'admin-grid' },
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Comment areas'),
      h(
        'p',
        { class: 'muted' },
        'An area is where comments of one object live. Its owner may delete any comment in it and pin one.',
      ),
      find.form,
      shown,
    ),
    areasListSection(),
  );
}

function areaEditor(area: AdminArea): HTMLElement {
  const owner = h('input', {
    name: 'owner_mid',
    type: 'number',
    min: 1,
    required: true,
    value: area.owner_mid || '',
  });
  const state = h('p', null);
  const toggle = h('button', { type: 'button', class: 'button secondary' });
  let current = area;
  const render = () => {
    state.textContent = current.created_at
      ? `Area ${current.type}/${current.oid}: ${current.closed ? 'closed (no new comments, votes or reports)' : 'open'}.`
      : `Area ${current.type}/${current.oid}: not created yet.`;
    toggle.textContent = current.closed ? 'Open comments' : 'Close comments';
    toggle.hidden = !current.created_at;
  };
  const save = actionForm(
    'Set the area owner',
    [field('Owner (mid)', owner)],
    'Save owner',
    async (status) => {
      current = await admin().putArea(current.type, current.oid, {
        owner_mid: num(owner) ?? 0,
        closed: current.closed,
      });
      render();
      status.set('Saved.', 'ok');
    },
  );
  toggle.addEventListener('click', () => {
    toggle.disabled = true;
    admin()
      .putArea(current.type, current.oid, { owner_mid: current.owner_mid, closed: !current.closed })
      .then((a) => {
        current = a;
        render();
        save.status.set(a.closed ? 'Comments are closed.' : 'Comments are open.', 'ok');
        toggle.focus();
      })
      .catch((error: unknown) => save.status.set(adminErrorText(error), 'error'))
      .finally(() => (toggle.disabled = false));
  });
  render();
  return h(
    'div',
    { class: 'area-editor', 'data-area': `${area.type}/${area.oid}` },
    state,
    save.form,
    toggle,
  );
}
