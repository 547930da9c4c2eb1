import QRCode from 'qrcode';
import { bili, errorText, me, signOut, unwrap } from '../api.ts';
import { avatar, field, h, replace, statusLine } from '../dom.ts';
import { describeError } from '../errors.ts';
import { setTitle } from '../layout.ts';
import { tabs } from '../tabs.ts';
import { queryParam, safeLocalPath } from '../urls.ts';

/** How often the QR state is asked for, like Bilibili's page (once a second or so). */
const POLL_MS = 1000;

/** The poll's `data.code` (CONTRACT.md §10.3) as the page says it. */
const QR_STATE: Record<number, string> = {
  86101: 'Waiting for the QR code to be scanned.',
  86090: 'Scanned. Confirm the sign-in on the other device.',
  86038: 'This QR code has expired. Get a new one.',
};

/** Sign-in (CONTRACT.md §10.3): scan a QR code with another signed-in device, or name and password. */
export async function renderLoginPage(main: HTMLElement): Promise<void> {
  setTitle('Sign in');
  const goUrl = safeLocalPath(queryParam('go_url'));
  const user = await me();
  if (user) {
    const out = h('button', { type: 'button', class: 'button secondary' }, 'Sign out');
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
        h('h1', null, 'You are signed in'),
        h('p', { class: 'me' }, avatar(user.face, user.uname, 40), user.uname),
        h('div', { class: 'actions' }, out, h('a', { class: 'button primary', href: goUrl }, 'Continue')),
        status.el,
      ),
    );
    return;
  }

  const qr = qrPanel(goUrl);
  const password = passwordPanel(goUrl);
  const t = tabs(
    'Sign-in method',
    [
      { key: 'qr', label: 'Scan QR code', panel: qr.panel },
      { key: 'password', label: 'Name and password', panel: password },
    ],
    (key) => (key === 'qr' ? qr.start() : qr.stop()),
  );
  const register = h('a', { href: `/register?go_url=${encodeURIComponent(goUrl)}` }, 'Create an account');
  replace(
    main,
    h(
      'section',
      { class: 'card signin' },
      h('h1', null, 'Sign in to Replay'),
      t.list,
      t.panels,
      h('p', { class: 'muted' }, 'New here? ', register),
    ),
  );
  qr.start();
}

function qrPanel(goUrl: string): { panel: HTMLElement; start(): void; stop(): void } {
  const canvas = h('canvas', {
    role: 'img',
    'aria-label': 'QR code to scan for signing in',
    width: 192,
    height: 192,
  });
  const status = statusLine();
  const link = h(
    'a',
    { class: 'qr-link', href: '#', target: '_blank', rel: 'noopener' },
    'Open the confirmation page',
  );
  const refresh = h(
    'button',
    { type: 'button', class: 'button secondary', hidden: true },
    'Get a new QR code',
  );
  const panel = h(
    'div',
    { class: 'qr-box' },
    canvas,
    status.el,
    h(
      'p',
      { class: 'hint' },
      'Scan it with a device where you are signed in, then confirm there. No camera? ',
      link,
      ' on any device and confirm with your name and password.',
    ),
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
        status.set('Signed in. Taking you back…', 'ok');
        location.assign(goUrl);
        return;
      }
      if (data.code === 86038) {
        status.set(QR_STATE[86038]!, 'error');
        canvas.classList.add('expired');
        refresh.hidden = false;
        refresh.focus();
        return;
      }
      status.set(QR_STATE[data.code] ?? describeError(data.code));
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
    status.set('Getting a QR code…');
    void (async () => {
      try {
        const { url, qrcode_key } = unwrap(await bili().qrGenerate());
        if (mine !== generation) return;
        await QRCode.toCanvas(canvas, url, { margin: 1, width: 192, errorCorrectionLevel: 'M' });
        canvas.dataset['url'] = url;
        link.href = url;
        status.set(QR_STATE[86101]!);
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
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const status = statusLine();
  const form = h(
    'form',
    { id: 'signin', novalidate: true },
    field('Name', username),
    field('Password', password),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      status.set('Enter your name and password.', 'error');
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    status.set('Signing in…');
    bili()
      .passwordLogin(username.value.trim(), password.value)
      .then((body) => {
        unwrap(body);
        status.set('Signed in. Taking you back…', 'ok');
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
