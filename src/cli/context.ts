import type { Config } from '../config.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';
import type { Services } from '../services/services.ts';
import { createServices } from '../services/services.ts';

/** Opens the configured database (migrated), runs one command's work over the services, closes it. */
export async function withServices<T>(
  config: Config,
  work: (services: Services, store: Store) => Promise<T>,
): Promise<T> {
  const handle = createDb(config.db, { sqliteSynchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(handle.db);
    const store = new Store(handle);
    return await work(await createServices(store, config), store);
  } finally {
    await handle.close();
  }
}
