import { expect } from 'vitest';
import type { ReplyItem, ReplyMember, ReplyMemberLite } from '../../src/client/index.ts';
import { ReplyItem as ReplyItemSchema } from '../../src/wire/reply.schema.ts';
import { expectWire } from './wire.ts';

/**
 * Asserts that a reply object matches its wire schema (every field of CONTRACT.md §2.1–§2.3 with its
 * type, nothing else) and carries the values Replay always writes. `trimmed` is the /x/v2/reply/hot form
 * (member null, no *_str twins, members/jump_url null); `floor` the /dialog/cursor and /hot form.
 */
export function expectReplyShape(r: ReplyItem, options: { trimmed?: boolean; floor?: boolean } = {}): void {
  expectWire(ReplyItemSchema, r);
  const trimmed = options.trimmed ?? false;
  expect([0, 1, 2]).toContain(r.action);
  if (options.floor) expect(typeof r.floor).toBe('number');
  else expect(r).not.toHaveProperty('floor');
  const twins = ['rpid', 'root', 'parent', 'mid', 'oid', 'dialog'] as const;
  for (const key of twins) {
    if (trimmed) expect(r).not.toHaveProperty(`${key}_str`);
    else expect(r[`${key}_str`], `${key}_str`).toBe(String(r[key]));
  }
  if (trimmed) expect(r.member).toBeNull();
  else {
    expect(r.member).not.toBeNull();
    expectMember(r.member!, r.mid);
  }

  const c = r.content;
  expect(c.device).toBe('');
  if (trimmed) {
    expect(c.members).toBeNull();
    expect(c.jump_url).toBeNull();
  } else {
    expect(c.members).not.toBeNull();
    for (const m of c.members!) expectMemberLite(m);
    expect(c.jump_url).toEqual({});
  }
  if ('emote' in c) {
    expect(Object.keys(c.emote!).length).toBeGreaterThan(0);
    for (const [text, e] of Object.entries(c.emote!)) expect(e.text).toBe(text);
  }
  for (const p of r.replies ?? []) {
    expect(p.replies).toBeNull();
    expectReplyShape(p);
  }
  expect(r.folder).toEqual({
    has_folded: false,
    is_folded: false,
    rule: 'https://www.bilibili.com/blackboard/foldingreply.html',
  });
  expect(r.show_follow).toBe(false);
  expect(r.invisible).toBe(false);
  if (!trimmed) expect(r.reply_control.time_desc).toMatch(/^\d+(分钟|小时|天)前发布$/);
}

function expectMemberLite(m: ReplyMemberLite): void {
  expect(['男', '女', '保密']).toContain(m.sex);
  expect(m.rank).toBe('10000');
  expect(m.DisplayRank).toBe('0');
}

function expectMember(m: ReplyMember, mid: number): void {
  expectMemberLite(m);
  expect(m.mid).toBe(String(mid));
  expect(m.fans_detail).toBeNull();
  expect(m.following).toBe(0);
  expect(m.is_followed).toBe(0);
  expect(m.user_sailing).toEqual({ pendant: null, cardbg: null, cardbg_with_focus: null });
  expect(m.is_contractor).toBe(false);
  expect(m.contract_desc).toBe('');
}
