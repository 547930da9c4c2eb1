import { databaseOptions } from '../config.ts';
import type { Config } from '../config.ts';
import { createDb } from '../store/database.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { Store } from '../store/store.ts';
import type { Services } from '../services/services.ts';
import { createServices } from '../services/services.ts';

/**
 * Opens the configured database (migrated), runs one command's work over the services, and closes the
 * store: its batched writes (a heartbeat, a comment) are committed before the database closes.
 */
export async function withServices<T>(
  config: Config,
  work: (services: Services, store: Store) => Promise<T>,
): Promise<T> {
  return withStore(config, async (store) => work(await createServices(store, config), store));
}

/** Opens the configured database (migrated) as a store, runs `work`, and closes the store. */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const handle = createDb(config.db, databaseOptions(config));
  const store = new Store(handle);
  try {
    await migrateToLatest(handle.db);
    return await work(store);
  } finally {
    await store.close();
  }
}
