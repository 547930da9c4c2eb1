import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, webTicketSign } from '../../src/client/index.ts';
import type { SpiResponse, WebTicketResponse } from '../../src/client/index.ts';
import { BUVID3_PATTERN, BUVID4_PATTERN } from '../../src/domain/device-id.ts';
import {
  ExClimbWuzhiResponse,
  GetBuvidResponse,
  SpiResponse as SpiSchema,
  WebTicketResponse as WebTicketSchema,
} from '../../src/wire/device.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

/** The formats of CONTRACT §22.1.4, written out independently of the server's own patterns. */
const B3 = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}[0-9]{5}infoc$/;
const B4 =
  /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}[0-9]{5}-0[0-9]{8}-[A-Za-z0-9+/]{22}==$/;

const ACTIVATE = '/x/internal/gaia-gateway/ExClimbWuzhi';
const TICKET = '/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket';
const YEAR = 365 * 86_400;

/** A fingerprint body as the Python library and the page build it: a JSON object inside a string. */
function pageStyleBody(uuid: string): string {
  const inner = { '3064': 1, '5062': Date.now(), '03bf': 'https%3A%2F%2Fwww.bilibili.com%2F', df35: uuid };
  return JSON.stringify({ payload: JSON.stringify(inner) });
}

function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

describe.each(dialects())('device identity (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s?.close());

  const device = (buvid3: string) =>
    s.store.db.selectFrom('devices').selectAll().where('buvid3', '=', buvid3).executeTakeFirst();
  const now = () => Math.floor(s.clock.nowMs() / 1000);
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${s.url}${path}`, { method: 'POST', headers, body });

  describe('GET /x/frontend/finger/spi and /x/web-frontend/getbuvid', () => {
    it('spi: {code, data{b_3, b_4}, message:"ok"}, no ttl, in the formats of Bilibili, a new pair each call', async () => {
      const res = await fetch(`${s.url}/x/frontend/finger/spi`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.getSetCookie()).toEqual([]);
      const body = (await res.json()) as SpiResponse;
      expect(Object.keys(body)).toEqual(['code', 'data', 'message']);
      expect(Object.keys(body.data)).toEqual(['b_3', 'b_4']);
      expectWire(SpiSchema, body);
      expect(body.code).toBe(0);
      expect(body.message).toBe('ok');
      expect(body.data.b_3).toMatch(B3);
      expect(body.data.b_3).toHaveLength(46);
      expect(body.data.b_4).toMatch(B4);
      // One pair shares its five digits, as Bilibili's do; the date block is the UTC hour of issue.
      expect(body.data.b_4.slice(36, 41)).toBe(body.data.b_3.slice(36, 41));
      const d = new Date(s.clock.nowMs());
      const hour = `0${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${String(d.getUTCHours()).padStart(2, '0')}`;
      expect(body.data.b_4.split('-')[5]).toBe(hour);
      expect(B3.source).toBe(BUVID3_PATTERN.source.replaceAll('\\d', '[0-9]'));
      expect(B4.source).toBe(BUVID4_PATTERN.source.replaceAll('\\d', '[0-9]'));

      const again = (await s.anonymous().device.spi()) as SpiResponse;
      expect(again.data.b_3).not.toBe(body.data.b_3);
      expect(again.data.b_4).not.toBe(body.data.b_4);
      expect(await device(body.data.b_3)).toEqual({
        buvid3: body.data.b_3,
        buvid4: body.data.b_4,
        source: 'spi',
        issued_at: expect.anything() as unknown,
        activated_at: null,
      });
      expect(Number((await device(body.data.b_3))!.issued_at)).toBe(now());
    });

    it('getbuvid: {code, data{buvid}} only, a buvid3 Replay remembers', async () => {
      const res = await fetch(`${s.url}/x/web-frontend/getbuvid`);
      const text = await res.text();
      const body = JSON.parse(text) as { code: number; data: { buvid: string } };
      expect(Object.keys(body)).toEqual(['code', 'data']);
      expectWire(GetBuvidResponse, body);
      expect(body.code).toBe(0);
      expect(body.data.buvid).toMatch(B3);
      expect(await device(body.data.buvid)).toMatchObject({
        buvid4: null,
        source: 'getbuvid',
        activated_at: null,
      });
    });
  });

  describe('the handshake of a stock client, starting with no cookies', () => {
    it('spi → ExClimbWuzhi (JSON body) → GenWebTicket; the device is marked activated once', async () => {
      const client = createClient({ baseUrl: s.url });
      expect(client.cookies).toEqual({});
      const { spi, activation } = await client.device.handshake();
      const b3 = (spi as SpiResponse).data.b_3;
      expect(client.cookies['buvid3']).toBe(b3);
      expect(activation).toEqual({ code: 0, message: '0', ttl: 1, data: null });
      expectWire(ExClimbWuzhiResponse, activation);
      const activatedAt = now();
      expect(Number((await device(b3))!.activated_at)).toBe(activatedAt);

      // A second activation of the same device keeps the first time.
      s.clock.advance(60);
      expect(await client.device.activate()).toMatchObject({ code: 0 });
      expect(Number((await device(b3))!.activated_at)).toBe(activatedAt);

      const ticket = await client.device.webTicket({ ts: now() });
      expect(Object.keys(ticket)).toEqual(['code', 'message', 'data', 'ttl']);
      expectWire(WebTicketSchema, ticket);
      const t = ticket as WebTicketResponse;
      expect(t).toMatchObject({ code: 0, message: 'OK', ttl: 1 });
      expect(Object.keys(t.data)).toEqual(['ticket', 'created_at', 'ttl', 'context', 'nav']);
      expect(t.data.created_at).toBe(now());
      expect(t.data.ttl).toBe(259_200);
      expect(t.data.context).toEqual({});
      const keys = s.services.wbi.keys();
      expect(t.data.nav).toEqual({
        img: `${s.config.publicUrl}/bfs/wbi/${keys.imgKey}.png`,
        sub: `${s.config.publicUrl}/bfs/wbi/${keys.subKey}.png`,
      });
      const nav = await client.nav();
      expect(nav.data).toMatchObject({
        wbi_img: { img_url: t.data.nav.img, sub_url: t.data.nav.sub },
      });
      // A JWT: Bilibili's header byte for byte, exp = iat + 3 days + 60 s, an HS256 signature.
      const [header, payload, signature] = t.data.ticket.split('.');
      expect(header).toBe('eyJhbGciOiJIUzI1NiIsImtpZCI6InMwMyIsInR5cCI6IkpXVCJ9');
      expect(decodePart(header!)).toEqual({ alg: 'HS256', kid: 's03', typ: 'JWT' });
      expect(decodePart(payload!)).toEqual({ exp: now() + 259_260, iat: now(), plt: -1 });
      expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(client.cookies['bili_ticket']).toBe(t.data.ticket);
      expect(client.cookies['bili_ticket_expires']).toBe(String(now() + 259_200));
    });

    it("the Python library's request, byte for byte in shape: JSON body, buvid cookies, answered 0", async () => {
      const spi = (await s.anonymous().device.spi()) as SpiResponse;
      const res = await post(ACTIVATE, pageStyleBody('753712DA-9F36-16C2-5576-54F1DD3A7DE632710infoc'), {
        'content-type': 'application/json',
        cookie: `buvid3=${spi.data.b_3}; buvid4=${spi.data.b_4}; buvid_fp=ac842ef66c103bfa08b4a4bc2dc142fe; _uuid=753712DA-9F36-16C2-5576-54F1DD3A7DE632710infoc`,
      });
      expect(await res.json()).toEqual({ code: 0, message: '0', ttl: 1, data: null });
      expect((await device(spi.data.b_3))!.activated_at).not.toBeNull();
    });

    it('a form body with the payload field works too', async () => {
      const spi = (await s.anonymous().device.spi()) as SpiResponse;
      const form = new URLSearchParams({ payload: '{"3064":1}' }).toString();
      const res = await post(ACTIVATE, form, {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `buvid3=${spi.data.b_3}`,
      });
      expect(await res.json()).toEqual({ code: 0, message: '0', ttl: 1, data: null });
      expect((await device(spi.data.b_3))!.activated_at).not.toBeNull();
    });

    it('an activation without a buvid3, or with one Replay did not issue, is answered 0 and stores nothing', async () => {
      const before = await s.store.db.selectFrom('devices').selectAll().execute();
      const forged = 'D9656DA8-9BEF-F464-5B72-C4849AFD336379044infoc';
      expect(await createClient({ baseUrl: s.url }).device.activate()).toMatchObject({ code: 0 });
      expect(
        await createClient({ baseUrl: s.url, cookies: { buvid3: forged } }).device.activate(),
      ).toMatchObject({
        code: 0,
      });
      expect(await s.store.db.selectFrom('devices').selectAll().execute()).toEqual(before);
    });
  });

  describe('POST /x/internal/gaia-gateway/ExClimbWuzhi: malformed bodies are -400, nothing stored', () => {
    it.each([
      ['a body that is not JSON', '{"payload":', -400, /^请求错误: /],
      ['no payload', '{"3064":1}', -400, /^请求错误: 缺少参数 payload$/],
      [
        'a payload that is an object, not a string',
        '{"payload":{"3064":1}}',
        -400,
        /^请求错误: 参数 payload /,
      ],
      [
        'a payload string that is not JSON',
        '{"payload":"not json"}',
        -400,
        /^请求错误: 参数 payload 应为 JSON 对象的字符串$/,
      ],
      [
        'a payload string holding an array',
        '{"payload":"[1,2]"}',
        -400,
        /^请求错误: 参数 payload 应为 JSON 对象的字符串$/,
      ],
      ['an empty body', '', -400, /^请求错误: 缺少参数 payload$/],
      ['a JSON array', '[{"payload":"{}"}]', -400, /^请求错误: 缺少参数 payload$/],
      [
        'a payload over 64 KiB',
        JSON.stringify({ payload: JSON.stringify({ a: 'x'.repeat(70_000) }) }),
        -400,
        /^请求错误: 参数 payload /,
      ],
      [
        'a body over the body limit',
        JSON.stringify({ payload: 'x'.repeat(300_000) }),
        -400,
        /^请求错误: 请求体过大$/,
      ],
    ])('%s', async (_name, body, code, message) => {
      const spi = (await s.anonymous().device.spi()) as SpiResponse;
      const res = await post(ACTIVATE, body, {
        'content-type': 'application/json',
        cookie: `buvid3=${spi.data.b_3}`,
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { code: number; message: string; ttl: number };
      expect(answer.code).toBe(code);
      expect(answer.ttl).toBe(1);
      expect(answer.message).toMatch(message);
      expect((await device(spi.data.b_3))!.activated_at).toBeNull();
    });
  });

  describe('POST /bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket', () => {
    const url = (params: Record<string, string>) =>
      `${s.url}${TICKET}?${new URLSearchParams(params).toString()}`;

    it('the documented test vector verifies (time is not checked): 1723433820 → 6c7c9cf8…', async () => {
      expect(await webTicketSign(1723433820)).toBe(
        '6c7c9cf83377b5e07ac179dfff8e9db5f718106b33139a01fb1815192677d013',
      );
      const res = await fetch(
        url({
          key_id: 'ec02',
          hexsign: '6c7c9cf83377b5e07ac179dfff8e9db5f718106b33139a01fb1815192677d013',
          'context[ts]': '1723433820',
          csrf: '',
        }),
        { method: 'POST' },
      );
      const body = (await res.json()) as WebTicketResponse;
      expect(body).toMatchObject({ code: 0, message: 'OK', ttl: 1 });
      expect(body.data.created_at).toBe(now());
    });

    it('a bad hexsign is code 400 (参数错误) in the envelope', async () => {
      const ts = now();
      const wrong = createHmac('sha256', 'not-the-key').update(`ts${ts}`).digest('hex');
      const answer = await s.anonymous().device.webTicket({ ts, hexsign: wrong });
      expect(answer).toEqual({ code: 400, message: '参数错误: hexsign 校验失败', ttl: 1 });
      // The signature of another second is refused as well, except the one just before `ts`.
      expect(
        await s.anonymous().device.webTicket({ ts, hexsign: await webTicketSign(ts + 1) }),
      ).toMatchObject({
        code: 400,
      });
      expect(
        await s.anonymous().device.webTicket({ ts, hexsign: await webTicketSign(ts - 2) }),
      ).toMatchObject({
        code: 400,
      });
      expect(
        await s.anonymous().device.webTicket({ ts, hexsign: await webTicketSign(ts - 1) }),
      ).toMatchObject({
        code: 0,
      });
      expect(
        await s.anonymous().device.webTicket({ ts, hexsign: (await webTicketSign(ts)).toUpperCase() }),
      ).toMatchObject({ code: 0 });
    });

    it('missing or malformed parameters are code 400 naming them', async () => {
      const ts = String(now());
      const sign = await webTicketSign(Number(ts));
      const cases: [Record<string, string>, string][] = [
        [{ key_id: 'ec02', 'context[ts]': ts }, '参数错误: 缺少参数 hexsign'],
        [{ key_id: 'ec02', hexsign: sign }, '参数错误: 缺少参数 context[ts]'],
        [{ hexsign: sign, 'context[ts]': ts }, '参数错误: 缺少参数 key_id'],
        [{ key_id: 'ec02', hexsign: sign, 'context[ts]': 'soon' }, '参数错误: 参数 context[ts] 格式错误'],
        [{ key_id: 'ec02', hexsign: sign, 'context[ts]': '-5' }, '参数错误: 参数 context[ts] 格式错误'],
      ];
      for (const [params, message] of cases) {
        const res = await fetch(url(params), { method: 'POST' });
        expect(await res.json(), JSON.stringify(params)).toEqual({ code: 400, message, ttl: 1 });
      }
    });

    it('as clients send it: raw brackets in the URL, an empty JSON body, or the parameters in a form', async () => {
      const ts = now();
      const sign = await webTicketSign(ts);
      const raw = await fetch(`${s.url}${TICKET}?key_id=ec02&hexsign=${sign}&context[ts]=${ts}&csrf=`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '',
      });
      expect(await raw.json()).toMatchObject({ code: 0, message: 'OK' });
      const form = await post(TICKET, `key_id=ec02&hexsign=${sign}&context%5Bts%5D=${ts}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(await form.json()).toMatchObject({ code: 0, message: 'OK' });
    });
  });

  describe('the buvid3 / b_nut cookies of a page visit', () => {
    const visit = async (path: string, cookie?: string) => {
      const res = await fetch(`${s.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      await res.arrayBuffer();
      return res.headers.getSetCookie();
    };
    const parse = (lines: string[]): Record<string, { value: string; attrs: string[] }> =>
      Object.fromEntries(
        lines.map((line) => {
          const [pair, ...attrs] = line.split(';').map((p) => p.trim());
          const [name = '', value = ''] = pair!.split('=');
          return [name, { value, attrs: attrs.map((a) => a.toLowerCase()) }];
        }),
      );

    it('a first visit gets a new buvid3 and b_nut = now, for a year on /; not again once both are held', async () => {
      const set = parse(await visit('/'));
      expect(Object.keys(set).sort()).toEqual(['b_nut', 'buvid3']);
      expect(set['buvid3']!.value).toMatch(B3);
      expect(set['b_nut']!.value).toBe(String(now()));
      const expires = new Date((now() + YEAR) * 1000).toUTCString().toLowerCase();
      for (const name of ['buvid3', 'b_nut']) {
        expect(set[name]!.attrs).toContain('path=/');
        expect(set[name]!.attrs).toContain(`expires=${expires}`);
        expect(set[name]!.attrs).not.toContain('httponly');
      }
      expect(await device(set['buvid3']!.value)).toMatchObject({ source: 'page', activated_at: null });
      // Held: nothing is set, on this page or another.
      const held = `buvid3=${set['buvid3']!.value}; b_nut=${set['b_nut']!.value}`;
      expect(await visit('/', held)).toEqual([]);
      expect(await visit('/history', held)).toEqual([]);
    });

    it('only buvid3 → b_nut=100; only b_nut → as with none; other cookies change nothing', async () => {
      const rows = async () => (await s.store.db.selectFrom('devices').select('buvid3').execute()).length;
      const count = await rows();
      const onlyB3 = parse(await visit('/history', 'buvid3=0A-somebody-elses-infoc; SESSDATA=x'));
      expect(Object.keys(onlyB3)).toEqual(['b_nut']);
      expect(onlyB3['b_nut']!.value).toBe('100');
      expect(await rows()).toBe(count);
      const onlyNut = parse(await visit('/video/BV1xx411c7mD', 'b_nut=1721975923; other=1'));
      expect(Object.keys(onlyNut).sort()).toEqual(['b_nut', 'buvid3']);
      expect(onlyNut['b_nut']!.value).toBe(String(now()));
      expect(await rows()).toBe(count + 1);
    });

    it('HEAD of a page sets them too; a visit refused with -400 sets and stores nothing', async () => {
      const head = await fetch(`${s.url}/login`, { method: 'HEAD' });
      expect(Object.keys(parse(head.headers.getSetCookie())).sort()).toEqual(['b_nut', 'buvid3']);
      const rows = async () => (await s.store.db.selectFrom('devices').select('buvid3').execute()).length;
      const count = await rows();
      const refused = await fetch(`${s.url}/history?go_url=%00`);
      expect(await refused.json()).toMatchObject({ code: -400 });
      expect(refused.headers.getSetCookie()).toEqual([]);
      expect(await rows()).toBe(count);
    });

    it('API answers and other paths set no device cookie', async () => {
      expect(await visit('/x/web-interface/nav')).toEqual([]);
      expect(await visit('/favicon.svg')).toEqual([]);
      expect(await visit('/x/frontend/finger/spi')).toEqual([]);
    });
  });

  describe('play counting by device', () => {
    let aid: number;
    const views = async () => (await s.admin.history.archiveStats(aid)).view;
    const viewers = async () =>
      (await s.store.db.selectFrom('play_counts').select('viewer').where('aid', '=', aid).execute())
        .map((r) => r.viewer)
        .sort();

    beforeAll(async () => {
      const owner = await s.signedIn();
      aid = (
        await s.admin.createArchive({
          aid: 770001,
          title: 'device plays',
          owner_mid: owner.mid,
          pages: [{ cid: 7700011, part: 'one', duration: 100 }],
        })
      ).aid;
    });

    it('an id Replay issued counts as its device (d:), once per window, across h5 and heartbeat', async () => {
      const before = await views();
      const a = createClient({ baseUrl: s.url });
      await a.device.handshake();
      const b = createClient({ baseUrl: s.url });
      await b.device.handshake();
      expect(await a.history.click({ aid })).toMatchObject({ code: 0 });
      expect(await a.history.heartbeat({ aid, play_type: 1 })).toMatchObject({ code: 0 });
      expect(await b.history.heartbeat({ aid, play_type: 1 })).toMatchObject({ code: 0 });
      expect(await views()).toBe(before + 2);
      expect(await viewers()).toEqual([`d:${a.cookies['buvid3']}`, `d:${b.cookies['buvid3']}`].sort());
    });

    it('a buvid3 from elsewhere (or with wrong check digits) still counts, keyed by the cookie value (b:)', async () => {
      const issued = ((await s.anonymous().device.spi()) as SpiResponse).data.b_3;
      // Same format, one check digit changed: not an id Replay issued.
      const last = issued[35] === 'A' ? 'B' : 'A';
      const tampered = `${issued.slice(0, 35)}${last}${issued.slice(36)}`;
      const before = await views();
      for (const buvid3 of [tampered, 'D9656DA8-9BEF-F464-5B72-C4849AFD336379044infoc', 'A-infoc']) {
        expect(
          await createClient({ baseUrl: s.url, cookies: { buvid3 } }).history.click({ aid }),
        ).toMatchObject({
          code: 0,
        });
      }
      expect(await views()).toBe(before + 3);
      const keys = await viewers();
      expect(keys).toContain(`b:${tampered}`);
      expect(keys).toContain('b:A-infoc');
      expect(s.services.devices.isIssued(issued)).toBe(true);
      expect(s.services.devices.isIssued(tampered)).toBe(false);
    });

    it("a page visit's buvid3 is a device too", async () => {
      const res = await fetch(`${s.url}/video/BV1xx411c7mD`);
      await res.arrayBuffer();
      const buvid3 = /buvid3=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))![1]!;
      expect(
        await createClient({ baseUrl: s.url, cookies: { buvid3 } }).history.click({ aid }),
      ).toMatchObject({
        code: 0,
      });
      expect(await viewers()).toContain(`d:${buvid3}`);
    });
  });

  // Last: it moves the clock by more than a year.
  describe('retention', () => {
    it('unactivated rows go after 30 days, all rows after a year; a pruned id is still a device', async () => {
      const kept = createClient({ baseUrl: s.url });
      await kept.device.handshake();
      const idle = ((await s.anonymous().device.spi()) as SpiResponse).data.b_3;
      const activated = kept.cookies['buvid3']!;
      s.clock.advance(30 * 86_400 + 1);
      await s.anonymous().device.getbuvid();
      expect(await device(idle)).toBeUndefined();
      expect(await device(activated)).toBeDefined();
      s.clock.advance(YEAR);
      await s.anonymous().device.getbuvid();
      expect(await device(activated)).toBeUndefined();
      expect(s.services.devices.isIssued(activated)).toBe(true);
      expect(await kept.device.activate()).toMatchObject({ code: 0 });
      expect(await device(activated)).toBeUndefined();
    });
  });
});
