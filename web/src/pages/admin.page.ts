import { AdminApiError } from 'replay/client';
import type { AdminArchive, AdminArea, AdminUser } from 'replay/client';
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
import { t } from '../i18n/index.ts';

/** The operator console: everything goes through the admin API with the token typed in here. */
export async function renderAdminPage(main: HTMLElement): Promise<void> {
  setTitle(t('admin.title'));
  const token = adminToken();
  if (!token || !(await tokenWorks())) return tokenGate(main, token !== null);

  const forget = h('button', { type: 'button', class: 'button ghost' }, t('admin.forget'));
  forget.addEventListener('click', () => {
    setAdminToken(null);
    location.reload();
  });
  const sections = [
    { key: 'users', label: t('admin.users'), panel: usersPanel() },
    { key: 'archives', label: t('admin.archives'), panel: archivesPanel() },
    { key: 'areas', label: t('admin.areas'), panel: areasPanel() },
    { key: 'comments', label: t('comments.heading'), panel: commentsPanel() },
    { key: 'reports', label: t('admin.reports'), panel: reportsPanel() },
    { key: 'audit', label: t('admin.audit'), panel: auditPanel() },
    { key: 'words', label: t('admin.words'), panel: sensitiveWordsPanel() },
    { key: 'emotes', label: t('emotes.packages'), panel: emotePackagesPanel() },
  ];
  const initial = sections.some((s) => s.key === location.hash.slice(1)) ? location.hash.slice(1) : 'users';
  const sectionTabs = tabs(
    t('admin.sections'),
    sections,
    (key) => {
      history.replaceState(null, '', `#${key}`);
      sections.find((s) => s.key === key)?.panel.dispatchEvent(new Event('panel-shown'));
    },
    initial,
  );
  replace(
    main,
    h('div', { class: 'toolbar' }, h('h1', null, t('admin.console')), forget),
    sectionTabs.list,
    sectionTabs.panels,
  );
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
  if (rejected) status.set(t('error.adminToken'), 'error');
  const form = h(
    'form',
    { class: 'card signin' },
    h('h1', null, t('admin.console')),
    h('p', { class: 'muted' }, t('admin.tokenIntro')),
    field(t('admin.token'), input, t('admin.tokenHint')),
    h('button', { type: 'submit', class: 'button primary' }, t('admin.openConsole')),
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
          status.set(t('error.adminToken'), 'error');
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
    h('option', { value: '0' }, t('admin.vipNone')),
    h('option', { value: '1' }, t('admin.vipMonthly')),
    h('option', { value: '2' }, t('admin.vipAnnual')),
  );
  const shown = h('div', { 'aria-live': 'polite' });
  const create = actionForm(
    t('admin.createUser'),
    [
      h(
        'div',
        { class: 'form-row' },
        field(t('common.name'), uname),
        field(t('common.password'), password, t('admin.passwordOptional')),
      ),
      h('div', { class: 'form-row' }, field(t('admin.levelRange'), level), field(t('admin.vip'), vip)),
    ],
    t('admin.createUserSubmit'),
    async (status) => {
      const user = await admin().createUser({
        uname: uname.value.trim(),
        ...(password.value ? { password: password.value } : {}),
        level: num(level) ?? 1,
        vip_type: Number(vip.value),
        ...(vip.value !== '0' ? { vip_due_date: Date.now() + 365 * 86400_000 } : {}),
      });
      status.set(t('admin.userCreated', { name: user.uname, mid: user.mid }), 'ok');
      create.form.reset();
      replace(shown, userCard(user));
    },
  );

  const mid = h('input', { name: 'mid', type: 'number', min: 1, required: true });
  const find = actionForm(
    t('admin.findUser'),
    [field(t('admin.userId'), mid)],
    t('common.find'),
    async (status) => {
      const user = await admin().getUser(num(mid) ?? 0);
      status.set('');
      replace(shown, userCard(user));
    },
  );

  return h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, t('admin.createUser')), create.form),
    h('section', { class: 'card' }, h('h2', null, t('admin.findUser')), find.form, shown),
    usersListSection(),
  );
}

function userCard(user: AdminUser): HTMLElement {
  const status = statusLine();
  const ban = h('button', { type: 'button', class: user.banned ? 'button secondary' : 'button danger' });
  const card = h('div', { class: 'user-card', 'data-mid': user.mid });
  const render = (u: AdminUser) => {
    ban.textContent = u.banned ? t('admin.unban', { name: u.uname }) : t('admin.ban', { name: u.uname });
    ban.className = u.banned ? 'button secondary' : 'button danger';
    replace(
      card,
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, t('admin.userCaption', { name: u.uname })),
        h(
          'tbody',
          null,
          row('mid', String(u.mid)),
          row(t('common.name'), u.uname),
          row(t('admin.level'), String(u.level)),
          row(
            t('admin.vip'),
            [t('admin.vipValueNone'), t('admin.vipValueMonthly'), t('admin.vipValueAnnual')][u.vip_type] ??
              String(u.vip_type),
          ),
          row(t('common.password'), u.has_password ? t('admin.passwordSet') : t('admin.passwordNone')),
          row(t('admin.created'), formatTime(u.created_at)),
          row(
            t('admin.state'),
            u.banned ? h('span', { class: 'badge warn' }, t('admin.banned')) : t('admin.active'),
          ),
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
        status.set(
          u.banned ? t('admin.isBanned', { name: u.uname }) : t('admin.notBanned', { name: u.uname }),
          'ok',
        );
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
  const addPart = h('button', { type: 'button', class: 'button secondary small' }, t('admin.addPart'));
  const parts: { row: HTMLElement; part: HTMLInputElement; duration: HTMLInputElement }[] = [];
  const renumber = () =>
    parts.forEach((p, i) => {
      p.part.previousElementSibling!.textContent = t('admin.partTitleN', { n: i + 1 });
      p.duration.previousElementSibling!.textContent = t('admin.partLengthN', { n: i + 1 });
    });
  const newPart = () => {
    const part = h('input', { name: 'part', required: true, maxlength: 200 });
    const duration = h('input', { name: 'duration', type: 'number', min: 1, value: 24, required: true });
    const remove = h(
      'button',
      { type: 'button', class: 'button ghost small', 'aria-label': t('admin.removePart') },
      t('common.remove'),
    );
    const entry = {
      row: h(
        'div',
        { class: 'form-row' },
        field(t('admin.partTitle'), part),
        field(t('admin.lengthS'), duration),
        remove,
      ),
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
    t('admin.createArchive'),
    [
      field(t('common.title'), title),
      h(
        'div',
        { class: 'form-row' },
        field(t('admin.uploaderMid'), owner),
        field('aid', aid, t('admin.aidHint')),
      ),
      field(t('admin.description'), desc),
      h('fieldset', { class: 'parts-editor' }, h('legend', null, t('admin.parts')), partsBox, addPart),
    ],
    t('admin.createArchiveSubmit'),
    async (status) => {
      const archive = await admin().createArchive({
        title: title.value.trim(),
        owner_mid: num(owner) ?? 0,
        ...(num(aid) !== undefined ? { aid: num(aid) } : {}),
        desc: desc.value,
        pages: parts.map((p) => ({ part: p.part.value.trim(), duration: num(p.duration) ?? 0 })),
      });
      status.set(t('admin.archiveCreated', { aid: archive.aid, bvid: archive.bvid }), 'ok');
      replace(shown, archiveCard(archive));
    },
  );

  const findAid = h('input', { name: 'aid', type: 'number', min: 1, required: true });
  const find = actionForm(
    t('admin.findArchive'),
    [field('aid', findAid)],
    t('common.find'),
    async (status) => {
      const archive = await admin().getArchive(num(findAid) ?? 0);
      status.set('');
      replace(shown, archiveCard(archive));
    },
  );

  return h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, t('admin.createArchive')), create.form),
    h('section', { class: 'card' }, h('h2', null, t('admin.findArchive')), find.form, shown),
    archivesListSection(),
  );
}

function archiveCard(archive: AdminArchive): HTMLElement {
  const views = h('span', null, '…');
  admin()
    .history.archiveStats(archive.aid)
    .then((s) => (views.textContent = String(s.view)))
    .catch(() => (views.textContent = t('admin.unknown')));
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
        row(t('common.title'), h('a', { href: `/video/${archive.bvid}` }, archive.title)),
        row(t('admin.ids'), `av${archive.aid} · ${archive.bvid}`),
        row(t('watch.uploader'), String(archive.owner_mid)),
        row(t('watch.views'), views),
        row(t('admin.length'), formatDuration(archive.duration)),
      ),
    ),
    h(
      'table',
      { class: 'table' },
      h('caption', null, t('admin.parts')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'P'),
          h('th', null, 'cid'),
          h('th', null, t('common.title')),
          h('th', null, t('admin.length')),
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
    t('admin.findArea'),
    [h('div', { class: 'form-row' }, field(t('admin.type'), type, t('admin.typeHint')), field('oid', oid))],
    t('common.find'),
    async (status) => {
      const areaType = num(type) ?? 0;
      const o = num(oid) ?? 0;
      try {
        const area = await admin().getArea(areaType, o);
        status.set('');
        replace(shown, areaEditor(area));
      } catch (error) {
        if (error instanceof AdminApiError && error.status === 404) {
          status.set(t('admin.noArea'));
          replace(shown, areaEditor({ type: areaType, oid: o, owner_mid: 0, closed: false, created_at: 0 }));
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
      h('h2', null, t('admin.areas')),
      h('p', { class: 'muted' }, t('admin.areasIntro')),
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
    const ref = `${current.type}/${current.oid}`;
    state.textContent = current.created_at
      ? t(current.closed ? 'admin.areaClosed' : 'admin.areaOpen', { area: ref })
      : t('admin.areaNew', { area: ref });
    toggle.textContent = current.closed ? t('admin.openComments') : t('admin.closeComments');
    toggle.hidden = !current.created_at;
  };
  const save = actionForm(
    t('admin.setOwner'),
    [field(t('admin.ownerMid'), owner)],
    t('admin.saveOwner'),
    async (status) => {
      current = await admin().putArea(current.type, current.oid, {
        owner_mid: num(owner) ?? 0,
        closed: current.closed,
      });
      render();
      status.set(t('common.saved'), 'ok');
    },
  );
  toggle.addEventListener('click', () => {
    toggle.disabled = true;
    admin()
      .putArea(current.type, current.oid, { owner_mid: current.owner_mid, closed: !current.closed })
      .then((a) => {
        current = a;
        render();
        save.status.set(a.closed ? t('admin.nowClosed') : t('admin.nowOpen'), 'ok');
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
