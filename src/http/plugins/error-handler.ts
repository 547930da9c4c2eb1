import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BiliError, messageOf } from '../../errors.ts';
import { isPageRequest, sendPageNotFound } from '../web/web.routes.ts';
import type { BiliCode } from '../../errors.ts';

export const ADMIN_PREFIX = '/admin/api';

interface Mapped {
  code: BiliCode;
  message: string;
  data?: unknown;
}

/**
 * The one place errors become responses. Bilibili paths always answer HTTP 200 with the envelope (never a
 * stack trace or an HTML page); the admin API answers with HTTP status codes and a JSON body.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | BiliError, request, reply) => {
    const mapped = mapError(error, request);
    if (isAdmin(request)) return sendAdminError(reply, mapped);
    const body: Record<string, unknown> = { code: mapped.code, message: mapped.message, ttl: 1 };
    if (mapped.data !== undefined) body['data'] = mapped.data;
    // Not the route's response schema: that describes the success `data`, and an error's is another shape.
    return reply.status(200).type('application/json; charset=utf-8').serializer(JSON.stringify).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    if (isAdmin(request))
      return sendAdminError(reply, {
        code: -404,
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      });
    if (isPageRequest(request)) return sendPageNotFound(reply);
    return reply.status(404).send({ code: -404, message: messageOf(-404), ttl: 1 });
  });
}

function isAdmin(request: FastifyRequest): boolean {
  return request.url.startsWith(ADMIN_PREFIX);
}

function mapError(error: FastifyError | BiliError, request: FastifyRequest): Mapped {
  if (error instanceof BiliError) return { code: error.code, message: error.message, data: error.data };
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const missing = (first.params as { missingProperty?: string }).missingProperty;
    if (missing) return { code: -400, message: `${messageOf(-400)}: 缺少参数 ${missing}` };
    const name =
      first.instancePath.replace(/^\//, '').replace(/\//g, '.') || error.validationContext || 'body';
    return { code: -400, message: `${messageOf(-400)}: 参数 ${name} ${first.message ?? '格式错误'}` };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: -400, message: `${messageOf(-400)}: 请求体过大` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: -400, message: `${messageOf(-400)}: 不支持的 Content-Type` };
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { code: -400, message: `${messageOf(-400)}: ${error.message}` };
  }
  request.log.error({ err: error }, 'unhandled error');
  return { code: -500, message: messageOf(-500) };
}

export type AdminStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 412 | 413 | 429 | 500 | 503 | 504;

/**
 * The admin API's HTTP status for every code of the catalogue: total over `BiliCode`, so a code added to
 * `ERROR_MESSAGES` does not compile until someone decides what the admin API answers with it. 4xx for what
 * the caller can change, 429 for the rate limits, 5xx only for the server's own failures.
 */
export const ADMIN_STATUS: Readonly<Record<BiliCode, AdminStatus>> = {
  [-1]: 403,
  [-2]: 401,
  [-3]: 401,
  [-4]: 403,
  [-101]: 401,
  [-102]: 403,
  [-103]: 403,
  [-104]: 403,
  [-105]: 400,
  [-106]: 403,
  [-107]: 403,
  [-108]: 403,
  [-110]: 403,
  [-111]: 403,
  [-112]: 503,
  [-113]: 403,
  [-114]: 403,
  [-115]: 403,
  [-304]: 409,
  [-307]: 409,
  [-352]: 403,
  [-400]: 400,
  [-401]: 401,
  [-403]: 403,
  [-404]: 404,
  [-405]: 405,
  [-409]: 409,
  [-412]: 412,
  [-500]: 500,
  [-503]: 503,
  [-504]: 504,
  [-509]: 429,
  [-616]: 400,
  [-617]: 413,
  [-625]: 429,
  [-626]: 404,
  [-628]: 400,
  [-629]: 400,
  [-632]: 400,
  [-643]: 403,
  [-650]: 403,
  [-652]: 409,
  [-658]: 401,
  [-662]: 400,
  [-663]: 403,
  [-688]: 403,
  [-689]: 403,
  [-701]: 403,
  [-799]: 429,
  [-8888]: 500,
  400: 400,
  2202: 403,
  12001: 409,
  12002: 403,
  12003: 403,
  12004: 403,
  12006: 404,
  12008: 409,
  12009: 400,
  12011: 400,
  12015: 403,
  12016: 400,
  12019: 429,
  12022: 410,
  12025: 400,
  12029: 409,
  12030: 400,
  12035: 403,
  12045: 403,
  12051: 409,
  12052: 403,
  12077: 400,
  20000: 400,
  86000: 400,
  86038: 410,
  86039: 409,
  86090: 409,
  86095: 403,
  86101: 409,
  90001: 409,
  90003: 404,
};

function sendAdminError(reply: FastifyReply, mapped: Mapped): FastifyReply {
  const status = ADMIN_STATUS[mapped.code];
  return reply.status(status).send({ statusCode: status, code: mapped.code, message: mapped.message });
}
