import { describe, expect, it } from 'vitest';
import {
  cleanExternalName,
  nameProblem,
  passwordProblem,
  signProblem,
  sniffImage,
} from '../../src/domain/account-rules.ts';

const bytes = (hex: string, tail = '00'.repeat(8)) => Buffer.from(hex + tail, 'hex');

describe('account rules', () => {
  it('recognises the four image types by their first bytes only', () => {
    expect(sniffImage(bytes('89504e470d0a1a0a'))).toBe('image/png');
    expect(sniffImage(bytes('ffd8ffdb'))).toBe('image/jpeg');
    expect(sniffImage(bytes('52494646' + '00000000' + '57454250'))).toBe('image/webp');
    expect(sniffImage(bytes('474946383961'))).toBe('image/gif');
    expect(sniffImage(bytes('474946383761'))).toBe('image/gif');
    // RIFF without WEBP (a WAV file), SVG, truncated signatures, nothing.
    expect(sniffImage(bytes('52494646' + '00000000' + '57415645'))).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('89504e47', 'hex'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });

  it('names: 2–16 letters or digits of any script, _ and -', () => {
    for (const ok of ['ab', '视频爱好者', 'Ünïcode_ok-1', 'x'.repeat(16), 'にほんご'])
      expect(nameProblem(ok)).toBeNull();
    for (const bad of ['a', 'x'.repeat(17), 'a b', 'a\u200bb', 'a.b', '@me', '账号已注销', '账号已注销#3']) {
      expect(nameProblem(bad), bad).not.toBeNull();
    }
  });

  it('passwords and signatures', () => {
    expect(passwordProblem('long-enough')).toBeNull();
    expect(passwordProblem('seven77')).toContain('at least 8');
    expect(passwordProblem('SameAsName', 'sameasname')).toContain('differ');
    expect(signProblem('字'.repeat(70))).toBeNull();
    expect(signProblem('字'.repeat(71))).toContain('70');
    expect(signProblem('two\nlines')).toContain('one line');
    // C1 controls (U+0085 is NEL, a line break) and the Unicode line and paragraph separators too.
    for (const c of ['\u0085', '\u009f', '\u2028', '\u2029'])
      expect(signProblem(`a${c}b`)).toContain('one line');
    expect(signProblem('emoji 🎉 and 中文 · fine')).toBeNull();
  });

  it("cleans a host site's name into one that follows the rules, or gives up", () => {
    expect(cleanExternalName('Alice Smith!')).toBe('AliceSmith');
    expect(cleanExternalName('很长的名字'.repeat(5))).toHaveLength(16);
    expect(cleanExternalName('!!')).toBe('');
    expect(cleanExternalName('账号已注销')).toBe('');
  });
});
