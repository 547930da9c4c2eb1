import { describe, expect, it } from 'vitest';
import { escapeName, findEmoteEscapes, isEmoteEscape } from '../../src/domain/emote-escape.ts';
import { foldForMatching } from '../../src/domain/text-fold.ts';

describe('findEmoteEscapes', () => {
  it('finds distinct escapes in order of first appearance', () => {
    expect(findEmoteEscapes('a[doge]b[大哭][doge]c[泠鸢yousa_awsl]')).toEqual([
      '[doge]',
      '[大哭]',
      '[泠鸢yousa_awsl]',
    ]);
  });

  it('takes the innermost bracket pair and ignores unclosed or empty ones', () => {
    expect(findEmoteEscapes('[[doge]]')).toEqual(['[doge]']);
    expect(findEmoteEscapes('[a[b]')).toEqual(['[b]']);
    expect(findEmoteEscapes('[] [ok')).toEqual([]);
    expect(findEmoteEscapes('no escapes')).toEqual([]);
  });

  it('does not span lines and caps the name length', () => {
    expect(findEmoteEscapes('[a\nb]')).toEqual([]);
    expect(findEmoteEscapes(`[${'x'.repeat(64)}]`)).toHaveLength(1);
    expect(findEmoteEscapes(`[${'x'.repeat(65)}]`)).toEqual([]);
  });

  it('isEmoteEscape and escapeName', () => {
    expect(isEmoteEscape('[大哭]')).toBe(true);
    expect(isEmoteEscape('[大哭] ')).toBe(false);
    expect(isEmoteEscape('[a][b]')).toBe(false);
    expect(escapeName('[大哭]')).toBe('大哭');
    expect(escapeName('(^_^)')).toBe('(^_^)');
  });
});

describe('foldForMatching', () => {
  it('full-width → half-width and case-folded', () => {
    expect(foldForMatching('ＢａｄＷｏｒｄ１２３')).toBe('badword123');
    expect(foldForMatching('STRASSE Straße')).toBe('strasse strasse');
  });

  it('removes zero-width characters and soft hyphens', () => {
    expect(foldForMatching('b\u200Ba\u200Cd\u200D\u2060w\uFEFFo\u00ADrd')).toBe('badword');
  });

  it('compatibility forms become plain: ligatures, circled letters, half-width katakana', () => {
    expect(foldForMatching('ﬁne ⓐⓑ ｶﾀｶﾅ')).toBe('fine ab カタカナ');
  });
});
