import { parse } from 'fast-querystring';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The raw text of a form body (`application/x-www-form-urlencoded`); null for any other body. */
    rawForm: string | null;
  }
}

/**
 * Form bodies, parsed as @fastify/formbody parses them (fast-querystring, the app's body limit), which
 * this replaces for one reason: the raw text is kept on the request, so the toolkit's journal can hold
 * one string per request instead of the parsed object (see journal.ts).
 */
export function registerFormBody(app: FastifyInstance): void {
  app.decorateRequest('rawForm', null);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      const text = body as string;
      request.rawForm = text;
      done(null, parse(text));
    },
  );
}
