import QRCode from 'qrcode';
import { bili, errorText, me, signOut, unwrap } from '../api.ts';
import { avatar, field, h, replace, statusLine } from '../dom.ts';
import { describeError } from '../errors.ts';
import { setTitle } from '../layout.ts';
import { tabs } from '../tabs.ts';
import { queryParam, safeLocalPath } from '../urls.ts';
import { t, tNodes } from '../i18n/index.ts';

/** How often the QR state is asked for, like Bilibili's page (once a second or so). */
const POLL_MS = 1000;

/** The poll's `data.code` (CONTRACT.md §10.3) as the page says it. */
const QR_STATE = {
  86101: 'login.qrWaiting',
  86090: 'login.qrScanned',
  86038: 'login.qrExpired',
} as const;

function qrState(code: number): string | undefined {
  const key = (QR_STATE as Record<number, (typeof QR_STATE)[keyof typeof QR_STATE] | undefined>)[code];
  return key && t(key);
}

/** Sign-in (CONTRACT.md §10.3): scan a QR code with another signed-in device, or name and password. */
export async function renderLoginPage(main: HTMLElement): Promise<void> {
  setTitle(t('login.title'));
  const goUrl = safeLocalPath(queryParam('go_url'));
  const user = await me();
  if (user) {
    const out = h('button', { type: 'button', class: 'button secondary' }, t('common.signOut'));
    const status = statusLine();
    out.addEventListener('click', () => {
      out.disabled = true;
      signOut().then(
        () => location.reload(),
        (error: unknown) => {
          out.disabled = false;
          status.set(errorText(error), 'error');
        },
      );
    });
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, t('login.signedIn')),
        h('p', { class: 'me' }, avatar(user.face, user.uname, 40), user.uname),
        h(
          'div',
          { class: 'actions' },
          out,
          h('a', { class: 'button primary', href: goUrl }, t('common.continue')),
        ),
        status.el,
      ),
    );
    return;
  }

  const qr = qrPanel(goUrl);
  const password = passwordPanel(goUrl);
  const methods = tabs(
    t('login.method'),
    [
      { key: 'qr', label: t('login.qrTab'), panel: qr.panel },
      { key: 'password', label: t('login.passwordTab'), panel: password },
    ],
    (key) => (key === 'qr' ? qr.start() : qr.stop()),
  );
  const register = h('a', { href: `/register?go_url=${encodeURIComponent(goUrl)}` }, t('login.create'));
  replace(
    main,
    h(
      'section',
      { class: 'card signin' },
      h('h1', null, t('login.heading')),
      methods.list,
      methods.panels,
      h('p', { class: 'muted' }, `${t('login.newHere')} `, register),
    ),
  );
  qr.start();
}

function qrPanel(goUrl: string): { panel: HTMLElement; start(): void; stop(): void } {
  const canvas = h('canvas', {
    role: 'img',
    'aria-label': t('login.qrLabel'),
    width: 192,
    height: 192,
  });
  const status = statusLine();
  const link = h(
    'a',
    { class: 'qr-link', href: '#', target: '_blank', rel: 'noopener' },
    t('login.openConfirm'),
  );
  const refresh = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('login.newQr'));
  const panel = h(
    'div',
    { class: 'qr-box' },
    canvas,
    status.el,
    h('p', { class: 'hint' }, tNodes('login.qrHint', { link })),
    refresh,
  );
  let timer: ReturnType<typeof setTimeout> | null = null;
  let generation = 0;

  const stop = () => {
    generation += 1;
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const poll = async (key: string, mine: number) => {
    if (mine !== generation) return;
    try {
      const data = unwrap(await bili().qrPoll(key));
      if (mine !== generation) return;
      if (data.code === 0) {
        status.set(t('login.done'), 'ok');
        location.assign(goUrl);
        return;
      }
      if (data.code === 86038) {
        status.set(t(QR_STATE[86038]), 'error');
        canvas.classList.add('expired');
        refresh.hidden = false;
        refresh.focus();
        return;
      }
      status.set(qrState(data.code) ?? describeError(data.code));
    } catch (error) {
      status.set(errorText(error), 'error');
    }
    timer = setTimeout(() => void poll(key, mine), POLL_MS);
  };

  const start = () => {
    stop();
    const mine = generation;
    refresh.hidden = true;
    canvas.classList.remove('expired');
    status.set(t('login.gettingQr'));
    void (async () => {
      try {
        const { url, qrcode_key } = unwrap(await bili().qrGenerate());
        if (mine !== generation) return;
        await QRCode.toCanvas(canvas, url, { margin: 1, width: 192, errorCorrectionLevel: 'M' });
        canvas.dataset['url'] = url;
        link.href = url;
        status.set(t(QR_STATE[86101]));
        timer = setTimeout(() => void poll(qrcode_key, mine), POLL_MS);
      } catch (error) {
        status.set(errorText(error), 'error');
        refresh.hidden = false;
      }
    })();
  };
  refresh.addEventListener('click', start);
  return { panel, start, stop };
}

function passwordPanel(goUrl: string): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: 256,
  });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('common.signIn'));
  const status = statusLine();
  const form = h(
    'form',
    { id: 'signin', novalidate: true },
    field(t('common.name'), username),
    field(t('common.password'), password),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      status.set(t('login.enterBoth'), 'error');
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    status.set(t('login.signingIn'));
    bili()
      .passwordLogin(username.value.trim(), password.value)
      .then((body) => {
        unwrap(body);
        status.set(t('login.done'), 'ok');
        location.assign(goUrl);
      })
      .catch((error: unknown) => {
        submit.disabled = false;
        status.set(errorText(error), 'error');
        password.select();
      });
  });
  return h('div', null, form);
}
