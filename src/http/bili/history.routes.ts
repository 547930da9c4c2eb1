import { WBI_OPTIONAL, checkWbi as checkWbiOf } from '../wbi-check.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import Type from 'typebox';
import { dtForPlatform } from '../../domain/progress.ts';
import { BiliError, badParam } from '../../errors.ts';
import { MAX_INT32 } from '../../services/history.service.ts';
import type { Services } from '../../services/services.ts';
import { done, ok } from '../envelope.ts';
import { HISTORY_TABS, cursorItem, historyEntry, playerData } from '../mappers/history.mapper.ts';
import { Id, Int, Params, Str } from '../params.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import { HistoryCursorData, HistoryList, HistoryShadowData, PlayerData } from '../../wire/history.schema.ts';
import type { HistoryCursor } from '../../wire/history.schema.ts';

const Opt = Type.Optional;
/** A position or duration in seconds; -1 ("finished") only where the route says so. */
const Seconds = (minimum = 0) => Opt(Int({ minimum, maximum: MAX_INT32 }));
const Count = () => Opt(Int({ minimum: 0, maximum: MAX_INT32 }));
const Bvid = () => Opt(Str({ maxLength: 16 }));

/**
 * Watch reporting (CONTRACT.md §6), history (§7) and the player's resume point (§8).
 *
 * Auth decisions where the contract leaves room:
 * - heartbeat and h5 are Cookie-only and do not require a login (their documented codes are 0 and -400):
 *   an anonymous call is acknowledged and can count a play, but records no history. Their `csrf` is
 *   optional ("O"); when one is sent it must match `bili_jct` (-111), because a wrong token marks a
 *   forged or stale page, and a banned account is refused (-102) as on every other history write.
 * - a present but wrong Wbi signature (`w_rid`) on the heartbeat, h5 or the player is -352, the general
 *   risk-control answer of CONTRACT.md §11.1; an absent one is accepted, the signature being optional.
 */
export function historyRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const history = services.history;

  // A callback hook, not a promise: the heartbeat's pipeline takes no extra microtask turn for it.
  const optionalCsrfWrite = (
    request: FastifyRequest,
    _reply: FastifyReply,
    done: (error?: Error) => void,
  ): void => {
    const identity = request.identity;
    if (!identity) return done();
    if (identity.user.banned) return done(new BiliError(-102));
    const csrf = (request.query as Record<string, unknown>)['csrf'];
    if (csrf !== undefined && csrf !== '' && csrf !== identity.session.csrf) return done(new BiliError(-111));
    done();
  };

  const checkWbi = (request: FastifyRequest): void => checkWbiOf(services.wbi, request.url, WBI_OPTIONAL);

  /**
   * Who a play is counted for: the user; else the device, when the buvid3 cookie is an id Replay issued
   * (`d:`, checked without a query); else the cookie's value as the browser's own id (`b:`, a buvid3 from
   * elsewhere still tells browsers apart); else the address.
   */
  const viewerKey = (request: FastifyRequest): string => {
    if (request.identity) return `m:${request.identity.mid}`;
    const buvid = request.cookies['buvid3'];
    if (buvid && buvid.length <= 64) return services.devices.isIssued(buvid) ? `d:${buvid}` : `b:${buvid}`;
    return `ip:${request.ip}`;
  };

  app.post(
    '/x/v2/history/report',
    {
      config: { bili: { auth: 'required', write: true } },
      schema: {
        querystring: Params({
          aid: Id(),
          cid: Id(),
          progress: Seconds(-1),
          platform: Opt(Str({ maxLength: 32 })),
          // The app's report may name the episode like the heartbeat does (type 4/10, epid, sid).
          type: Count(),
          sub_type: Count(),
          epid: Count(),
          sid: Count(),
        }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const identity = request.identity!;
      const q = request.query;
      await history.report(
        { mid: identity.mid, mode: identity.mode },
        {
          aid: q.aid,
          cid: q.cid,
          progress: q.progress,
          dt: dtForPlatform(q.platform, identity.mode),
          type: q.type,
          epid: q.epid,
          sid: q.sid,
        },
      );
      return done();
    },
  );

  app.post(
    '/x/click-interface/web/heartbeat',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      preValidation: optionalCsrfWrite,
      schema: {
        querystring: Params({
          aid: Opt(Id()),
          bvid: Bvid(),
          cid: Opt(Id()),
          epid: Count(),
          sid: Count(),
          mid: Count(),
          played_time: Seconds(-1),
          realtime: Seconds(),
          real_played_time: Seconds(),
          video_duration: Seconds(),
          last_play_progress_time: Seconds(-1),
          max_play_progress_time: Seconds(-1),
          start_ts: Count(),
          type: Count(),
          sub_type: Count(),
          dt: Opt(Int({ minimum: 0, maximum: 255 })),
          play_type: Opt(Int({ minimum: 0, maximum: 4 })),
          quality: Count(),
          outer: Count(),
          session: Opt(Str({ maxLength: 64 })),
          extra: Opt(Str({ maxLength: 4096 })),
          // The Wbi-signed URL mirror of the body; a body value wins, a missing one is taken from here.
          w_aid: Opt(Id()),
          w_mid: Count(),
          w_dt: Opt(Int({ minimum: 0, maximum: 255 })),
          w_start_ts: Count(),
          w_realtime: Seconds(),
          w_playedtime: Seconds(-1),
          w_real_played_time: Seconds(),
          w_video_duration: Seconds(),
          w_last_play_progress_time: Seconds(-1),
        }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const q = request.query;
      checkWbi(request);
      if (q.extra !== undefined && q.extra !== '' && !isJsonObject(q.extra)) {
        throw badParam('extra', '应为 JSON 对象');
      }
      // `mid` is the page's idea of the viewer; the session decides, so a different value is ignored.
      await history.heartbeat(
        request.identity?.mid ?? null,
        viewerKey(request),
        {
          aid: q.aid ?? q.w_aid,
          bvid: q.bvid,
          cid: q.cid,
          played_time: q.played_time ?? q.w_playedtime,
          realtime: q.realtime ?? q.w_realtime,
          real_played_time: q.real_played_time ?? q.w_real_played_time,
          video_duration: q.video_duration ?? q.w_video_duration,
          start_ts: q.start_ts ?? q.w_start_ts,
          dt: q.dt ?? q.w_dt,
          play_type: q.play_type,
          session: q.session,
          type: q.type,
          epid: q.epid,
          sid: q.sid,
        },
        request.ip,
      );
      return done();
    },
  );

  app.post(
    '/x/click-interface/click/web/h5',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      preValidation: optionalCsrfWrite,
      schema: {
        querystring: Params({
          aid: Opt(Id()),
          w_aid: Opt(Id()),
          cid: Opt(Id()),
          mid: Count(),
          part: Count(),
          lv: Count(),
          ftime: Count(),
          stime: Count(),
          type: Count(),
          sub_type: Count(),
          outer: Count(),
          session: Opt(Str({ maxLength: 64 })),
        }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const q = request.query;
      checkWbi(request);
      const aid = q.aid ?? q.w_aid;
      if (aid === undefined) throw badParam('aid', '缺失');
      await history.click(viewerKey(request), aid, q.cid, request.ip);
      return done();
    },
  );

  app.get(
    '/x/web-interface/history/cursor',
    {
      config: { bili: { auth: 'required', modes: ['cookie'] } },
      schema: {
        querystring: Params({
          max: Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
          business: Opt(Str({ maxLength: 32, default: '' })),
          view_at: Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
          type: Opt(Str({ maxLength: 16, default: 'all' })),
          ps: Opt(Int({ minimum: 1, maximum: 30, default: 20 })),
        }),
        response: { 200: Envelope(HistoryCursorData) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await history.cursor(request.identity!.mid, {
        max: q.max ?? 0,
        business: q.business ?? '',
        viewAt: q.view_at ?? 0,
        type: q.type || 'all',
        ps: q.ps ?? 20,
      });
      const publicUrl = config.publicUrl;
      return ok({
        // The service hands back a stored business, one of the wire's (or "" at the end).
        cursor: { ...page.cursor, business: page.cursor.business as HistoryCursor['business'] },
        tab: [...HISTORY_TABS],
        list: page.entries.map((e) => cursorItem(e, publicUrl)),
      });
    },
  );

  app.get(
    '/x/v2/history',
    {
      config: { bili: { auth: 'required', modes: ['cookie'] } },
      schema: {
        querystring: Params({
          pn: Opt(Int({ minimum: 1, maximum: 100_000, default: 1 })),
          ps: Opt(Int({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: { 200: Envelope(HistoryList) },
      },
    },
    async (request) => {
      const entries = await history.list(
        request.identity!.mid,
        request.query.pn ?? 1,
        request.query.ps ?? 20,
      );
      return ok(entries.map((e) => historyEntry(e, config.publicUrl)));
    },
  );

  app.post(
    '/x/v2/history/delete',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: { querystring: Params({ kid: Str({ maxLength: 64 }) }), response: { 200: DoneEnvelope } },
    },
    async (request) => {
      await history.delete(request.identity!.mid, request.query.kid);
      return done();
    },
  );

  app.post(
    '/x/v2/history/clear',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: { response: { 200: DoneEnvelope } },
    },
    async (request) => {
      await history.clear(request.identity!.mid);
      return done();
    },
  );

  app.post(
    '/x/v2/history/shadow/set',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({ switch: Opt(Str({ maxLength: 8 })) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      await history.setPaused(request.identity!.mid, parseSwitch(request.query.switch));
      return done();
    },
  );

  app.get(
    '/x/v2/history/shadow',
    {
      config: { bili: { auth: 'required', modes: ['cookie'] } },
      schema: { response: { 200: Envelope(HistoryShadowData) } },
    },
    async (request) => ok(await history.isPaused(request.identity!.mid)),
  );

  for (const path of ['/x/player/v2', '/x/player/wbi/v2']) {
    app.get(
      path,
      {
        config: { bili: { auth: 'optional', modes: ['cookie'] } },
        schema: {
          querystring: Params({
            aid: Opt(Id()),
            bvid: Bvid(),
            cid: Id(),
            season_id: Count(),
            ep_id: Count(),
          }),
          response: { 200: Envelope(PlayerData) },
        },
      },
      async (request) => {
        checkWbi(request);
        const q = request.query;
        const user = request.identity?.user ?? null;
        const state = await history.player(user?.mid ?? null, q.aid, q.bvid, q.cid, {
          seasonId: q.season_id,
          epid: q.ep_id,
        });
        const online = await services.online.count(state.archive.aid, state.page.cid);
        return ok({
          ...playerData(state, user, request.ip, services.clock.nowMs()),
          online_count: online.total,
        });
      },
    );
  }
}

/**
 * The URL's own query, without the form body the auth plugin merges in: the Wbi signature covers only
 * what is in the URL (the heartbeat's `w_*` mirror). A repeated key becomes an array, which never verifies.
 */

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** `switch` of shadow/set: a bool, default false (CONTRACT.md §7.5). */
function parseSwitch(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badParam('switch', '只能是 true 或 false');
}
