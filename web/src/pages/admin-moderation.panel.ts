import type { AdminEmotePackage } from 'replay/client';
import { admin, adminErrorText } from '../api.ts';
import { confirmDialog, field, h, localUrl, replace, statusLine } from '../dom.ts';
import { actionForm } from './admin-kit.ts';
import { t, tn } from '../i18n/index.ts';

/** The sensitive-word list: comments containing one are refused with 12016. */
export function sensitiveWordsPanel(): HTMLElement {
  const words = h('textarea', { name: 'words', rows: 3, required: true });
  const list = h('ul', { class: 'chips', 'aria-label': t('admin.words') });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const listStatus = statusLine();

  const load = async () => {
    try {
      const page = await admin().sensitiveWords.list({ limit: 500 });
      count.textContent = tn('admin.wordCount', page.total);
      replace(
        list,
        page.items.map((w) => {
          const remove = h(
            'button',
            {
              type: 'button',
              class: 'button ghost small',
              'aria-label': t('admin.removeWord', { word: w.word }),
            },
            '×',
          );
          remove.addEventListener('click', () => {
            remove.disabled = true;
            admin()
              .sensitiveWords.delete(w.id)
              .then(() => {
                listStatus.set(t('common.removedTitle', { title: w.word }), 'ok');
                return load();
              })
              .catch((error: unknown) => {
                remove.disabled = false;
                listStatus.set(adminErrorText(error), 'error');
              });
          });
          return h('li', null, h('span', null, w.word), remove);
        }),
      );
    } catch (error) {
      listStatus.set(adminErrorText(error), 'error');
    }
  };

  const add = actionForm(
    t('admin.addWords'),
    [field(t('admin.wordsField'), words, t('admin.wordsHint'))],
    t('admin.add'),
    async (status) => {
      const given = words.value
        .split('\n')
        .map((w) => w.trim())
        .filter((w) => w);
      if (given.length === 0) {
        status.set(t('admin.enterWord'), 'error');
        return;
      }
      const result = await admin().sensitiveWords.add(given);
      status.set(
        result.existing.length
          ? t('admin.wordsAddedSome', { n: result.added.length, existing: result.existing.length })
          : t('admin.wordsAdded', { n: result.added.length }),
        'ok',
      );
      words.value = '';
      await load();
    },
  );

  const panel = h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, t('admin.addWords')), add.form),
    h('section', { class: 'card' }, h('h2', null, t('admin.listedWords')), count, list, listStatus.el),
  );
  panel.addEventListener('panel-shown', () => void load());
  return panel;
}

/** Emote packages offered in the comment box's picker; built-in ones cannot be deleted. */
export function emotePackagesPanel(): HTMLElement {
  const list = h('div', { 'aria-live': 'polite' });
  const listStatus = statusLine();

  const load = async () => {
    try {
      const { items } = await admin().emotes.list();
      replace(
        list,
        items.length
          ? items.map((p) => packageCard(p, load, listStatus))
          : h('p', { class: 'muted' }, t('admin.noPackages')),
      );
    } catch (error) {
      listStatus.set(adminErrorText(error), 'error');
    }
  };

  const name = h('input', { name: 'text', required: true, maxlength: 32 });
  const type = h(
    'select',
    { name: 'type' },
    h('option', { value: '1' }, t('admin.kindFree')),
    h('option', { value: '2' }, t('admin.kindVip')),
    h('option', { value: '4' }, t('admin.kindKaomoji')),
  );
  const size = h(
    'select',
    { name: 'size' },
    h('option', { value: '1' }, t('admin.sizeSmall')),
    h('option', { value: '2' }, t('admin.sizeLarge')),
  );
  const rows = h('div', null);
  const emoteRows: { name: HTMLInputElement; image: HTMLInputElement; row: HTMLElement }[] = [];
  const addRow = () => {
    const emoteName = h('input', { name: 'emote', required: true, maxlength: 32 });
    const image = h('input', {
      name: 'image',
      type: 'file',
      accept: 'image/png,image/gif,image/jpeg,image/webp',
    });
    const entry = {
      name: emoteName,
      image,
      row: h(
        'div',
        { class: 'form-row' },
        field(t('admin.emoteName'), emoteName),
        field(t('admin.image'), image),
      ),
    };
    emoteRows.push(entry);
    rows.append(entry.row);
    return entry;
  };
  addRow();
  const more = h('button', { type: 'button', class: 'button secondary small' }, t('admin.addEmote'));
  more.addEventListener('click', () => addRow().name.focus());

  const create = actionForm(
    t('admin.createPackage'),
    [
      field(t('admin.packageName'), name, t('admin.packageHint')),
      h('div', { class: 'form-row' }, field(t('admin.kind'), type), field(t('admin.size'), size)),
      h('fieldset', { class: 'parts-editor' }, h('legend', null, t('comments.emotes')), rows, more),
    ],
    t('admin.createPackageSubmit'),
    async (status) => {
      const emotes = await Promise.all(
        emoteRows
          .filter((r) => r.name.value.trim())
          .map(async (r) => {
            const file = r.image.files?.[0];
            return {
              text: escapeText(name.value.trim(), r.name.value.trim(), type.value === '4'),
              ...(file ? { image: { data: await base64(file) } } : {}),
            };
          }),
      );
      const pkg = await admin().emotes.create({
        text: name.value.trim(),
        type: Number(type.value),
        size: Number(size.value),
        emotes,
      });
      status.set(t('admin.packageCreated', { name: pkg.text, n: pkg.emotes.length }), 'ok');
      create.form.reset();
      await load();
    },
  );

  const panel = h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, t('admin.createPackage')), create.form),
    // Below the list, where a deleted package was: the result of an action shows near its button.
    h('section', { class: 'card' }, h('h2', null, t('admin.packages')), list, listStatus.el),
  );
  panel.addEventListener('panel-shown', () => void load());
  return panel;
}

function packageCard(
  pkg: AdminEmotePackage,
  reload: () => Promise<void>,
  status: ReturnType<typeof statusLine>,
) {
  const remove = pkg.builtin
    ? h('span', { class: 'badge' }, t('admin.builtIn'))
    : h(
        'button',
        { type: 'button', class: 'button danger small' },
        t('admin.deleteNamed', { name: pkg.text }),
      );
  // A refusal stays in the card, beside the button; the success (the card gone) in the list's line.
  const own = statusLine();
  if (remove instanceof HTMLButtonElement) {
    remove.addEventListener('click', () => {
      void confirmDialog(
        t('admin.deleteNamedQ', { name: pkg.text }),
        t('admin.deletePackageText'),
        t('common.delete'),
      ).then(async (yes) => {
        if (!yes) return;
        try {
          await admin().emotes.delete(pkg.id);
          status.set(t('admin.deletedNamed', { name: pkg.text }), 'ok');
          await reload();
        } catch (error) {
          own.set(adminErrorText(error), 'error');
        }
      });
    });
  }
  return h(
    'div',
    { class: 'package', 'data-package': pkg.id },
    h('h3', null, pkg.text, ' ', h('span', { class: 'muted' }, t('admin.nEmotes', { n: pkg.emotes.length }))),
    h(
      'ul',
      { class: 'chips' },
      pkg.emotes.slice(0, 24).map((e) => {
        const src = localUrl(e.url);
        return h(
          'li',
          null,
          src && pkg.type !== 4 ? h('img', { src, alt: '', width: 20, height: 20 }) : null,
          e.text,
        );
      }),
    ),
    remove,
    own.el,
  );
}

/** Package emotes are written `[package_name]` (CONTRACT.md §5.1); a kaomoji is its own text. */
function escapeText(pkg: string, name: string, kaomoji: boolean): string {
  if (kaomoji || /^\[.*\]$/.test(name)) return name;
  return `[${pkg}_${name}]`;
}

function base64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    reader.onerror = () => reject(reader.error ?? new Error(t('error.readFile')));
    reader.readAsDataURL(file);
  });
}
