import { ADMIN_PREFIX } from './plugins/error-handler.ts';

/**
 * @fastify/swagger marks every request body `required` ("Fastify requires a body when schema.body is
 * defined"), but a route whose body schema is `Type.Optional(…)` takes none (its preValidation fills the
 * default): such operations are collected while the routes are transformed, then marked optional.
 */

/** `post /admin/api/v1/toolkit/reset`; path parameters as OpenAPI writes them (`{name}`). */
export function operationKey(method: string, url: string): string {
  return `${method.toLowerCase()} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean } } | undefined>>;
}

/**
 * Marks the collected operations' bodies optional. An operation that is not found under its key (a path
 * written some other way: a parameter with a pattern, a stripped base path) throws, so the OpenAPI
 * document cannot be rendered (`npm run openapi`, its drift test) with a body wrongly marked required.
 */
export function markOptionalBodies<T>(document: T, optional: ReadonlySet<string>): T {
  const paths = (document as OpenApiDocument).paths ?? {};
  const found = new Set<string>();
  for (const [url, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const key = `${method} ${url}`;
      if (!operation?.requestBody || !optional.has(key)) continue;
      operation.requestBody.required = false;
      found.add(key);
    }
  }
  const missing = [...optional].filter((key) => !found.has(key) && isAdmin(key));
  if (missing.length > 0) throw new Error(`OpenAPI: optional bodies not found: ${missing.join(', ')}`);
  return document;
}

/** Only the admin API is documented (app.ts hides every other route). */
const isAdmin = (key: string): boolean => key.split(' ')[1]!.startsWith(ADMIN_PREFIX);
