import type { Membership } from '../../domain/account.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import type { Pendant, Vip, VipLabel } from '../../wire/account.schema.ts';

/** Wire pieces describing an account, shared by nav, the player and comment members. */

export function faceUrl(user: Pick<UserRow, 'face'>, publicUrl: string): string {
  return user.face || `${publicUrl}/static/noface.png`;
}

/** `vip_label` / `vip.label` in the snake_case form nav and the player use. */
export function vipLabel(m: Membership): VipLabel {
  return {
    path: '',
    text: m.labelText,
    label_theme: m.labelTheme,
    text_color: m.status ? '#FFFFFF' : '',
    bg_style: m.status ? 1 : 0,
    bg_color: m.status ? '#FB7299' : '',
    border_color: '',
    use_img_label: true,
    img_label_uri_hans: '',
    img_label_uri_hant: '',
    img_label_uri_hans_static: '',
    img_label_uri_hant_static: '',
  };
}

/** The `vip` object of nav and the player (snake_case `theme_type`, CONTRACT.md §14.5). */
export function vipObject(m: Membership): Vip {
  return {
    type: m.type,
    status: m.status,
    due_date: m.dueDateMs,
    vip_pay_type: 0,
    theme_type: 0,
    label: vipLabel(m),
    avatar_subscript: m.status,
    nickname_color: m.nicknameColor,
    role: m.status ? (m.type >= 2 ? 3 : 1) : 0,
    avatar_subscript_url: '',
    tv_vip_status: 0,
    tv_vip_pay_type: 0,
    tv_due_date: 0,
  };
}

export function emptyPendant(): Pendant {
  return { pid: 0, name: '', image: '', expire: 0, image_enhance: '', image_enhance_frame: '' };
}
