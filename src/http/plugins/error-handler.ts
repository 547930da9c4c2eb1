import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BiliError, messageOf } from '../../errors.ts';
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

const ADMIN_STATUS: Partial<Record<number, number>> = {
  [-400]: 400,
  [-401]: 401,
  [-403]: 403,
  [-404]: 404,
  [-626]: 404,
  [-409]: 409,
  [-652]: 409,
  [-628]: 400,
  12009: 400,
};

function sendAdminError(reply: FastifyReply, mapped: Mapped): FastifyReply {
  const status = ADMIN_STATUS[mapped.code] ?? 500;
  return reply.status(status).send({ statusCode: status, code: mapped.code, message: mapped.message });
}
