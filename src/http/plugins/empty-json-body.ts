import type { FastifyInstance } from 'fastify';

/**
 * In `scope`, a request with `Content-Type: application/json` and an empty body has no body, where
 * Fastify's own JSON parser refuses it (400). Clients send exactly that when every parameter is elsewhere
 * or optional: several Bilibili clients POST GenWebTicket so, and a test's `fetch(…/toolkit/reset,
 * { method: 'POST', headers: { 'content-type': 'application/json' } })` does too. A route that needs a
 * body still refuses it, by its schema or (a fixture, whose schema is its own) its handler. Any other JSON
 * goes to Fastify's parser, with its prototype-poisoning rules.
 */
export function emptyJsonIsNoBody(scope: FastifyInstance): void {
  const json = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, parsed) => {
    if (body === '') parsed(null, undefined);
    else void json(request, body as string, parsed);
  });
}
