import type { BiliClient } from './bili-client.ts';
import type { AdminClient } from './admin-client.ts';
import type { BiliEnvelope } from './http.ts';
import type { ProfileData, SignupModeData } from '../wire/account-self.schema.ts';

export type { ProfileData, SignupModeData } from '../wire/account-self.schema.ts';

/** Self-service accounts, Replay extensions and Bilibili's signature edit (docs/api/accounts.md). */
export class AccountSelfApi {
  constructor(private readonly client: BiliClient) {}

  /** Who may sign up on this server: `open`, `invite` or `closed`. */
  signupMode(): Promise<BiliEnvelope<SignupModeData>> {
    return this.client.get('/x/replay/account/signup');
  }

  /** Creates an account and signs in (the login cookies are stored in this client). */
  register(uname: string, password: string, invite?: string): Promise<BiliEnvelope<ProfileData>> {
    return this.client.post('/x/replay/account/register', { uname, password, invite });
  }

  updateProfile(patch: { uname?: string; sign?: string }): Promise<BiliEnvelope<ProfileData>> {
    return this.client.post('/x/replay/account/profile', patch);
  }

  /** Bilibili's signature edit. */
  updateSign(userSign: string): Promise<BiliEnvelope> {
    return this.client.post('/x/member/web/sign/update', { user_sign: userSign });
  }

  /** A PNG, JPEG, WebP or GIF of at most 1 MiB, as base64 (or a `data:` URL). */
  uploadFace(base64: string): Promise<BiliEnvelope<ProfileData>> {
    return this.client.post('/x/replay/account/face', { face: base64 });
  }

  changePassword(oldPassword: string, newPassword: string): Promise<BiliEnvelope> {
    return this.client.post('/x/replay/account/password', {
      old_password: oldPassword,
      new_password: newPassword,
    });
  }

  /** Deletes the signed-in account (its comments stay, shown as from a deleted account). */
  deleteAccount(password: string): Promise<BiliEnvelope> {
    return this.client.post('/x/replay/account/delete', { password });
  }
}

export interface AdminInvite {
  code: string;
  uses_left: number;
  uses: number;
  note: string;
  created_at: number;
  expires_at: number;
}

export interface NewAdminInvite {
  uses?: number;
  note?: string;
  expires_at?: number;
  code?: string;
}

/** Invite codes in the admin API: `new InviteAdminApi(adminClient)`. */
export class InviteAdminApi {
  constructor(private readonly admin: AdminClient) {}

  create(invite: NewAdminInvite = {}): Promise<AdminInvite> {
    return this.admin.request('POST', '/invites', invite);
  }

  list(limit?: number): Promise<{ items: AdminInvite[] }> {
    return this.admin.request('GET', `/invites${limit === undefined ? '' : `?limit=${limit}`}`);
  }

  remove(code: string): Promise<{ deleted: boolean }> {
    return this.admin.request('DELETE', `/invites/${encodeURIComponent(code)}`);
  }
}
