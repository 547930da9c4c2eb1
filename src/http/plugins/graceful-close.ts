import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { OnSendStep } from './on-send.ts';

/**
 * Graceful shutdown for keep-alive clients. Once closing starts, Fastify answers new requests with 503,
 * but a request already being handled (a heartbeat waiting for its batch to commit, say) gets an ordinary
 * keep-alive response, after which its socket sits idle until `keepAliveTimeout` (72 s) and holds the
 * server's close, and with it SIGTERM, that long. Responses sent while closing therefore carry
 * `Connection: close`, so each such socket ends right after its answer. Returns the onSend step that adds
 * it (registered with the others by registerOnSendSteps).
 *
 * A connection on which no request is being answered is ended as soon as the listening socket is closed.
 * `server.close()` ends the idle keep-alive ones itself, but not one that has not sent a request yet: Node
 * counts it as busy (its headers timer runs from the connection), so it held the close until the socket
 * timeout, 75 s. Browsers open such spare connections ahead of need (Chromium's preconnect), so one
 * visitor's browser was enough to hold a SIGTERM that long.
 */
export function registerGracefulClose(app: FastifyInstance): OnSendStep {
  let closing = false;
  // Per connection, not per request: the hot paths reuse keep-alive connections.
  const connections = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  /**
   * Ends what no request keeps; a response still being written (whose headers, sent before the close
   * began, may have promised keep-alive) ends its socket once it is written, rather than leaving it idle.
   */
  const sweep = (): void => {
    // Fastify closes the listening socket right after the preClose hooks; until then a new connection
    // could still arrive, so wait for it (a later async preClose hook would otherwise be raced).
    if (app.server.listening) {
      setTimeout(sweep, 5).unref();
      return;
    }
    for (const socket of connections) {
      const response = answering(socket);
      if (response === null) socket.destroy();
      else response.once('finish', () => socket.end());
    }
  };
  app.addHook('preClose', (done) => {
    closing = true;
    done();
    setImmediate(sweep);
  });
  return (reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  };
}

/**
 * The response being written on this socket, if any. Node keeps the response a socket serves in
 * `_httpMessage` (its own `closeIdleConnections` reads it the same way), from the request's headers
 * until the answer is written; none, or a finished one, means nobody waits.
 */
function answering(socket: Socket): ServerResponse | null {
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return response && !response.writableFinished ? response : null;
}
