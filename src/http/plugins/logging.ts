import type { FastifyBaseLogger, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';
import type PinoPretty from 'pino-pretty';
import type { Config } from '../../config.ts';
import { lazyModule } from '../../lazy-module.ts';

/** Only a terminal (or `REPLAY_LOG_FORMAT=pretty`) gets readable lines; JSON needs no formatter. */
const pretty = lazyModule<typeof PinoPretty>('pino-pretty');

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
    stream: pretty()({
      colorize: output.isTTY === true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: ['pid', 'hostname', ...REQUEST_FIELDS].join(','),
      sync: true,
    }),
  };
}

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * `request.log` without a pino child per request: Fastify makes one for every request (its `reqId`
 * binding serialised into a new logger), a few µs and some garbage each, although a request that goes
 * well at the default level logs nothing. This stands in for it and makes the child, with the same
 * bindings and options, when the request first logs, so what is written is unchanged.
 */
class RequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  private get log(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.#child?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.log.level = level;
  }

  fatal(...args: LogArgs): void {
    this.log.fatal(...args);
  }
  error(...args: LogArgs): void {
    this.log.error(...args);
  }
  warn(...args: LogArgs): void {
    this.log.warn(...args);
  }
  info(...args: LogArgs): void {
    this.log.info(...args);
  }
  debug(...args: LogArgs): void {
    this.log.debug(...args);
  }
  trace(...args: LogArgs): void {
    this.log.trace(...args);
  }
  silent(...args: LogArgs): void {
    this.log.silent(...args);
  }
  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: see RequestLogger. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildOptions,
): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, options);
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
