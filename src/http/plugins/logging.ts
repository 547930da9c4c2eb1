import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';
import pretty from 'pino-pretty';
import type { Config } from '../../config.ts';

/** Fields of the request line that the pretty format already says in words. */
const REQUEST_FIELDS = ['reqId', 'method', 'path', 'statusCode', 'responseTime'];

/**
 * Fastify's logger: one readable line per entry on a terminal (pino-pretty), JSON lines elsewhere (a log
 * collector, systemd's journal, a container's stdout), or as `REPLAY_LOG_FORMAT` says.
 */
export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  output: { isTTY?: boolean } = process.stdout,
): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  const readable = config.logFormat === 'pretty' || (config.logFormat === 'auto' && output.isTTY === true);
  if (!readable) return { level: config.logLevel };
  return {
    level: config.logLevel,
    // A stream in this thread rather than a transport worker: lines are written in order with the start-up
    // lines printed by main.ts, and nothing is lost when the process exits.
    stream: pretty({
      colorize: output.isTTY === true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: ['pid', 'hostname', ...REQUEST_FIELDS].join(','),
      sync: true,
    }),
  };
}

/**
 * Request logging at `debug`: a busy site answers thousands of requests a second, and two info lines per
 * request (Fastify's default) drown what an operator needs. One line per request, when it completes, for
 * `REPLAY_LOG_LEVEL=debug`; failed requests are still logged as errors at any level. The path is logged
 * without its query string, which can carry an access_key or a csrf token.
 */
export class RequestLogAtDebug extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const level = request.log.level;
    if (level !== 'debug' && level !== 'trace') return;
    const path = request.url.split('?', 1)[0] ?? '';
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    request.log.debug(
      { method: request.method, path, statusCode: reply.statusCode, responseTime: ms },
      `${request.method} ${path} ${reply.statusCode} ${ms} ms`,
    );
  }
}
