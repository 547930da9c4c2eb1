import Type from 'typebox';
import type { Static } from 'typebox';
import { Envelope, Wire } from './envelope.schema.ts';

/**
 * Device identity (docs/api/device-identity.md). Three of these answers are not the standard envelope,
 * so their schemas describe the whole body, in Bilibili's key order.
 */

/** `data` of `GET /x/frontend/finger/spi`. */
export const SpiData = Wire({ b_3: Type.String(), b_4: Type.String() });
export type SpiData = Static<typeof SpiData>;

/** The whole spi body: no `ttl`, and `message` is a lowercase `"ok"` after `data`. */
export const SpiResponse = Wire({ code: Type.Integer(), data: SpiData, message: Type.Literal('ok') });
export type SpiResponse = Static<typeof SpiResponse>;

/** `data` of `GET /x/web-frontend/getbuvid`. */
export const GetBuvidData = Wire({ buvid: Type.String() });
export type GetBuvidData = Static<typeof GetBuvidData>;

/** The whole getbuvid body: `code` and `data` only. */
export const GetBuvidResponse = Wire({ code: Type.Integer(), data: GetBuvidData });
export type GetBuvidResponse = Static<typeof GetBuvidResponse>;

/** `POST /x/internal/gaia-gateway/ExClimbWuzhi`: the envelope with `data: null`. */
export const ExClimbWuzhiResponse = Envelope(Type.Null());

/** `data.nav` of GenWebTicket: the Wbi key image URLs, as nav's `wbi_img`. */
export const WebTicketNav = Wire({ img: Type.String(), sub: Type.String() });
export type WebTicketNav = Static<typeof WebTicketNav>;

/** `data` of `POST /bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket`. */
export const WebTicketData = Wire({
  /** A JWT: the value of the `bili_ticket` cookie. */
  ticket: Type.String(),
  created_at: Type.Integer(),
  ttl: Type.Integer(),
  context: Wire({}),
  nav: WebTicketNav,
});
export type WebTicketData = Static<typeof WebTicketData>;

/** The whole GenWebTicket body: `message` is `"OK"` and `ttl` comes last. */
export const WebTicketResponse = Wire({
  code: Type.Integer(),
  message: Type.Literal('OK'),
  data: WebTicketData,
  ttl: Type.Literal(1),
});
export type WebTicketResponse = Static<typeof WebTicketResponse>;
