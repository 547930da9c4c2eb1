import { expect } from 'vitest';
import type { ReplyItem } from '../../src/client/index.ts';

/**
 * Asserts that a reply object has every field of CONTRACT.md §2.1–§2.3 with the documented type.
 * `trimmed` is the /x/v2/reply/hot form (member null, no *_str twins, members/jump_url null).
 */
export function expectReplyShape(r: ReplyItem, options: { trimmed?: boolean; floor?: boolean } = {}): void {
  const trimmed = options.trimmed ?? false;
  const numbers = [
    'rpid',
    'oid',
    'type',
    'mid',
    'root',
    'parent',
    'dialog',
    'count',
    'rcount',
    'state',
    'fansgrade',
    'attr',
    'ctime',
    'like',
    'action',
    'assist',
  ] as const;
  for (const key of numbers) expect(typeof r[key], key).toBe('number');
  expect([0, 1, 2]).toContain(r.action);
  if (options.floor) expect(typeof r.floor).toBe('number');
  else expect(r).not.toHaveProperty('floor');
  const twins = ['rpid', 'root', 'parent', 'mid', 'oid', 'dialog'] as const;
  for (const key of twins) {
    if (trimmed) expect(r).not.toHaveProperty(`${key}_str`);
    else expect(r[`${key}_str`], `${key}_str`).toBe(String(r[key]));
  }
  if (trimmed) expect(r.member).toBeNull();
  else expectMember(r.member as unknown as Record<string, unknown>, r.mid);

  const c = r.content;
  expect(typeof c.message).toBe('string');
  expect(typeof c.plat).toBe('number');
  expect(c.device).toBe('');
  expect(typeof c.max_line).toBe('number');
  if (trimmed) {
    expect(c.members).toBeNull();
    expect(c.jump_url).toBeNull();
  } else {
    expect(Array.isArray(c.members)).toBe(true);
    for (const m of c.members!) expectMemberLite(m as unknown as Record<string, unknown>);
    expect(c.jump_url).toEqual({});
  }
  if ('emote' in c) {
    expect(Object.keys(c.emote!).length).toBeGreaterThan(0);
    for (const [text, e] of Object.entries(c.emote!)) expect(e.text).toBe(text);
  }
  expect(r.replies === null || Array.isArray(r.replies)).toBe(true);
  for (const p of r.replies ?? []) {
    expect(p.replies).toBeNull();
    expectReplyShape(p);
  }
  expect(r.folder).toEqual({
    has_folded: false,
    is_folded: false,
    rule: 'https://www.bilibili.com/blackboard/foldingreply.html',
  });
  expect(typeof r.up_action.like).toBe('boolean');
  expect(typeof r.up_action.reply).toBe('boolean');
  expect(r.show_follow).toBe(false);
  expect(r.invisible).toBe(false);
  expect(typeof r.reply_control).toBe('object');
  if (!trimmed) expect(r.reply_control.time_desc).toMatch(/^\d+(分钟|小时|天)前发布$/);
  if ('card_label' in r) expect(Array.isArray(r.card_label)).toBe(true);
}

const LITE_KEYS = [
  'mid',
  'uname',
  'sex',
  'sign',
  'avatar',
  'rank',
  'DisplayRank',
  'face_nft_new',
  'is_senior_member',
  'level_info',
  'pendant',
  'nameplate',
  'official_verify',
  'vip',
];

function expectMemberLite(m: Record<string, unknown>): void {
  for (const key of LITE_KEYS) expect(m, key).toHaveProperty(key);
  expect(typeof m['mid']).toBe('string');
  expect(['男', '女', '保密']).toContain(m['sex']);
  expect(typeof m['avatar']).toBe('string');
  expect(m['rank']).toBe('10000');
  expect(m['DisplayRank']).toBe('0');
  const level = m['level_info'] as Record<string, unknown>;
  expect(Object.keys(level).sort()).toEqual(['current_exp', 'current_level', 'current_min', 'next_exp']);
  expect(Object.keys(m['pendant'] as object)).toEqual(
    expect.arrayContaining(['pid', 'name', 'image', 'expire', 'image_enhance', 'image_enhance_frame']),
  );
  expect(Object.keys(m['nameplate'] as object).sort()).toEqual([
    'condition',
    'image',
    'image_small',
    'level',
    'name',
    'nid',
  ]);
  const official = m['official_verify'] as Record<string, unknown>;
  expect(typeof official['type']).toBe('number');
  expect(typeof official['desc']).toBe('string');
  const vip = m['vip'] as Record<string, unknown>;
  for (const key of ['vipType', 'vipDueDate', 'accessStatus', 'vipStatus', 'themeType', 'avatar_subscript']) {
    expect(typeof vip[key], `vip.${key}`).toBe('number');
  }
  for (const key of ['dueRemark', 'vipStatusWarn', 'nickname_color']) expect(typeof vip[key]).toBe('string');
  expect(Object.keys(vip['label'] as object)).toEqual(
    expect.arrayContaining([
      'path',
      'text',
      'label_theme',
      'text_color',
      'bg_style',
      'bg_color',
      'border_color',
    ]),
  );
}

function expectMember(m: Record<string, unknown>, mid: number): void {
  expectMemberLite(m);
  expect(m['mid']).toBe(String(mid));
  expect(m['fans_detail']).toBeNull();
  expect(m['following']).toBe(0);
  expect(m['is_followed']).toBe(0);
  expect(m['user_sailing']).toEqual({ pendant: null, cardbg: null, cardbg_with_focus: null });
  expect(m['is_contractor']).toBe(false);
  expect(m['contract_desc']).toBe('');
}
