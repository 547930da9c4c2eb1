import type { FastifyInstance } from 'fastify';
import type { OnSendStep } from './on-send.ts';

/**
 * Graceful shutdown for keep-alive clients. Once closing starts, Fastify answers new requests with 503,
 * but a request already being handled (a heartbeat waiting for its batch to commit, say) gets an ordinary
 * keep-alive response, after which its socket sits idle until `keepAliveTimeout` (72 s) and holds the
 * server's close, and with it SIGTERM, that long. Responses sent while closing therefore carry
 * `Connection: close`, so each such socket ends right after its answer. Returns the onSend step that adds
 * it (registered with the others by registerOnSendSteps).
 */
export function registerGracefulClose(app: FastifyInstance): OnSendStep {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  return (reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  };
}
