import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `replay/client` and `replay/testing` resolve to the sources here (package.json `exports`, condition
  // `replay-source`); without the condition, as for any other user, they are the build in dist/.
  ssr: { resolve: { conditions: [...defaultServerConditions, 'replay-source'] } },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: one worker per core keeps the PostgreSQL cluster responsive.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
