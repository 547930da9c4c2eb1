import type { IssuedSpi, WebTicket } from '../../services/device.service.ts';
import type { WbiImg } from '../../wire/account.schema.ts';
import type { GetBuvidResponse, SpiResponse, WebTicketResponse } from '../../wire/device.schema.ts';

/** The whole `finger/spi` body (not the envelope). */
export function spiBody(issued: IssuedSpi): SpiResponse {
  return { code: 0, data: { b_3: issued.buvid3, b_4: issued.buvid4 }, message: 'ok' };
}

/** The whole `getbuvid` body (not the envelope). */
export function getBuvidBody(buvid3: string): GetBuvidResponse {
  return { code: 0, data: { buvid: buvid3 } };
}

/** The whole GenWebTicket body; `nav` carries the same key image URLs as nav's `wbi_img`. */
export function webTicketBody(ticket: WebTicket, wbi: WbiImg): WebTicketResponse {
  return {
    code: 0,
    message: 'OK',
    data: {
      ticket: ticket.ticket,
      created_at: ticket.created_at,
      ttl: ticket.ttl,
      context: {},
      nav: { img: wbi.img_url, sub: wbi.sub_url },
    },
    ttl: 1,
  };
}
