import { it } from 'vitest';
import { startTestServer } from './support/harness.ts';
it('routes', async () => {
  const s = await startTestServer('sqlite');
  console.log(s.app.printRoutes({ commonPrefix: false }));
  await s.close();
});
