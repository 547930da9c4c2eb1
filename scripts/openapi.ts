/**
 * Writes the admin API's OpenAPI document (what `/admin/api/docs` serves) to docs/openapi.json, so a change
 * to an admin route shows up in review as a change to this file:
 *
 *     npm run openapi
 *
 * test/unit/openapi-drift.test.ts renders it again and fails when the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services/services.ts';
import { createDb } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrations/index.ts';
import { Store } from '../src/store/store.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** The document as committed: built from the routes of a throwaway in-memory app, keys in stable order. */
export async function renderOpenApi(): Promise<string> {
  // Nothing in the document depends on these values; they only have to be valid.
  const config = loadConfig(
    { db: ':memory:', adminToken: 'openapi-render-token', logLevel: 'silent', demo: false },
    {},
  );
  const handle = createDb(config.db);
  try {
    await migrateToLatest(handle.db);
    const services = await createServices(new Store(handle), config);
    const app = await buildApp({ config, services });
    try {
      await app.ready();
      return `${JSON.stringify(stable(app.swagger()), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    await handle.close();
  }
}

/**
 * Sorts the keys of the maps whose order is only registration order (paths, their methods, responses,
 * components); a schema's `properties` keep their declared order, which is the wire order.
 */
function stable(document: unknown): unknown {
  const doc = document as {
    paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    components?: Record<string, Record<string, unknown>>;
  };
  const paths = Object.fromEntries(
    Object.entries(doc.paths ?? {})
      .sort(([a], [b]) => compare(a, b))
      .map(([path, item]) => [
        path,
        Object.fromEntries(
          Object.entries(item)
            .sort(([a], [b]) => compare(a, b))
            .map(([method, operation]) => [
              method,
              operation.responses ? { ...operation, responses: sortKeys(operation.responses) } : operation,
            ]),
        ),
      ]),
  );
  const components = doc.components
    ? Object.fromEntries(
        Object.entries(doc.components)
          .sort(([a], [b]) => compare(a, b))
          .map(([kind, entries]) => [kind, sortKeys(entries)]),
      )
    : undefined;
  return { ...doc, paths, ...(components ? { components } : {}) };
}

function sortKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => compare(a, b)));
}

/** Code-point order, the same on every machine (no locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OPENAPI_FILE, await renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
