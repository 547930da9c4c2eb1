import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Bearer-token guard of the admin API; anything else is HTTP 401 before any route runs. */
export function requireAdminToken(app: FastifyInstance, token: string): void {
  const expected = Buffer.from(token);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="replay-admin"')
        .send({ statusCode: 401, code: -401, message: 'admin token missing or wrong' });
    }
  });
}
