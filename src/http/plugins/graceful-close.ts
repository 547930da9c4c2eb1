import type { FastifyInstance } from 'fastify';

/**
 * Graceful shutdown for keep-alive clients. Once closing starts, Fastify answers new requests with 503,
 * but a request already being handled (a heartbeat waiting for its batch to commit, say) gets an ordinary
 * keep-alive response, after which its socket sits idle until `keepAliveTimeout` (72 s) and holds the
 * server's close, and with it SIGTERM, that long. Responses sent while closing therefore carry
 * `Connection: close`, so each such socket ends right after its answer.
 */
export function registerGracefulClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
