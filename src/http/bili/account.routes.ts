import { WBI_REQUIRED, wbiPreValidation } from '../wbi-check.ts';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { badParam } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { ok } from '../envelope.ts';
import { myInfoData, spaceInfoData, userCardData } from '../mappers/space.mapper.ts';
import { Id, Params, Str } from '../params.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { MyInfoData, SpaceInfoData, UserCardData } from '../../wire/space.schema.ts';

/**
 * Account reads clients make to learn who they are or who someone is (docs/api/account.md):
 * `/x/space/myinfo`, `/x/space/wbi/acc/info` and `/x/web-interface/card`.
 *
 * acc/info is Wbi-signed. A request without `w_rid`/`wts` is -352, Bilibili's general risk-control answer;
 * a present but wrong signature is -403, which that endpoint documents and on which real clients refetch
 * the keys from nav and retry (a key rotation then heals itself).
 */
export function accountRoutes(app: FastifyInstance, services: Services, config: Config): void {
  const ctx = () => ({ publicUrl: config.publicUrl, nowMs: services.clock.nowMs() });

  app.get(
    '/x/space/myinfo',
    {
      config: { bili: { auth: 'required' } },
      schema: { response: { 200: Envelope(MyInfoData) } },
    },
    (request) => ok(myInfoData(request.identity!.user, ctx())),
  );

  app.get(
    '/x/space/wbi/acc/info',
    {
      config: { bili: { auth: 'optional' } },
      // Real clients add `w_webid`, `web_location` and the `dm_*` fields; they are signed, not read.
      schema: { querystring: Params({ mid: Id() }), response: { 200: Envelope(SpaceInfoData) } },
      preValidation: wbiPreValidation(services.wbi, WBI_REQUIRED),
    },
    async (request) => {
      const { mid } = request.query as { mid: number };
      const { user } = await services.users.publicProfile(mid);
      return ok(spaceInfoData(user, ctx()));
    },
  );

  app.get(
    '/x/web-interface/card',
    {
      config: { bili: { auth: 'optional' } },
      schema: {
        querystring: Params({ mid: Id(), photo: Type.Optional(Str({ maxLength: 8 })) }),
        response: { 200: Envelope(UserCardData) },
      },
    },
    async (request) => {
      const { mid, photo } = request.query as { mid: number; photo?: string };
      const withBanner = parsePhoto(photo);
      const { user, archiveCount } = await services.users.publicProfile(mid);
      return ok(userCardData(user, archiveCount, withBanner, ctx()));
    },
  );
}

/** `photo`: a bool as Bilibili's clients write one (`true`/`false`, `1`/`0`); absent is false. */
function parsePhoto(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badParam('photo', '应为 true 或 false');
}

/** The URL's own query (what a Wbi signature covers); a repeated key becomes an array, which never verifies. */
