/**
 * @fastify/swagger marks every request body `required` ("Fastify requires a body when schema.body is
 * defined"), but a route whose body schema is `Type.Optional(…)` takes none (its preValidation fills the
 * default): such operations are collected while the routes are transformed, then marked optional.
 */

/** `POST /admin/api/v1/toolkit/reset`; path parameters as OpenAPI writes them (`{name}`). */
export function operationKey(method: string, url: string): string {
  return `${method.toLowerCase()} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean } } | undefined>>;
}

export function markOptionalBodies<T>(document: T, optional: ReadonlySet<string>): T {
  const paths = (document as OpenApiDocument).paths ?? {};
  for (const [url, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation?.requestBody && optional.has(`${method} ${url}`)) operation.requestBody.required = false;
    }
  }
  return document;
}
