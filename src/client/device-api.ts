import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import type { GetBuvidResponse, SpiResponse, WebTicketResponse } from '../wire/device.schema.ts';

export type {
  GetBuvidData,
  GetBuvidResponse,
  SpiData,
  SpiResponse,
  WebTicketData,
  WebTicketNav,
  WebTicketResponse,
} from '../wire/device.schema.ts';

/** The key web clients sign GenWebTicket's `ts<seconds>` with (a public constant of Bilibili's page). */
const WEB_TICKET_HMAC_KEY = 'XgwSnGZ1p';

/**
 * `hexsign` of GenWebTicket for a Unix time in seconds. Web Crypto, not node:crypto: the web UI bundles
 * this client.
 */
export async function webTicketSign(ts: number): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(WEB_TICKET_HMAC_KEY),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`ts${ts}`)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Device identity (docs/api/device-identity.md): `client.device.*`. spi, getbuvid and GenWebTicket answer
 * outside the standard envelope on success; their errors are the envelope.
 */
export class DeviceApi {
  constructor(private readonly client: BiliClient) {}

  /** `GET /x/frontend/finger/spi`: a buvid3 (`b_3`) and a buvid4 (`b_4`); sets no cookie. */
  spi(): Promise<SpiResponse | BiliEnvelope> {
    return this.client.get('/x/frontend/finger/spi');
  }

  /** `GET /x/web-frontend/getbuvid`: a buvid3 alone. */
  getbuvid(): Promise<GetBuvidResponse | BiliEnvelope> {
    return this.client.get('/x/web-frontend/getbuvid');
  }

  /**
   * `POST /x/internal/gaia-gateway/ExClimbWuzhi` with a browser fingerprint, JSON-encoded into the string
   * `payload` of a JSON body as pages send it; the device is this client's `buvid3` cookie.
   */
  activate(fingerprint: Record<string, unknown> = defaultFingerprint()): Promise<BiliEnvelope<null>> {
    return this.activateRaw({ payload: JSON.stringify(fingerprint) });
  }

  /** ExClimbWuzhi with an arbitrary JSON body (to test what a malformed one gets). */
  async activateRaw(json: unknown): Promise<BiliEnvelope<null>> {
    return (await this.client.raw<BiliEnvelope<null>>('POST', EX_CLIMB_WUZHI, {}, { json })).body;
  }

  /**
   * What a stock client does before its first request: spi, keep `b_3`/`b_4` as the `buvid3`/`buvid4`
   * cookies, then activate. Returns the spi answer and the activation's.
   */
  async handshake(): Promise<{ spi: SpiResponse | BiliEnvelope; activation: BiliEnvelope<null> | null }> {
    const spi = await this.spi();
    // Only a success is the spi shape; any other code is the envelope.
    if (spi.code !== 0) return { spi, activation: null };
    const data = (spi as SpiResponse).data;
    this.client.cookies['buvid3'] = data.b_3;
    this.client.cookies['buvid4'] = encodeURIComponent(data.b_4);
    return { spi, activation: await this.activate() };
  }

  /**
   * `POST /bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket`, parameters in the URL and no body. `ts`
   * defaults to now; `hexsign` to its correct signature. On success the ticket is kept as the
   * `bili_ticket` and `bili_ticket_expires` cookies, as the web page keeps it.
   */
  async webTicket(
    options: { ts?: number; hexsign?: string; keyId?: string; csrf?: string } = {},
  ): Promise<WebTicketResponse | BiliEnvelope> {
    const ts = options.ts ?? Math.floor(Date.now() / 1000);
    const params = {
      key_id: options.keyId ?? 'ec02',
      hexsign: options.hexsign ?? (await webTicketSign(ts)),
      'context[ts]': ts,
      csrf: options.csrf ?? '',
    };
    const answer = (
      await this.client.raw<WebTicketResponse | BiliEnvelope>('POST', GEN_WEB_TICKET, params, {})
    ).body;
    if (answer.code === 0) {
      const data = (answer as WebTicketResponse).data;
      this.client.cookies['bili_ticket'] = data.ticket;
      this.client.cookies['bili_ticket_expires'] = String(data.created_at + data.ttl);
    }
    return answer;
  }
}

const EX_CLIMB_WUZHI = '/x/internal/gaia-gateway/ExClimbWuzhi';
const GEN_WEB_TICKET = '/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket';

/** A small fingerprint in the page's shape (obfuscated keys): time, page URL, spm id, viewport, language. */
function defaultFingerprint(): Record<string, unknown> {
  return {
    '3064': 1,
    '5062': Date.now(),
    '03bf': encodeURIComponent('https://www.bilibili.com/'),
    '39c8': '333.788.fp.risk',
    '6e7c': '1280x800',
    '07a4': 'en-US',
  };
}
