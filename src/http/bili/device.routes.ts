import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import {
  ExClimbWuzhiResponse,
  GetBuvidResponse,
  SpiResponse,
  WebTicketResponse,
} from '../../wire/device.schema.ts';
import { ok } from '../envelope.ts';
import { emptyJsonIsNoBody } from '../plugins/empty-json-body.ts';
import { getBuvidBody, spiBody, webTicketBody } from '../mappers/device.mapper.ts';
import { wbiImg } from '../mappers/nav.mapper.ts';
import { Int, Params, Str } from '../params.ts';

/** An ExClimbWuzhi fingerprint is a few KiB (fonts, WebGL parameters); this leaves room for richer ones. */
const MAX_PAYLOAD_CHARS = 64 * 1024;

/**
 * Device identity: what a client does before its first real request (docs/api/device-identity.md).
 * Registered as its own scope because of one parser rule: several clients POST GenWebTicket with
 * `Content-Type: application/json` and an empty body (all its parameters are in the URL), which the
 * default JSON parser refuses; here an empty JSON body is no body (`emptyJsonIsNoBody`).
 */
export function deviceRoutes(services: Services, config: Config) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    emptyJsonIsNoBody(scope);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const devices = services.devices;

    app.get(
      '/x/frontend/finger/spi',
      { config: { bili: { auth: 'none' } }, schema: { response: { 200: SpiResponse } } },
      async () => spiBody(await devices.spi()),
    );

    app.get(
      '/x/web-frontend/getbuvid',
      { config: { bili: { auth: 'none' } }, schema: { response: { 200: GetBuvidResponse } } },
      async () => getBuvidBody(await devices.getbuvid()),
    );

    app.post(
      '/x/internal/gaia-gateway/ExClimbWuzhi',
      {
        config: { bili: { auth: 'none' } },
        schema: {
          querystring: Params({ payload: Str({ maxLength: MAX_PAYLOAD_CHARS }) }),
          response: { 200: ExClimbWuzhiResponse },
        },
      },
      async (request) => {
        await devices.activate(request.cookies['buvid3'], request.query.payload);
        return ok(null);
      },
    );

    app.post(
      '/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket',
      {
        config: { bili: { auth: 'none' } },
        // Its parameter errors are a positive 400, not the usual -400 (CONTRACT.md §22.1.6).
        attachValidation: true,
        schema: {
          querystring: Params({
            key_id: Str({ minLength: 1, maxLength: 32 }),
            hexsign: Str({ maxLength: 128 }),
            'context[ts]': Int({ minimum: 0 }),
            // Optional and may be empty; a ticket is not a write, so it is not checked.
            csrf: Type.Optional(Str({ maxLength: 256 })),
          }),
          response: { 200: WebTicketResponse },
        },
      },
      (request) => {
        if (request.validationError) throw ticketParamError(request);
        const q = request.query;
        const ticket = devices.webTicket(q['context[ts]'], q.hexsign);
        return webTicketBody(ticket, wbiImg(services.wbi.keys(), config.publicUrl));
      },
    );
    done();
  };
}

/** A GenWebTicket parameter that is missing or malformed, named as the error handler names them. */
function ticketParamError(request: FastifyRequest): BiliError {
  const error = request.validationError as
    { validation?: { params: { missingProperty?: string }; instancePath: string }[] } | undefined;
  const first = error?.validation?.[0];
  const missing = first?.params.missingProperty;
  if (missing) return new BiliError(400, `缺少参数 ${missing}`);
  const name = first?.instancePath.replace(/^\//, '').replace(/~1/g, '/') || 'query';
  return new BiliError(400, `参数 ${name} 格式错误`);
}
