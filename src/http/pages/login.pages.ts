import { escapeHtml, page, pageCsp } from './html.ts';

/**
 * The form carries what differs between the two pages in `data-*` attributes (escaped), so both share one
 * constant script that the Content-Security-Policy allows by hash.
 */
function signInForm(
  button: string,
  data: { endpoint: string; fields: Record<string, string>; next?: string },
) {
  const attrs = [
    `data-endpoint="${escapeHtml(data.endpoint)}"`,
    `data-fields="${escapeHtml(JSON.stringify(data.fields))}"`,
    data.next === undefined ? '' : `data-next="${escapeHtml(data.next)}"`,
  ].join(' ');
  return `
<form id="signin" novalidate ${attrs.trim()}>
  <label for="username">用户名 (name)</label>
  <input id="username" name="username" autocomplete="username" required>
  <label for="password">密码 (password)</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">${escapeHtml(button)}</button>
  <p class="status" role="status" aria-live="polite" id="status"></p>
</form>`;
}

/** Posts the form, shows the outcome in words; follows `data-next` after a sign-in, else stays confirmed. */
const SIGN_IN_SCRIPT = `
const form = document.getElementById('signin');
const status = document.getElementById('status');
const data = form.dataset;
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.className = 'status';
  status.textContent = '…';
  const body = new URLSearchParams({ ...JSON.parse(data.fields), username: form.username.value, password: form.password.value });
  try {
    const res = await fetch(data.endpoint, { method: 'POST', body, credentials: 'same-origin' });
    const json = await res.json();
    if (json.code !== 0) { status.className = 'status error'; status.textContent = json.message + ' (' + json.code + ')'; }
    else if (data.next !== undefined) { status.textContent = '已登录'; location.href = data.next; }
    else { status.textContent = '已确认，请回到原设备 (confirmed: return to the other device)'; form.querySelector('button').disabled = true; }
  } catch (e) { status.className = 'status error'; status.textContent = String(e); }
});`;

/** The Content-Security-Policy of every page in this file. */
export const LOGIN_PAGES_CSP = pageCsp([SIGN_IN_SCRIPT]);

export function passwordLoginPage(goUrl: string): string {
  return page(
    '登录',
    `<h1>登录 Replay</h1>${signInForm('登录', {
      endpoint: '/x/passport-login/web/login',
      fields: { go_url: goUrl },
      next: goUrl,
    })}`,
    SIGN_IN_SCRIPT,
  );
}

export function qrConfirmPage(qrcodeKey: string): string {
  return page(
    '扫码登录',
    `<h1>扫码登录</h1>
<p>Sign in to approve the login of the device that shows this QR code.</p>
${signInForm('确认登录', { endpoint: '/x/passport-login/web/qrcode/confirm', fields: { qrcode_key: qrcodeKey } })}`,
    SIGN_IN_SCRIPT,
  );
}

/** What a TV auth code's `url` opens: the same sign-in-and-approve form as web QR, for the TV's code. */
export function tvConfirmPage(authCode: string): string {
  return page(
    '电视扫码登录',
    `<h1>电视扫码登录</h1>
<p>Sign in to approve the login of the TV that shows this QR code.</p>
${signInForm('确认登录', { endpoint: '/x/passport-tv-login/h5/qrcode/confirm', fields: { auth_code: authCode } })}`,
    SIGN_IN_SCRIPT,
  );
}

export function qrExpiredPage(): string {
  return page(
    '二维码已失效',
    `<h1>二维码已失效</h1><p>This QR code has expired or was already used. Generate a new one.</p>`,
  );
}

export function messagePage(title: string, text: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}
