import { av2bv, bv2av, isValidAid } from 'replay/client';
import { field, h, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { continueWatching } from './history.page.ts';
import { t } from '../i18n/index.ts';

/** `BV1…`, `av123`, `123` or a video link → the bvid, or null. */
export function parseVideoRef(input: string): string | null {
  const text = input.trim();
  const bv = /BV1[1-9A-HJ-NP-Za-km-z]{9}/.exec(text)?.[0];
  if (bv && bv2av(bv) !== null) return bv;
  const av = /(?:^|[^a-z])av(\d{1,16})\b/i.exec(text)?.[1] ?? /^\d{1,16}$/.exec(text)?.[0];
  if (av !== undefined && isValidAid(Number(av))) return av2bv(Number(av));
  return null;
}

export function renderHomePage(main: HTMLElement): void {
  setTitle('');
  const input = h('input', { name: 'video', placeholder: t('home.videoPlaceholder'), autocomplete: 'off' });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'open-video', role: 'search' },
    field(t('home.videoLabel'), input),
    h('button', { type: 'submit', class: 'button primary' }, t('home.watch')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const bvid = parseVideoRef(input.value);
    if (!bvid) {
      status.set(t('home.notVideo'), 'error');
      input.focus();
      return;
    }
    location.assign(`/video/${bvid}`);
  });

  const history = h('section', { class: 'card', 'aria-labelledby': 'continue-title' });
  const origin = location.origin;
  replace(
    main,
    h('h1', null, 'Replay'),
    h('p', { class: 'muted' }, t('home.intro')),
    h(
      'div',
      { class: 'home-grid' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'open-title' },
        h('h2', { id: 'open-title' }, t('home.open')),
        form,
        status.el,
      ),
      history,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'demo-title' },
        h('h2', { id: 'demo-title' }, t('home.demo')),
        h('p', { class: 'muted' }, t('home.demoNote')),
        h(
          'ul',
          { class: 'link-list' },
          h(
            'li',
            null,
            h('a', { href: '/video/BV1xx411c7mD' }, 'av2: 字幕君交流场所'),
            ` ${t('home.onePart')}`,
          ),
          h('li', null, h('a', { href: '/video/BV17x411w7KC' }, 'av170001: Replay demo: three parts')),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'embed-title' },
        h('h2', { id: 'embed-title' }, t('home.embed')),
        h('p', null, t('home.embedText')),
        h(
          'pre',
          { class: 'code' },
          h(
            'code',
            null,
            `<div data-replay-comments data-type="1" data-oid="2"></div>\n<script type="module" src="${origin}/embed/comments.js"></script>`,
          ),
        ),
      ),
    ),
  );
  void continueWatching(history);
}
