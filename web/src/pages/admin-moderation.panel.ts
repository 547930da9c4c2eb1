import type { AdminEmotePackage } from '../../../src/client/emote-admin-api.ts';
import { admin, adminErrorText } from '../api.ts';
import { confirmDialog, field, h, localUrl, replace, statusLine } from '../dom.ts';
import { actionForm } from './admin-kit.ts';

/** The sensitive-word list: comments containing one are refused with 12016. */
export function sensitiveWordsPanel(): HTMLElement {
  const words = h('textarea', { name: 'words', rows: 3, required: true });
  const list = h('ul', { class: 'chips', 'aria-label': 'Sensitive words' });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const listStatus = statusLine();

  const load = async () => {
    try {
      const page = await admin().sensitiveWords.list({ limit: 500 });
      count.textContent = page.total === 1 ? '1 word.' : `${page.total} words.`;
      replace(
        list,
        page.items.map((w) => {
          const remove = h(
            'button',
            { type: 'button', class: 'button ghost small', 'aria-label': `Remove “${w.word}”` },
            '×',
          );
          remove.addEventListener('click', () => {
            remove.disabled = true;
            admin()
              .sensitiveWords.delete(w.id)
              .then(() => {
                listStatus.set(`Removed “${w.word}”.`, 'ok');
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
    'Add sensitive words',
    [field('Words, one per line', words, 'Matched case-insensitively, full-width and half-width alike.')],
    'Add',
    async (status) => {
      const given = words.value
        .split('\n')
        .map((w) => w.trim())
        .filter((w) => w);
      if (given.length === 0) {
        status.set('Enter at least one word.', 'error');
        return;
      }
      const result = await admin().sensitiveWords.add(given);
      status.set(
        `Added ${result.added.length}${result.existing.length ? `; ${result.existing.length} already listed` : ''}.`,
        'ok',
      );
      words.value = '';
      await load();
    },
  );

  const panel = h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, 'Add sensitive words'), add.form),
    h('section', { class: 'card' }, h('h2', null, 'Listed words'), count, list, listStatus.el),
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
          : h('p', { class: 'muted' }, 'No packages.'),
      );
    } catch (error) {
      listStatus.set(adminErrorText(error), 'error');
    }
  };

  const name = h('input', { name: 'text', required: true, maxlength: 32 });
  const type = h(
    'select',
    { name: 'type' },
    h('option', { value: '1' }, 'Free'),
    h('option', { value: '2' }, 'VIP only'),
    h('option', { value: '4' }, 'Kaomoji (text)'),
  );
  const size = h(
    'select',
    { name: 'size' },
    h('option', { value: '1' }, 'Small'),
    h('option', { value: '2' }, 'Large'),
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
      row: h('div', { class: 'form-row' }, field('Emote name', emoteName), field('Image', image)),
    };
    emoteRows.push(entry);
    rows.append(entry.row);
    return entry;
  };
  addRow();
  const more = h('button', { type: 'button', class: 'button secondary small' }, 'Add an emote');
  more.addEventListener('click', () => addRow().name.focus());

  const create = actionForm(
    'Create an emote package',
    [
      field('Package name', name, 'Its emotes are written [package_emote] in comments.'),
      h('div', { class: 'form-row' }, field('Kind', type), field('Size', size)),
      h('fieldset', { class: 'parts-editor' }, h('legend', null, 'Emotes'), rows, more),
    ],
    'Create package',
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
      status.set(`Created “${pkg.text}” with ${pkg.emotes.length} emotes.`, 'ok');
      create.form.reset();
      await load();
    },
  );

  const panel = h(
    'div',
    { class: 'admin-grid' },
    h('section', { class: 'card' }, h('h2', null, 'Create an emote package'), create.form),
    h('section', { class: 'card' }, h('h2', null, 'Packages'), listStatus.el, list),
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
    ? h('span', { class: 'badge' }, 'built in')
    : h('button', { type: 'button', class: 'button danger small' }, `Delete “${pkg.text}”`);
  if (remove instanceof HTMLButtonElement) {
    remove.addEventListener('click', () => {
      void confirmDialog(
        `Delete “${pkg.text}”?`,
        'Its emotes stop rendering in new and old comments.',
        'Delete',
      ).then(async (yes) => {
        if (!yes) return;
        try {
          await admin().emotes.delete(pkg.id);
          status.set(`Deleted “${pkg.text}”.`, 'ok');
          await reload();
        } catch (error) {
          status.set(adminErrorText(error), 'error');
        }
      });
    });
  }
  return h(
    'div',
    { class: 'package', 'data-package': pkg.id },
    h('h3', null, pkg.text, ' ', h('span', { class: 'muted' }, `(${pkg.emotes.length} emotes)`)),
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
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}
