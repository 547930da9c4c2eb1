import { bili, check, me, unwrap } from '../api.ts';
import { avatar, confirmDialog, field, h, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { accountErrorText, NAME_HINT, PASSWORD_HINT } from './account-kit.ts';
import { t, tNodes } from '../i18n/index.ts';

const MAX_AVATAR = 1024 * 1024;
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** The signed-in user's own account: profile (name, signature, avatar), password, deletion. */
export async function renderAccountPage(main: HTMLElement): Promise<void> {
  setTitle(t('layout.yourAccount'));
  const user = await me();
  if (!user) {
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, t('layout.yourAccount')),
        h(
          'p',
          null,
          tNodes('account.signInPrompt', {
            signIn: h('a', { href: '/login?go_url=%2Faccount' }, t('common.signIn')),
          }),
        ),
      ),
    );
    return;
  }
  const info = unwrap(await bili().account.myInfo());
  replace(
    main,
    h('h1', null, t('layout.yourAccount')),
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
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('account.saveProfile'));
  const status = statusLine();
  const form = h(
    'form',
    { id: 'profile', novalidate: true },
    field(t('common.name'), uname, t(NAME_HINT)),
    field(t('account.signature'), signature, t('account.signatureHint')),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.set(t('account.saving'));
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
        status.set(t('common.saved'), 'ok');
        // The name in the top bar comes from nav; show the new one there too.
        const shown = document.querySelector('.topbar .me span:last-child');
        if (shown) shown.textContent = saved.uname;
      })
      .catch((error: unknown) => status.set(accountErrorText(error), 'error'))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'card' }, h('h2', null, t('account.profile')), form);
}

function avatarCard(face: string, name: string): HTMLElement {
  const preview = h('div', { class: 'avatar-preview' }, avatar(face, name, 64));
  const file = h('input', { name: 'face', type: 'file', accept: AVATAR_TYPES.join(',') });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('account.upload'));
  const status = statusLine();
  const form = h(
    'form',
    { id: 'avatar', novalidate: true },
    preview,
    field(t('account.picture'), file, t('account.pictureHint')),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return status.set(t('account.chooseFirst'), 'error');
    if (chosen.size > MAX_AVATAR) return status.set(t('account.tooLarge'), 'error');
    submit.disabled = true;
    status.set(t('account.uploading'));
    readAsDataUrl(chosen)
      .then((dataUrl) => bili().accountSelf.uploadFace(dataUrl))
      .then((body) => {
        const saved = unwrap(body);
        replace(preview, avatar(saved.face, saved.uname, 64));
        status.set(t('account.pictureUpdated'), 'ok');
      })
      .catch((error: unknown) => status.set(accountErrorText(error), 'error'))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'card' }, h('h2', null, t('account.picture')), form);
}

function passwordCard(): HTMLElement {
  const current = h('input', { name: 'current', type: 'password', autocomplete: 'current-password' });
  const next = h('input', { name: 'new', type: 'password', autocomplete: 'new-password', maxlength: 128 });
  const again = h('input', { name: 'again', type: 'password', autocomplete: 'new-password', maxlength: 128 });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('account.changePassword'));
  const status = statusLine();
  const form = h(
    'form',
    { id: 'password', novalidate: true },
    field(t('account.currentPassword'), current),
    field(t('account.newPassword'), next, t(PASSWORD_HINT)),
    field(t('account.newAgain'), again),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (next.value !== again.value) return status.set(t('account.newDiffer'), 'error');
    submit.disabled = true;
    status.set(t('account.changing'));
    bili()
      .accountSelf.changePassword(current.value, next.value)
      .then((body) => {
        check(body);
        form.reset();
        status.set(t('account.changed'), 'ok');
      })
      .catch((error: unknown) => status.set(accountErrorText(error), 'error'))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'card' }, h('h2', null, t('common.password')), form);
}

function deleteCard(): HTMLElement {
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'button danger' }, t('account.deleteMine'));
  const status = statusLine();
  const form = h(
    'form',
    { id: 'delete', novalidate: true },
    h('p', null, t('account.deleteText')),
    field(t('common.password'), password, t('account.deletePasswordHint')),
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void confirmDialog(t('account.deleteTitle'), t('account.cannotUndo'), t('account.deleteHeading')).then(
      (yes) => {
        if (!yes) return;
        submit.disabled = true;
        status.set(t('account.deleting'));
        bili()
          .accountSelf.deleteAccount(password.value)
          .then((body) => {
            check(body);
            status.set(t('account.deleted'), 'ok');
            location.assign('/');
          })
          .catch((error: unknown) => {
            submit.disabled = false;
            status.set(accountErrorText(error), 'error');
          });
      },
    );
  });
  return h('section', { class: 'card' }, h('h2', null, t('account.deleteHeading')), form);
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error(t('error.readFile'))),
    );
    reader.addEventListener('error', () => reject(reader.error ?? new Error(t('error.readFile'))));
    reader.readAsDataURL(file);
  });
}
