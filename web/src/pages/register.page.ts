import { bili, me, unwrap } from '../api.ts';
import { field, h, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { queryParam, safeLocalPath } from '../urls.ts';
import { accountErrorText, NAME_HINT, PASSWORD_HINT } from './account-kit.ts';
import { t } from '../i18n/index.ts';

/** Sign-up with a name and password, when the operator allows it (open, or with an invite code). */
export async function renderRegisterPage(main: HTMLElement): Promise<void> {
  setTitle(t('register.title'));
  const goUrl = safeLocalPath(queryParam('go_url'));
  const user = await me();
  if (user) {
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, t('login.signedIn')),
        h('p', null, t('register.signedInAs', { name: user.uname })),
        h(
          'p',
          null,
          h('a', { href: '/account' }, t('layout.yourAccount')),
          ' · ',
          h('a', { href: goUrl }, t('common.continue')),
        ),
      ),
    );
    return;
  }
  const { mode } = unwrap(await bili().accountSelf.signupMode());
  const signIn = h('a', { href: `/login?go_url=${encodeURIComponent(goUrl)}` }, t('common.signIn'));
  if (mode === 'closed') {
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, t('register.closed')),
        h('p', null, t('register.closedText')),
        h('p', null, `${t('register.haveAccount')} `, signIn),
      ),
    );
    return;
  }

  const uname = h('input', { name: 'uname', autocomplete: 'username', required: true, maxlength: 16 });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 8,
    maxlength: 128,
  });
  const confirm = h('input', {
    name: 'confirm',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    maxlength: 128,
  });
  const invite = h('input', {
    name: 'invite',
    autocomplete: 'off',
    required: mode === 'invite',
    maxlength: 64,
    value: queryParam('invite') ?? '',
  });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('register.submit'));
  const status = statusLine();
  const form = h(
    'form',
    { id: 'register', novalidate: true },
    field(t('common.name'), uname, t(NAME_HINT)),
    field(t('common.password'), password, t(PASSWORD_HINT)),
    field(t('register.again'), confirm),
    mode === 'invite' ? field(t('register.invite'), invite, t('register.inviteHint')) : null,
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = uname.value.trim();
    const problem =
      !name || !password.value
        ? t('register.enterBoth')
        : password.value !== confirm.value
          ? t('register.differ')
          : mode === 'invite' && !invite.value.trim()
            ? t('register.enterInvite')
            : null;
    if (problem) {
      status.set(problem, 'error');
      return;
    }
    submit.disabled = true;
    status.set(t('register.creating'));
    bili()
      .accountSelf.register(name, password.value, mode === 'invite' ? invite.value.trim() : undefined)
      .then((body) => {
        unwrap(body);
        status.set(t('register.created'), 'ok');
        location.assign(goUrl);
      })
      .catch((error: unknown) => {
        submit.disabled = false;
        status.set(accountErrorText(error), 'error');
      });
  });
  replace(
    main,
    h(
      'section',
      { class: 'card signin' },
      h('h1', null, t('register.title')),
      form,
      h('p', { class: 'muted' }, `${t('register.haveAccount')} `, signIn),
    ),
  );
}
