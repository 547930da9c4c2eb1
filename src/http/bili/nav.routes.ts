import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { ok } from '../envelope.ts';
import { navData, wbiImg } from '../mappers/nav.mapper.ts';
import { NavData } from '../../wire/account.schema.ts';
import { Envelope } from '../../wire/envelope.schema.ts';

/** CONTRACT.md §10.2. Logged out is -101 and still carries `data` with `isLogin:false` and `wbi_img`. */
export function navRoutes(app: FastifyInstance, services: Services, config: Config): void {
  app.get(
    '/x/web-interface/nav',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      schema: { response: { 200: Envelope(NavData) } },
    },
    (request) => {
      const keys = services.wbi.keys();
      const identity = request.identity;
      if (!identity)
        throw new BiliError(-101, undefined, { isLogin: false, wbi_img: wbiImg(keys, config.publicUrl) });
      return ok(navData(identity.user, keys, config.publicUrl, services.clock.nowMs()));
    },
  );
}
