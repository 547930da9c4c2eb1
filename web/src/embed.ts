import baseCss from './styles/base.css?inline';
import commentsCss from './styles/comments.css?inline';
import { setApiBase } from './api.ts';
import { mountComments } from './comments/comment-section.ts';
import { pickLang, useLang, t } from './i18n/index.ts';

/**
 * The embeddable comment section: one element and one script tag on any page served from Replay's origin.
 *
 *   <div data-replay-comments data-type="1" data-oid="2"></div>
 *   <script type="module" src="https://replay.example/embed/comments.js"></script>
 *
 * The API is the server the script came from. Its styles are scoped to the section (.rp-comments).
 */
setApiBase(new URL(import.meta.url).origin);

// The section speaks the host page's language: `data-lang` on the element, else the page's `<html lang>`;
// a page that declares neither gets the visitor's saved choice or browser language, as Replay's own pages do.
const declared =
  document.querySelector<HTMLElement>('[data-replay-comments][data-lang]')?.dataset['lang'] ||
  document.documentElement.lang;
if (declared) useLang(pickLang(null, [declared]));

if (!document.getElementById('replay-comments-style')) {
  const style = document.createElement('style');
  style.id = 'replay-comments-style';
  style.textContent = `${baseCss}\n${commentsCss}`;
  document.head.append(style);
}

function mountAll(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-replay-comments]')) {
    if (el.dataset['replayMounted']) continue;
    const type = Number(el.dataset['type']);
    const oid = Number(el.dataset['oid']);
    el.dataset['replayMounted'] = 'true';
    if (!Number.isSafeInteger(type) || !Number.isSafeInteger(oid) || type <= 0 || oid <= 0) {
      el.textContent = t('embed.misconfigured');
      continue;
    }
    mountComments(el, { type, oid, embedded: true });
  }
}

if (document.readyState === 'loading')
  document.addEventListener('DOMContentLoaded', mountAll, { once: true });
else mountAll();
