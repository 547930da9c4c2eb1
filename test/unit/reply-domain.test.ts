import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { mentionCandidates, resolveMentions } from '../../src/domain/mentions.ts';
import { checkMessage } from '../../src/domain/message-rules.ts';
import { CursorError, hotOffset, parsePaginationStr, timeOffset } from '../../src/domain/reply-cursor.ts';
import { timeDesc } from '../../src/domain/reply-time.ts';
import { otherReasonContentOk } from '../../src/domain/report-reasons.ts';
import type { ThreadNode } from '../../src/domain/thread.ts';
import { place, requestedThread, withReplyPrefix } from '../../src/domain/thread.ts';

const area = { type: 1, oid: 201022189 };
const n = (rpid: number, root: number, dialog: number, extra: Partial<ThreadNode> = {}): ThreadNode => ({
  rpid,
  type: 1,
  oid: 201022189,
  root,
  dialog,
  visible: true,
  ...extra,
});

describe('threading (CONTRACT.md §2.1 verified chain)', () => {
  // root 3030790837 → 3030978856 → 3049581999 → 3049578129
  const root = n(3030790837, 0, 0);
  const l2 = n(3030978856, 3030790837, 3030978856);
  const l3 = n(3049581999, 3030790837, 3030978856);

  it('level 1 when neither root nor parent is given', () => {
    expect(requestedThread(0, 0)).toBeNull();
  });

  it('a reply to the root is level 2 (its dialog is its own rpid, set on insert)', () => {
    expect(place(area, { root: root.rpid, parent: root.rpid }, root, root)).toEqual({
      level: 2,
      root: root.rpid,
      parent: root.rpid,
    });
    expect(requestedThread(root.rpid, 0)).toEqual({ root: root.rpid, parent: root.rpid });
  });

  it('deeper replies inherit the level-2 dialog', () => {
    expect(place(area, { root: root.rpid, parent: l2.rpid }, root, l2)).toEqual({
      level: 3,
      root: root.rpid,
      parent: l2.rpid,
      dialog: 3030978856,
    });
    expect(place(area, { root: root.rpid, parent: l3.rpid }, root, l3)).toMatchObject({ dialog: 3030978856 });
    // Only the parent sent.
    expect(place(area, { root: 0, parent: l3.rpid }, root, l3)).toMatchObject({ root: root.rpid, level: 3 });
  });

  it('null (12006) for hidden, foreign, non-level-1 roots and parents outside the thread', () => {
    expect(place(area, { root: root.rpid, parent: root.rpid }, undefined, undefined)).toBeNull();
    const hidden = { ...root, visible: false };
    expect(place(area, { root: root.rpid, parent: root.rpid }, hidden, hidden)).toBeNull();
    const foreign = { ...root, oid: 1 };
    expect(place(area, { root: root.rpid, parent: root.rpid }, foreign, foreign)).toBeNull();
    expect(place(area, { root: l2.rpid, parent: l2.rpid }, l2, l2)).toBeNull();
    const stray = n(99, 12345, 99);
    expect(place(area, { root: root.rpid, parent: 99 }, root, stray)).toBeNull();
  });

  it('the 回复 @<uname> : prefix is added once', () => {
    expect(withReplyPrefix('是啊', '中等校级的努力')).toBe('回复 @中等校级的努力 :是啊');
    expect(withReplyPrefix('回复 @中等校级的努力 :是啊', '中等校级的努力')).toBe(
      '回复 @中等校级的努力 :是啊',
    );
  });
});

describe('message rules', () => {
  it('trims; empty is a problem; 1000 code points is the limit', () => {
    expect(checkMessage('  hi \n')).toEqual({ ok: true, message: 'hi' });
    expect(checkMessage(' \t ')).toEqual({ ok: false, problem: 'empty' });
    expect(checkMessage('𠮷'.repeat(1000)).ok).toBe(true);
    expect(checkMessage('𠮷'.repeat(1001))).toEqual({ ok: false, problem: 'too-long' });
  });

  it('reason=0 content is 2–200 characters', () => {
    expect(otherReasonContentOk('a')).toBe(false);
    expect(otherReasonContentOk('ab')).toBe(true);
    expect(otherReasonContentOk('字'.repeat(200))).toBe(true);
    expect(otherReasonContentOk('字'.repeat(201))).toBe(false);
  });
});

describe('mentions', () => {
  it('the longest existing name at each @ wins, names may be followed by text without a space', () => {
    const message = '@小明你好 @bob, @小明 again @nobody';
    const candidates = mentionCandidates(message);
    expect(candidates).toContain('小明');
    expect(candidates).toContain('bob,');
    expect(resolveMentions(message, new Set(['小明', '小', 'bob', 'bob,']))).toEqual(['小明', 'bob,']);
    expect(resolveMentions('no mention', new Set(['x']))).toEqual([]);
  });

  it('is bounded: at most 10 mentions of at most 32 characters', () => {
    const message = Array.from({ length: 20 }, (_, i) => `@${'x'.repeat(50)}${i}`).join(' ');
    expect(mentionCandidates(message).length).toBeLessThanOrEqual(10 * 32);
  });
});

describe('time_desc', () => {
  it('number + 分钟/小时/天 + 前发布', () => {
    expect(timeDesc(1000, 1000)).toBe('1分钟前发布');
    expect(timeDesc(0, 21 * 60)).toBe('21分钟前发布');
    expect(timeDesc(0, 6 * 3600 + 59)).toBe('6小时前发布');
    expect(timeDesc(0, 627 * 86400)).toBe('627天前发布');
  });
});

describe('pagination_str offsets (CONTRACT.md §3.2)', () => {
  it('encodes the documented shapes and decodes them back', () => {
    expect(timeOffset(71859, true)).toBe('{"type":3,"direction":1,"Data":{"cursor":71859}}');
    expect(hotOffset(2)).toBe('{"type":1,"direction":1,"data":{"pn":2}}');
    expect(parsePaginationStr(JSON.stringify({ offset: timeOffset(71859, true) }))).toEqual({
      kind: 'time',
      cursor: 71859,
      forward: true,
    });
    expect(parsePaginationStr(JSON.stringify({ offset: timeOffset(5, false) }))).toMatchObject({
      forward: false,
    });
    expect(parsePaginationStr(JSON.stringify({ offset: hotOffset(3) }))).toEqual({ kind: 'hot', page: 3 });
    for (const empty of [undefined, '', '{"offset":""}', '{}']) {
      expect(parsePaginationStr(empty)).toEqual({ kind: 'start' });
    }
  });

  it('rejects anything else', () => {
    for (const bad of ['x', '[]', '{"offset":1}', '{"offset":"{}"}', '{"offset":"{\\"type\\":3}"}']) {
      expect(() => parsePaginationStr(bad), bad).toThrow(CursorError);
    }
  });
});

describe('comment settings', () => {
  it('defaults, environment names, and 0 lifting a limit', () => {
    expect(loadConfig({}, {})).toMatchObject({
      commentBurstLimit: 5,
      commentBurstSeconds: 10,
      commentHourlyLimit: 100,
      reportPerMinuteLimit: 10,
      duplicateWindowSeconds: 300,
    });
    const env = {
      REPLAY_COMMENT_RATE_LIMIT_BURST: '0',
      REPLAY_COMMENT_RATE_LIMIT_BURST_SECONDS: '30',
      REPLAY_COMMENT_RATE_LIMIT_HOURLY: '0',
      REPLAY_REPORT_RATE_LIMIT_PER_MINUTE: '0',
      REPLAY_DUPLICATE_WINDOW_SECONDS: '0',
    };
    expect(loadConfig({}, env)).toMatchObject({
      commentBurstLimit: 0,
      commentBurstSeconds: 30,
      commentHourlyLimit: 0,
      reportPerMinuteLimit: 0,
      duplicateWindowSeconds: 0,
    });
    expect(() => loadConfig({}, { REPLAY_DUPLICATE_WINDOW_SECONDS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { REPLAY_COMMENT_RATE_LIMIT_BURST: 'many' })).toThrow(
      /REPLAY_COMMENT_RATE_LIMIT_BURST/,
    );
  });
});
