import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { messageOf } from '../../errors.ts';
import { ADMIN_PREFIX } from './error-handler.ts';

/**
 * Requests that never reach a route still get the envelope: what Node's HTTP parser refuses (a malformed
 * request line or header, headers over 16 KiB, a client too slow to send them) and URLs whose
 * percent-encoding does not decode. Without these handlers Fastify answers with its own JSON shape.
 */

const PARSER_STATUS: Record<string, { status: number; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: '请求超时' },
  HPE_HEADER_OVERFLOW: { status: 431, detail: '请求头过大' },
};

/**
 * Fastify's `clientErrorHandler`: the socket is all there is (no request object, not even a reliable
 * path), so the answer is written raw, the way Node itself answers, and the connection closed. The HTTP
 * status stays 4xx: nothing was routed, as with an unknown path's 404.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection is gone; there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && PARSER_STATUS[error.code]) || { status: 400, detail: '无法解析的 HTTP 请求' };
  if (socket.writable) {
    const body = JSON.stringify({ code: -400, message: `${messageOf(-400)}: ${known.detail}`, ttl: 1 });
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Fastify's `frameworkErrors` (a URL whose percent-encoding does not decode, a path parameter over the
 * length limit). The route is unknown at this point, so the application's error handler does not run:
 * answered here as it would answer a malformed parameter (-400 in the envelope, HTTP 200; the admin API
 * a JSON 400).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail = error.code === 'FST_ERR_BAD_URL' ? 'URL 编码无效' : 'URL 参数过长';
  const message = `${messageOf(-400)}: ${detail}`;
  if (request.url.startsWith(ADMIN_PREFIX)) {
    void reply.status(400).send({ statusCode: 400, code: -400, message });
    return;
  }
  void reply.status(200).send({ code: -400, message, ttl: 1 });
}
