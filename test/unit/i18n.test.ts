import { describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../src/client/error-words.ts';
import { en, enErrors } from '../../web/src/i18n/en.ts';
import { describeError, pickLang, t, tn, tNodes, useLang } from '../../web/src/i18n/index.ts';
import { zhCN, zhCNErrors } from '../../web/src/i18n/zh-CN.ts';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('the zh-CN catalogue', () => {
  it('translates every English key, and nothing else', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(en).length).toBeGreaterThan(400);
  });

  it('has no empty message', () => {
    const empty = Object.entries(zhCN).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
    expect(Object.entries(en).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it('keeps the placeholders of each English message', () => {
    const differ = Object.entries(en)
      .filter(
        ([key, text]) => placeholders(text).join() !== placeholders(zhCN[key as keyof typeof en]).join(),
      )
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });

  it('is actually Chinese, not English left untranslated', () => {
    // Words that are the same in both (brand names, "VIP", "UP") are the exception, not the rule.
    const same = Object.keys(en).filter((key) => zhCN[key as keyof typeof en] === en[key as keyof typeof en]);
    expect(same).toEqual([]);
  });

  it('has words for every error code the English table has', () => {
    expect(Object.keys(zhCNErrors).sort()).toEqual(Object.keys(ERROR_TEXT).sort());
    expect(Object.values(zhCNErrors).filter((text) => !/[\u4e00-\u9fff]/.test(text))).toEqual([]);
    expect(enErrors).toBe(ERROR_TEXT);
  });
});

describe('choosing the language', () => {
  it('takes a saved choice first, then the first browser language it speaks, else English', () => {
    expect(pickLang('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLang('en', ['zh-CN'])).toBe('en');
    expect(pickLang(null, ['zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLang(null, ['zh'])).toBe('zh-CN');
    expect(pickLang(null, ['zh-Hans-CN'])).toBe('zh-CN');
    expect(pickLang(null, ['zh-TW'])).toBe('zh-CN');
    expect(pickLang(null, ['fr-FR', 'zh-Hans'])).toBe('zh-CN');
    expect(pickLang(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLang(null, ['fr-FR', 'de'])).toBe('en');
    expect(pickLang('klingon', [])).toBe('en');
  });
});

describe('messages', () => {
  it('fills placeholders, picks plural forms and places nodes in the sentence', () => {
    useLang('en');
    expect(t('comments.replyTo', { name: 'alice' })).toBe('Reply to alice');
    expect(tn('watch.viewCount', 1, { count: '1' })).toBe('1 view');
    expect(tn('watch.viewCount', 2, { count: '2' })).toBe('2 views');
    const link = { node: 'a' };
    expect(tNodes('comments.joinPrompt', { signIn: link })).toEqual([link, ' to join the discussion.']);
    useLang('zh-CN');
    expect(t('comments.replyTo', { name: 'alice' })).toBe('回复 alice');
    expect(tn('watch.viewCount', 1, { count: '1' })).toBe('1 次播放');
    expect(tNodes('comments.joinPrompt', { signIn: link })).toEqual([link, '后参与讨论。']);
    useLang('en');
  });

  it('says API errors in the interface language with the Bilibili code', () => {
    useLang('en');
    expect(describeError(12025)).toBe('Your comment is too long (1000 characters at most). (code 12025)');
    expect(describeError(-400, 'message: too short')).toBe(
      'The request was not valid. message: too short (code -400)',
    );
    expect(describeError(99999, 'odd')).toBe('odd (code 99999)');
    expect(describeError(99999)).toBe('Something went wrong. (code 99999)');
    useLang('zh-CN');
    expect(describeError(12025)).toBe('评论太长了（最多 1000 个字符）。（错误码 12025）');
    expect(describeError(-629)).toBe('用户名或密码错误。（错误码 -629）');
    expect(describeError(99999)).toBe('出错了。（错误码 99999）');
    useLang('en');
  });
});
