import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentHelp } from '../../src/config.ts';

// Settings are declared once, in src/config.ts (SETTINGS); `--help` prints them from there. The README's
// configuration tables are written by hand, so this keeps them in step: every setting is documented, and
// every REPLAY_* variable the README names is a setting or one of the few read by the tests and tools.
const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const settings = [...environmentHelp().matchAll(/^ {2}(REPLAY_[A-Z0-9_]+) /gm)].map((m) => m[1]!);
const NOT_SETTINGS = {
  REPLAY_URL: "where `npm run dev:web` forwards the API (Vite's dev server, not Replay)",
  REPLAY_CHROMIUM: 'the browser tests’ Chromium',
  REPLAY_LONG_TESTS: 'the long crash-consistency variant',
  REPLAY_TEST_PG_URL: 'a PostgreSQL cluster for the tests',
};

/** Named in full, or as `_SUFFIX` in a table row that names a sibling (`REPLAY_WEBHOOK_TIMEOUT_MS` / `_MAX_ATTEMPTS`). */
function documented(env: string): boolean {
  if (README.includes(`\`${env}\``) || README.includes(`\`${env}=`)) return true;
  return README.split('\n').some((row) => {
    if (!row.startsWith('|')) return false;
    return [...row.matchAll(/`(REPLAY_[A-Z0-9_]+)`/g)].some(([, sibling]) => {
      const parts = env.split('_');
      for (let n = parts.length - 1; n >= 2; n--) {
        const prefix = parts.slice(0, n).join('_');
        if (sibling!.startsWith(`${prefix}_`) && row.includes(`\`_${parts.slice(n).join('_')}\``))
          return true;
      }
      return false;
    });
  });
}

describe('the settings in the README', () => {
  it('documents every setting of src/config.ts', () => {
    expect(settings.length).toBeGreaterThan(30);
    expect(settings.filter((env) => !documented(env))).toEqual([]);
  });

  it('names no REPLAY_* variable that is not a setting', () => {
    const named = new Set(README.match(/REPLAY_[A-Z0-9]+(?:_[A-Z0-9]+)*/g));
    const unknown = [...named].filter((env) => !settings.includes(env) && !(env in NOT_SETTINGS));
    expect(unknown).toEqual([]);
  });
});
