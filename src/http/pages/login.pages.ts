import { escapeHtml, jsString, page } from './html.ts';

const SIGN_IN_FORM = `
<form id="signin" novalidate>
  <label for="username">用户名 (name)</label>
  <input id="username" name="username" autocomplete="username" required>
  <label for="password">密码 (password)</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">%BUTTON%</button>
  <p class="status" role="status" aria-live="polite" id="status"></p>
</form>`;

/** Shared by both pages: post the form, show the outcome in words. */
const SUBMIT_SCRIPT = (endpoint: string, extra: string, onSuccess: string) => `
const form = document.getElementById('signin');
const status = document.getElementById('status');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.className = 'status';
  status.textContent = '…';
  const body = new URLSearchParams({ username: form.username.value, password: form.password.value${extra} });
  try {
    const res = await fetch(${jsString(endpoint)}, { method: 'POST', body, credentials: 'same-origin' });
    const json = await res.json();
    if (json.code === 0) { ${onSuccess} }
    else { status.className = 'status error'; status.textContent = json.message + ' (' + json.code + ')'; }
  } catch (e) { status.className = 'status error'; status.textContent = String(e); }
});`;

export function passwordLoginPage(goUrl: string): string {
  return page(
    '登录',
    `<h1>登录 Replay</h1>${SIGN_IN_FORM.replace('%BUTTON%', '登录')}`,
    SUBMIT_SCRIPT(
      '/x/passport-login/web/login',
      `, go_url: ${jsString(goUrl)}`,
      `status.textContent = '已登录'; location.href = ${jsString(goUrl)};`,
    ),
  );
}

export function qrConfirmPage(qrcodeKey: string): string {
  return page(
    '扫码登录',
    `<h1>扫码登录</h1>
<p>Sign in to approve the login of the device that shows this QR code.</p>
${SIGN_IN_FORM.replace('%BUTTON%', '确认登录')}`,
    SUBMIT_SCRIPT(
      '/x/passport-login/web/qrcode/confirm',
      `, qrcode_key: ${jsString(qrcodeKey)}`,
      `status.textContent = '已确认，请回到原设备 (confirmed: return to the other device)'; form.querySelector('button').disabled = true;`,
    ),
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
