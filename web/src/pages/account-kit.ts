import { ApiError, errorText } from '../api.ts';

/**
 * An account form's error in words: the UI's sentence for the code, plus the server's own detail (which
 * rule a name or password broke, why an invite was refused) when it gives one after `: `.
 */
export function accountErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return errorText(error);
  const detail = error.serverMessage.includes(': ')
    ? error.serverMessage.split(': ').slice(1).join(': ')
    : '';
  if (!detail || error.message.includes(detail)) return error.message;
  return `${error.message} ${detail.charAt(0).toUpperCase()}${detail.slice(1)}.`;
}

/** The same rules the server checks (docs/api/accounts.md), so most mistakes are named before sending. */
export const NAME_HINT = 'account.nameHint';
export const PASSWORD_HINT = 'account.passwordHint';
