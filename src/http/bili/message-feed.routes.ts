import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { BiliError } from '../../errors.ts';
import { LIKE_DETAIL_MAX_PAGE, LIKE_DETAIL_PAGE } from '../../services/message-feed.service.ts';
import type { Services } from '../../services/services.ts';
import type { FeedCursor } from '../../store/repositories/notice.repository.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import {
  MsgAtData,
  MsgLikeData,
  MsgLikeDetailData,
  MsgReplyData,
  MsgUnreadData,
} from '../../wire/message-feed.schema.ts';
import { done, ok } from '../envelope.ts';
import {
  atFeedData,
  likeDetailData,
  likeFeedData,
  replyFeedData,
  unreadData,
} from '../mappers/message-feed.mapper.ts';
import { Id, Int, Params } from '../params.ts';

const Opt = Type.Optional;
/** A cursor half: absent or 0 on the first page. */
const CursorPart = () => Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }));

const READ = { bili: { auth: 'required' } } as const;
const WRITE = { bili: { auth: 'required', write: true } } as const;

/** Both halves given: a next page; otherwise the first page (which marks the feed read). */
function cursorOf(id: number | undefined, time: number | undefined): FeedCursor | null {
  return id && time ? { id, time } : null;
}

/** The message center (CONTRACT.md §15): what the signed-in user received. */
export function messageFeedRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const feed = services.messageFeed;
  const me = (request: FastifyRequest): number => {
    const identity = request.identity;
    if (!identity) throw new BiliError(-101);
    return identity.mid;
  };

  app.get(
    '/x/msgfeed/unread',
    { config: READ, schema: { querystring: Params({}), response: { 200: Envelope(MsgUnreadData) } } },
    async (request) => ok(unreadData(await feed.unread(me(request)))),
  );

  app.get(
    '/x/msgfeed/reply',
    {
      config: READ,
      schema: {
        querystring: Params({ id: CursorPart(), reply_time: CursorPart() }),
        response: { 200: Envelope(MsgReplyData) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await feed.notices(me(request), 'reply', cursorOf(q.id, q.reply_time));
      return ok(replyFeedData(page, config.publicUrl));
    },
  );

  app.get(
    '/x/msgfeed/at',
    {
      config: READ,
      schema: {
        querystring: Params({ id: CursorPart(), at_time: CursorPart() }),
        response: { 200: Envelope(MsgAtData) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await feed.notices(me(request), 'at', cursorOf(q.id, q.at_time));
      return ok(atFeedData(page, config.publicUrl));
    },
  );

  app.get(
    '/x/msgfeed/like',
    {
      config: READ,
      schema: {
        querystring: Params({ id: CursorPart(), like_time: CursorPart() }),
        response: { 200: Envelope(MsgLikeData) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await feed.likes(me(request), cursorOf(q.id, q.like_time));
      return ok(likeFeedData(page, config.publicUrl));
    },
  );

  app.get(
    '/x/msgfeed/like_detail',
    {
      config: READ,
      schema: {
        querystring: Params({
          card_id: Id(),
          pn: Opt(Int({ minimum: 1, maximum: 1_000_000, default: 1 })),
          ps: Opt(Int({ minimum: 1, maximum: LIKE_DETAIL_MAX_PAGE, default: LIKE_DETAIL_PAGE })),
          last_mid: Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
        }),
        response: { 200: Envelope(MsgLikeDetailData) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await feed.likeDetail(me(request), {
        cardId: q.card_id,
        pn: q.pn ?? 1,
        ps: q.ps ?? LIKE_DETAIL_PAGE,
        lastMid: q.last_mid ?? 0,
      });
      return ok(likeDetailData(page, config.publicUrl));
    },
  );

  app.post(
    '/x/msgfeed/del',
    {
      config: WRITE,
      schema: {
        querystring: Params({ tp: Int({ minimum: 0, maximum: 2 }), id: Id() }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      await feed.delete(me(request), request.query.tp, request.query.id);
      return done();
    },
  );

  app.post(
    '/x/msgfeed/notice',
    {
      config: WRITE,
      schema: {
        querystring: Params({
          tp: Int({ minimum: 0, maximum: 0 }),
          id: Id(),
          notice_state: Int({ minimum: 0, maximum: 1 }),
        }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const q = request.query;
      await feed.setNoticeState(me(request), q.tp, q.id, q.notice_state);
      return done();
    },
  );
}
