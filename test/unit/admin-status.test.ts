import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../src/errors.ts';
import { ADMIN_STATUS } from '../../src/http/plugins/error-handler.ts';

// The admin API answers a BiliError with an HTTP status from one table (src/http/plugins/error-handler.ts).
// Its type makes it total over the catalogue at compile time; this checks the built object as well, both ways,
// and the rule the table follows: 5xx only for the server's own failures, 4xx for what the caller can change.
const catalogue = Object.keys(ERROR_MESSAGES).map(Number);
const SERVER_FAILURES = [-112, -500, -503, -504, -8888];

describe('the admin status table', () => {
  it('has exactly one status for every code of the catalogue', () => {
    const table = Object.keys(ADMIN_STATUS).map(Number);
    expect(catalogue.length).toBeGreaterThan(50);
    expect(table.slice().sort((a, b) => a - b)).toEqual(catalogue.slice().sort((a, b) => a - b));
    for (const code of catalogue) {
      const status = ADMIN_STATUS[code as keyof typeof ADMIN_STATUS];
      expect(Number.isInteger(status), `code ${code}`).toBe(true);
      expect(status >= 400 && status < 600, `code ${code} → ${status}`).toBe(true);
    }
  });

  it('answers 5xx only for failures of the server itself', () => {
    for (const code of catalogue) {
      const status = ADMIN_STATUS[code as keyof typeof ADMIN_STATUS];
      expect(status >= 500, `code ${code} → ${status}`).toBe(SERVER_FAILURES.includes(code));
    }
  });

  it('gives every code a message', () => {
    for (const code of catalogue) {
      expect(ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES].length, `code ${code}`).toBeGreaterThan(0);
    }
  });
});
