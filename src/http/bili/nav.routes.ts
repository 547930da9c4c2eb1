import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import type { WbiKeys } from '../../services/wbi.service.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import { ok } from '../envelope.ts';
import { navData, wbiImg } from '../mappers/nav.mapper.ts';
import { NavData } from '../../wire/account.schema.ts';
import { Envelope } from '../../wire/envelope.schema.ts';

/** A signed-in nav answer as serialised, and what it was built from besides the user row. */
interface SerialisedNav {
  keys: WbiKeys;
  /** Whether the vip due date was still ahead: the one clock-dependent part (membership()). */
  dueAhead: boolean;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** CONTRACT.md §10.2. Logged out is -101 and still carries `data` with `isLogin:false` and `wbi_img`. */
export function navRoutes(app: FastifyInstance, services: Services, config: Config): void {
  /**
   * The signed-in answer depends on the user row, the day's wbi keys and whether the vip due date has
   * passed; serialising it again on every page load was most of the route's own CPU. Keyed by the row
   * object, which the session cache hands to every request of that session and replaces (a new object)
   * when it re-reads the user or a change to the user drops it, so a stale answer cannot outlive its row.
   */
  const serialised = new WeakMap<UserRow, SerialisedNav>();
  app.get(
    '/x/web-interface/nav',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      schema: { response: { 200: Envelope(NavData) } },
    },
    (request, reply) => {
      const keys = services.wbi.keys();
      const identity = request.identity;
      if (!identity)
        throw new BiliError(-101, undefined, { isLogin: false, wbi_img: wbiImg(keys, config.publicUrl) });
      const user = identity.user;
      const nowMs = services.clock.nowMs();
      const dueAhead = user.vip_due_date > nowMs;
      let cached = serialised.get(user);
      if (cached === undefined || cached.keys !== keys || cached.dueAhead !== dueAhead) {
        // The route's own response serializer, so the bytes are those of an unserialised answer.
        const body = reply.serialize(ok(navData(user, keys, config.publicUrl, nowMs))) as string;
        cached = { keys, dueAhead, body };
        serialised.set(user, cached);
      }
      // A string with a JSON content type is sent as it is (Fastify serialises only objects).
      reply.header('content-type', JSON_TYPE);
      return cached.body;
    },
  );
}
