import { bili, check, me, unwrap } from '../api.ts';
import { avatar, confirmDialog, field, h, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { accountErrorText, NAME_HINT, PASSWORD_HINT } from './account-kit.ts';

const MAX_AVATAR = 1024 * 1024;
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** The signed-in user's own account: profile (name, signature, avatar), password, deletion. */
export async function renderAccountPage(main: HTMLElement): Promise<void> {
  setTitle('Your account');
  const user = await me();
  if (!user) {
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, 'Your account'),
        h('p', null, h('a', { href: '/login?go_url=%2Faccount' }, 'Sign in'), ' to edit your profile.'),
      ),
    );
    return;
  }
  const info = unwrap(await bili().account.myInfo());
  replace(
    main,
    h('h1', null, 'Your account'),
    h(
      'div',
      { class: 'admin-grid account-grid' },
      profileCard(info.name, info.sign),
      avatarCard(user.face, user.uname),
      passwordCard(),
      deleteCard(),
    ),
  );
}

function profileCard(name: string, sign: string): HTMLElement {
  let current = name;
  const uname = h('input', { name: 'uname', autocomplete: 'username', value: name });
  const signature = h('textarea', { name: 'sign', maxlength: 70, rows: 3 });
  signature.value = sign;
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Save profile');
  const status = statusLine();
  const form = h(
    'form',
    { id: 'profile', novalidate: true },
    field('Name', uname, NAME_HINT),
    field('Signature', signature, 'One line, up to 70 characters.'),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.set('Saving…');
    bili()
      // An unchanged name is not sent: names made before the sign-up rules existed stay valid as they are.
      .accountSelf.updateProfile({
        ...(uname.value.trim() === current ? {} : { uname: uname.value.trim() }),
        sign: signature.value,
      })
      .then((body) => {
        const saved = unwrap(body);
        uname.value = saved.uname;
        current = saved.uname;
        status.set('Saved.', 'ok');
        // The name in the top bar comes from nav; show the new one there too.
        const shown = document.querySelector('.topbar .me span:last-child');
        if (shown) shown.textContent = saved.uname;
      })
      .catch((error: unknown) => status.set(accountErrorText(error), 'error'))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'card' }, h('h2', null, 'Profile'), form);
}

function avatarCard(face: string, name: string): HTMLElement {
  const preview = h('div', { class: 'avatar-preview' }, avatar(face, name, 64));
  const file = h('input', { name: 'face', type: 'file', accept: AVATAR_TYPES.join(',') });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Upload picture');
  const status = statusLine();
  const form = h(
    'form',
    { id: 'avatar', novalidate: true },
    preview,
    field('Picture', file, 'PNG, JPEG, WebP or GIF, at most 1 MB.'),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return status.set('Choose a picture first.', 'error');
    if (chosen.size > MAX_AVATAR) return status.set('The picture is larger than 1 MB.', 'error');
    submit.disabled = true;
    status.set('Uploading…');
    readAsDataUrl(chosen)
      .then((dataUrl) => bili().accountSelf.uploadFace(dataUrl))
      .then((body) => {
        const saved = unwrap(body);
        replace(preview, avatar(saved.face, saved.uname, 64));
        status.set('Picture updated.', 'ok');
      })
      .catch((error: unknown) => status.set(accountErrorText(error), 'error'))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'card' }, h('h2', null, 'Picture'), form);
}

function passwordCard(): HTMLElement {
  const current = h('input', { name: 'current', type: 'password', autocomplete: 'current-password' });
  const next = h('input', { name: 'new', type: 'password', autocomplete: 'new-password', maxlength: 128 });
  const again = h('input', { name: 'again', type: 'password', autocomplete: 'new-password', maxlength: 128 });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Change password');
  const status = statusLine();
  const form = h(
    'form',
    { id: 'password', novalidate: true },
    field('Current password', current),
    field('New password', next, PASSWORD_HINT),
    field('New password again', again),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (next.value !== again.value) return status.set('The two new passwords differ.', 'error');
    submit.disabled = true;
    status.set('Changing…');
    bili()
      .accountSelf.changePassword(current.value, next.value)
      .then((body) => {
        check(body);
        form.reset();
        status.set('Password changed.', 'ok');
      })
      .catch((error: unknown) => status.set(accountErrorText(error), 'error'))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'card' }, h('h2', null, 'Password'), form);
}

function deleteCard(): HTMLElement {
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'button danger' }, 'Delete my account');
  const status = statusLine();
  const form = h(
    'form',
    { id: 'delete', novalidate: true },
    h(
      'p',
      null,
      'Your watch history, sessions and picture are erased. Your comments stay where they are, shown as from a deleted account (账号已注销). This cannot be undone.',
    ),
    field('Password', password, 'Accounts made through single sign-on have none: leave it empty.'),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void confirmDialog('Delete your account?', 'This cannot be undone.', 'Delete account').then((yes) => {
      if (!yes) return;
      submit.disabled = true;
      status.set('Deleting…');
      bili()
        .accountSelf.deleteAccount(password.value)
        .then((body) => {
          check(body);
          status.set('Your account was deleted.', 'ok');
          location.assign('/');
        })
        .catch((error: unknown) => {
          submit.disabled = false;
          status.set(accountErrorText(error), 'error');
        });
    });
  });
  return h('section', { class: 'card' }, h('h2', null, 'Delete account'), form);
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('cannot read the file')),
    );
    reader.addEventListener('error', () => reject(reader.error ?? new Error('cannot read the file')));
    reader.readAsDataURL(file);
  });
}
