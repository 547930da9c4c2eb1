import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BiliError } from '../../src/errors.ts';
import { FaultRules, MAX_GLOB_PATH, MAX_RULES, globMatcher } from '../../src/services/toolkit/fault.ts';

/** The glob as a regular expression: the meaning docs/toolkit.md gives, for small inputs only. */
function reference(glob: string): (path: string) => boolean {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      while (glob[i + 1] === '*') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`);
  return (path) => re.test(path);
}

describe('fault rule path globs', () => {
  it('** spans segments, * stays within one, ? is one character, the rest is literal', () => {
    const cases: [string, string, boolean][] = [
      ['/x/web-interface/nav', '/x/web-interface/nav', true],
      ['/x/web-interface/nav', '/x/web-interface/navx', false],
      ['/x/v2/reply/*', '/x/v2/reply/add', true],
      ['/x/v2/reply/*', '/x/v2/reply/', true],
      ['/x/v2/reply/*', '/x/v2/reply/a/b', false],
      ['/x/**', '/x/v2/reply/a/b', true],
      ['/x/**', '/x/', true],
      ['/x/**', '/y/v2', false],
      ['/x/**/add', '/x/v2/reply/add', true],
      ['/x/**/add', '/x/v2/reply/adder', false],
      ['/x/*/reply/*', '/x/v2/reply/add', true],
      ['/x/v?/reply', '/x/v2/reply', true],
      ['/x/v?/reply', '/x/v/reply', false],
      ['/x/??', '/x/a/', false],
      ['/x/a.b', '/x/aXb', false],
      ['/x/***', '/x/a/b', true],
    ];
    for (const [glob, path, expected] of cases)
      expect([glob, path, globMatcher(glob)(path)]).toEqual([glob, path, expected]);
  });

  it('agrees with the regular expression on random globs and paths', () => {
    const glob = fc
      .array(fc.constantFrom('/', 'a', 'b', '.', '*', '**', '?'), { maxLength: 8 })
      .map((parts) => `/${parts.join('')}`);
    const path = fc
      .array(fc.constantFrom('/', 'a', 'b', '.'), { maxLength: 10 })
      .map((parts) => `/${parts.join('')}`);
    fc.assert(
      fc.property(glob, path, (g, p) => globMatcher(g)(p) === reference(g)(p)),
      { numRuns: 5000 },
    );
  });

  it('a pattern of many ** against a long path that does not match is answered, not backtracked', () => {
    // The regular expression took seconds on 40 segments and never finished on 80 (the event loop froze).
    const glob = `/x${'/**'.repeat(10)}/z`;
    const path = `/x${'/a'.repeat(80)}/b`;
    const match = globMatcher(glob);
    expect(match(path)).toBe(false);
    expect(match(`/x${'/a'.repeat(80)}/z`)).toBe(true);
  });
});

describe('fault rule limits', () => {
  it('a path longer than MAX_GLOB_PATH matches only an exact rule; a glob has at most 16 wildcards', () => {
    const long = `/x/${'a'.repeat(MAX_GLOB_PATH)}`;
    expect(globMatcher('/x/**')(long)).toBe(false);
    expect(globMatcher(long)(long)).toBe(true);
    const rules = new FaultRules();
    expect(() => rules.add({ path: `/x${'/*'.repeat(17)}`, code: -412 })).toThrow(BiliError);
    expect(rules.list()).toHaveLength(0);
    expect(rules.add({ path: `/x${'/*'.repeat(16)}`, code: -412 }).code).toBe(-412);
  });
});

describe('fault rules held at once', () => {
  it('at most MAX_RULES; one more is refused until one goes', () => {
    const rules = new FaultRules();
    for (let i = 0; i < MAX_RULES; i++) rules.add({ path: `/x/${i}`, code: -412 });
    expect(() => rules.add({ path: '/x/one-more', code: -412 })).toThrow(BiliError);
    rules.remove(1);
    expect(rules.add({ path: '/x/one-more', code: -412 }).path).toBe('/x/one-more');
  });
});
