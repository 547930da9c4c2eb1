import { bili, me, unwrap } from '../api.ts';
import { field, h, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { queryParam, safeLocalPath } from '../urls.ts';
import { accountErrorText, NAME_HINT, PASSWORD_HINT } from './account-kit.ts';

/** Sign-up with a name and password, when the operator allows it (open, or with an invite code). */
export async function renderRegisterPage(main: HTMLElement): Promise<void> {
  setTitle('Create an account');
  const goUrl = safeLocalPath(queryParam('go_url'));
  const user = await me();
  if (user) {
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, 'You are signed in'),
        h('p', null, `You are signed in as ${user.uname}.`),
        h(
          'p',
          null,
          h('a', { href: '/account' }, 'Your account'),
          ' · ',
          h('a', { href: goUrl }, 'Continue'),
        ),
      ),
    );
    return;
  }
  const { mode } = unwrap(await bili().accountSelf.signupMode());
  const signIn = h('a', { href: `/login?go_url=${encodeURIComponent(goUrl)}` }, 'Sign in');
  if (mode === 'closed') {
    replace(
      main,
      h(
        'section',
        { class: 'card signin' },
        h('h1', null, 'Sign-up is closed'),
        h('p', null, 'New accounts are not open on this site. Ask its operator for one.'),
        h('p', null, 'Already have an account? ', signIn),
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
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create account');
  const status = statusLine();
  const form = h(
    'form',
    { id: 'register', novalidate: true },
    field('Name', uname, NAME_HINT),
    field('Password', password, PASSWORD_HINT),
    field('Password again', confirm),
    mode === 'invite' ? field('Invite code', invite, 'Sign-up on this site is by invitation.') : null,
    submit,
    status.el,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = uname.value.trim();
    const problem =
      !name || !password.value
        ? 'Enter a name and a password.'
        : password.value !== confirm.value
          ? 'The two passwords differ.'
          : mode === 'invite' && !invite.value.trim()
            ? 'Enter your invite code.'
            : null;
    if (problem) {
      status.set(problem, 'error');
      return;
    }
    submit.disabled = true;
    status.set('Creating your account…');
    bili()
      .accountSelf.register(name, password.value, mode === 'invite' ? invite.value.trim() : undefined)
      .then((body) => {
        unwrap(body);
        status.set('Account created. Taking you on…', 'ok');
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
      h('h1', null, 'Create an account'),
      form,
      h('p', { class: 'muted' }, 'Already have an account? ', signIn),
    ),
  );
}
