import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppSigner } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { signWbi } from '../../src/domain/wbi.ts';
import { ERROR_MESSAGES } from '../../src/errors.ts';
import { dialects, startTestServer, ADMIN_TOKEN } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { fingerprint } from './db-fingerprint.ts';
import type { Fingerprint } from './db-fingerprint.ts';
import {
  BIG,
  FUZZ_RUNS,
  LONG,
  KEY_VALUES,
  REQUEST_TIMEOUT_MS,
  SEED,
  applyMutations,
  encodePairs,
  jsonBody,
  mutation,
  text,
} from './hostile.ts';
import type { Mutation, Pairs, Val } from './hostile.ts';
import { isAdminDocs, isTokenProtected, listRoutes, rawRequest } from './routes.ts';

/**
 * Property-based fuzzing of every endpoint with hostile input: wrong types, huge, negative and ≥ 2^53
 * numbers, NaN, empty and 1 MiB strings, invalid UTF-8 and broken percent-encoding, repeated and odd
 * parameter names, malformed cookies, wrong content types and oversized bodies.
 *
 * Each request must answer within REQUEST_TIMEOUT_MS, never with a 5xx, and on the Bilibili surface always
 * in the envelope with a code the endpoint documents (CONTRACT.md §12–§13, DESIGN.md §4). A request that
 * is rejected (any code but 0, any admin 4xx) must change nothing: the database is fingerprinted (every
 * table but the rate limiters' counters) after every request and compared with the state before it.
 * Bounded by default; see hostile.ts for the long variant.
 */

type AuthChoice =
  'cookie' | 'app' | 'none' | 'wrong-csrf' | 'garbage-sessdata' | 'malformed-cookie' | 'duplicate';
type BodyType = 'form' | 'json' | 'text' | 'multipart' | 'none' | 'garbage' | 'form-latin1';

interface Plan {
  mutations: Mutation[];
  placement: 'query' | 'body' | 'split';
  bodyType: BodyType;
  auth: AuthChoice;
  invalidUtf8: boolean;
  cookieNoise: string;
}

const plan: fc.Arbitrary<Plan> = fc.record({
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  placement: fc.constantFrom('query', 'body', 'body', 'split'),
  bodyType: fc.constantFrom(
    'form',
    'form',
    'form',
    'form',
    'json',
    'text',
    'multipart',
    'none',
    'garbage',
    'form-latin1',
  ),
  auth: fc.constantFrom(
    'cookie',
    'cookie',
    'cookie',
    'app',
    'none',
    'wrong-csrf',
    'garbage-sessdata',
    'malformed-cookie',
    'duplicate',
  ),
  invalidUtf8: fc.boolean(),
  cookieNoise: fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
});

/** The fixed runs of every endpoint: each KEY_VALUES entry, then each way of breaking the request around it. */
function examples(): Plan[] {
  const base: Plan = {
    mutations: [],
    placement: 'body',
    bodyType: 'form',
    auth: 'cookie',
    invalidUtf8: false,
    cookieNoise: 'x',
  };
  const set = (pick: number, value: Val): Mutation => ({ op: 'set', pick, value, second: value, name: '' });
  const out: Plan[] = [];
  KEY_VALUES.forEach((value, i) => {
    out.push({ ...base, mutations: [set(i, value)], bodyType: value.kind === 'json' ? 'json' : 'form' });
  });
  out.push({ ...base, mutations: [set(0, text(BIG))], placement: 'query' });
  out.push({ ...base, mutations: [{ ...set(0, text('1')), op: 'repeat', second: text('2') }] });
  out.push({
    ...base,
    mutations: [{ ...set(1, text('1')), op: 'repeat', second: text('1') }],
    placement: 'query',
  });
  out.push({ ...base, mutations: [{ ...set(0, text('x')), op: 'extra', name: '__proto__' }] });
  out.push({
    ...base,
    mutations: [{ ...set(0, text('{"isAdmin":true}')), op: 'extra', name: 'constructor' }],
  });
  for (const bodyType of ['json', 'text', 'multipart', 'none', 'garbage', 'form-latin1'] as const) {
    out.push({ ...base, mutations: [set(0, text('0'))], bodyType });
  }
  out.push({ ...base, mutations: [set(0, text('1'))], invalidUtf8: true });
  for (const auth of [
    'app',
    'none',
    'wrong-csrf',
    'garbage-sessdata',
    'malformed-cookie',
    'duplicate',
  ] as const) {
    out.push({ ...base, mutations: [set(2, text('0'))], auth, cookieNoise: '%E0%A4%A"\\;,' });
  }
  return out;
}

// --- building a request ----------------------------------------------------------------------------

interface Session {
  cookies: Record<string, string>;
  accessKey: string;
}

interface Built {
  url: string;
  init: RequestInit;
  /** Over Node's 16 KiB header limit: the server may close the connection before the client finishes. */
  oversizedHead: boolean;
}

function buildRequest(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  params: Record<string, string>,
  p: Plan,
  session: Session,
  authModes: { cookie: boolean; app: boolean; csrfName: string },
): Built {
  const withAuth: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const jar = (cookies: Record<string, string>) =>
    Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  switch (p.auth) {
    case 'cookie':
      headers['cookie'] = jar(session.cookies);
      if (authModes.cookie) withAuth[authModes.csrfName] = session.cookies['bili_jct']!;
      break;
    case 'app':
      withAuth['access_key'] = session.accessKey;
      break;
    case 'wrong-csrf':
      headers['cookie'] = jar(session.cookies);
      withAuth[authModes.csrfName] = 'not-the-csrf-token';
      break;
    case 'garbage-sessdata':
      headers['cookie'] =
        `SESSDATA=${encodeURIComponent(p.cookieNoise)}%E0%A4%A; bili_jct=${p.cookieNoise.length}`;
      withAuth[authModes.csrfName] = String(p.cookieNoise.length);
      break;
    case 'malformed-cookie':
      headers['cookie'] = `${p.cookieNoise};;=;SESSDATA;=x; bili_jct="${p.cookieNoise}`;
      break;
    case 'duplicate':
      headers['cookie'] =
        `SESSDATA=forged; ${jar(session.cookies)}; SESSDATA=${session.cookies['SESSDATA']}x`;
      withAuth[authModes.csrfName] = session.cookies['bili_jct']!;
      break;
    case 'none':
      break;
  }
  const pairs: Pairs = [
    ...applyMutations(params, p.mutations),
    ...Object.entries(withAuth).map(([k, v]): [string, Val] => [k, text(v)]),
  ];
  const placement = method === 'GET' ? 'query' : p.placement;
  const inQuery =
    placement === 'query' ? pairs : placement === 'split' ? pairs.filter((_, i) => i % 2 === 0) : [];
  const inBody =
    placement === 'query' ? [] : placement === 'split' ? pairs.filter((_, i) => i % 2 === 1) : pairs;
  const query = encodePairs(inQuery);
  const url = `${base}${path}${query ? `?${query}` : ''}`;
  const init: RequestInit = {
    method,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  };
  if (method === 'POST') {
    let body: string | Buffer = '';
    switch (p.bodyType) {
      case 'form':
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = encodePairs(inBody);
        break;
      case 'form-latin1':
        headers['content-type'] = 'application/x-www-form-urlencoded; charset=ISO-8859-1';
        body = encodePairs(inBody);
        break;
      case 'json':
        headers['content-type'] = 'application/json';
        body = jsonBody(inBody);
        break;
      case 'text':
        headers['content-type'] = 'text/plain';
        body = encodePairs(inBody);
        break;
      case 'multipart':
        headers['content-type'] = 'multipart/form-data; boundary=zzz';
        body = `--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zzz--\r\n`;
        break;
      case 'garbage':
        headers['content-type'] = '\\/;;=';
        body = encodePairs(inBody);
        break;
      case 'none':
        body = encodePairs(inBody);
        break;
    }
    if (p.invalidUtf8 && p.bodyType !== 'multipart') {
      body = Buffer.concat([
        Buffer.from(body),
        Buffer.from([0x26, 0x78, 0x3d, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      ]);
    }
    init.body = typeof body === 'string' ? body : new Uint8Array(body);
  }
  const headSize = url.length + (headers['cookie']?.length ?? 0);
  return { url, init, oversizedHead: headSize > 15 * 1024 };
}

interface Outcome {
  status: number;
  type: string;
  body: string;
  location: string | null;
}

async function send(built: Built): Promise<Outcome | 'connection-closed'> {
  try {
    const res = await fetch(built.url, built.init);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: await res.text(),
      location: res.headers.get('location'),
    };
  } catch (error) {
    // The only acceptable transport failure: the server refused an oversized request head and closed the
    // connection while the client was still sending it. A timeout (hang) is never acceptable.
    if (built.oversizedHead && !(error instanceof DOMException && error.name === 'TimeoutError')) {
      return 'connection-closed';
    }
    throw error;
  }
}

// --- checking an answer ------------------------------------------------------------------------------

interface EnvelopeBody {
  code: number;
  message: string;
  ttl: number;
}

/**
 * The Bilibili envelope with one of `codes`, or -400, which any endpoint answers to a request it cannot
 * parse (oversized, undecodable, wrong content type); returns whether the request was accepted (code 0).
 */
function expectEnvelope(o: Outcome, codes: readonly number[], what: string): boolean {
  expect(o.type, what).toContain('application/json');
  const body = JSON.parse(o.body) as EnvelopeBody;
  expect([-400, ...codes], `${what}\nanswered ${o.body.slice(0, 300)}`).toContain(body.code);
  expect(body.ttl, what).toBe(1);
  if (body.code === 0) {
    // The pgc and pugv season endpoints say "success" where the others say "0".
    expect(['0', 'success'], what).toContain(body.message);
  } else {
    const text = ERROR_MESSAGES[body.code as keyof typeof ERROR_MESSAGES];
    expect(body.message.startsWith(text), `${what}\nmessage ${body.message}`).toBe(true);
    expect(body.message, what).not.toMatch(/\bat .+\.(ts|js):\d+/);
  }
  // Success and business errors are HTTP 200; an unknown path is 404; only what never reached a route
  // keeps another 4xx status.
  if (o.status === 404) {
    expect(body.code, what).toBe(-404);
  } else if (o.status !== 200) {
    expect(body.code, what).toBe(-400);
    expect([400, 408, 413, 414, 431], what).toContain(o.status);
  }
  return body.code === 0;
}

function describePlan(method: string, path: string, built: Built, p: Plan): string {
  const body = built.init.body;
  const shown = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('latin1') : '';
  return `${method} ${path}\nurl ${built.url.slice(0, 400)}\nbody ${shown.slice(0, 400)}\nplan ${JSON.stringify({ ...p, mutations: p.mutations.map((m) => ({ ...m, value: { ...m.value, v: m.value.v.slice(0, 60) }, second: { ...m.second, v: m.second.v.slice(0, 60) } })) })}`;
}

// --- the endpoints -----------------------------------------------------------------------------------

/**
 * What the valid requests point at. The fuzzing user (`viewer`) owns the area, so pin and delete reach
 * their business rules; `root` is another user's comment. `target`, `reply` and `qrKey` are renewed before
 * each run of the endpoints that use them up (see `prepare`).
 */
interface Fixture {
  aid: number;
  bvid: string;
  cid: number;
  cid2: number;
  root: number;
  /** A fresh root comment by another user: reported, voted on and pinned. */
  target: number;
  /** A fresh reply by the viewer: deleted. */
  reply: number;
  qrKey: string;
  /** A TV QR login code (passport-tv-login), renewed like `qrKey`. */
  tvCode: string;
  loginName: string;
  /** A reply notice of the viewer (msgfeed/del tp 1). */
  notice: number;
  /** A like card of the viewer (like_detail, msgfeed/notice). */
  card: number;
}

interface Actors {
  viewer: BiliClient;
  author: BiliClient;
  viewerMid: number;
}

type Kind = 'envelope' | 'logout' | 'bare' | 'html' | 'redirect' | 'image' | 'static';

interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** The route pattern it exercises, when the path fills in parameters. */
  route?: string;
  params: (f: Fixture) => Record<string, string>;
  codes: readonly number[];
  kind?: Kind;
  /** The name under which Cookie callers echo bili_jct (logout: biliCSRF). */
  csrfName?: string;
  /** An HTML page whose serving is itself a write (opening the QR page marks the key scanned). */
  pageWrites?: boolean;
  /** An HTML page that answers a refused request with an HTTP 404 page (the correspond page). */
  notFoundPage?: boolean;
  /** Kind 'bare': a success that is not the envelope (spi, getbuvid, GenWebTicket): its keys and message. */
  bare?: { keys: readonly string[]; message?: string };
  /** Renews what a successful run uses up, so every run finds something to act on. */
  prepare?: (f: Fixture, a: Actors, s: TestServer) => Promise<void>;
}

let messageCounter = 0;

const freshTarget = async (f: Fixture, a: Actors) => {
  const added = await a.author.reply.add({ type: 1, oid: f.aid, message: `target ${++messageCounter}` });
  f.target = added.data!.rpid;
};
/** The author answers a fresh comment of the viewer: a reply notice for the viewer. */
const freshNotice = async (f: Fixture, a: Actors) => {
  const mine = await a.viewer.reply.add({ type: 1, oid: f.aid, message: `asks ${++messageCounter}` });
  await a.author.reply.add({
    type: 1,
    oid: f.aid,
    root: mine.data!.rpid,
    message: `answers ${++messageCounter}`,
  });
  f.notice = (await a.viewer.msgfeed.reply()).data!.items[0]!.id;
};
/** The author likes a comment of the viewer: a like card (made once; nothing here deletes it). */
const likeCard = async (f: Fixture, a: Actors) => {
  if (f.card !== 0) return;
  const mine = await a.viewer.reply.add({ type: 1, oid: f.aid, message: `likeable ${++messageCounter}` });
  await a.author.reply.like({ type: 1, oid: f.aid, rpid: mine.data!.rpid, action: 1 });
  f.card = (await a.viewer.msgfeed.like()).data!.total.items[0]!.id;
};
const freshReply = async (f: Fixture, a: Actors) => {
  const added = await a.viewer.reply.add({
    type: 1,
    oid: f.aid,
    root: f.root,
    parent: f.root,
    message: `reply ${++messageCounter}`,
  });
  f.reply = added.data!.rpid;
};
const unpinned = async (f: Fixture, a: Actors) => {
  await freshTarget(f, a);
  const main = await a.viewer.reply.list({ type: 1, oid: f.aid });
  const pinned = main.data?.upper.top?.rpid;
  if (pinned) await a.viewer.reply.top({ type: 1, oid: f.aid, rpid: pinned, action: 0 });
};
const watched = async (f: Fixture, a: Actors, s: TestServer) => {
  await s.services.history.setPaused(a.viewerMid, false);
  await a.viewer.history.report({ aid: f.aid, cid: f.cid, progress: 12 });
};
/** Puts the fixture's archive back on the viewer's watch-later list (del/dels/clear take it off). */
const toviewListed = async (f: Fixture, a: Actors) => {
  await a.viewer.toview.add({ aid: f.aid });
};
const freshQrKey = async (f: Fixture, a: Actors) => {
  const qr = await a.author.get<{ data?: { qrcode_key: string } }>('/x/passport-login/web/qrcode/generate');
  f.qrKey = qr.data!.qrcode_key;
};

const freshTvCode = async (f: Fixture, a: Actors) => {
  f.tvCode = (await a.author.login.tvAuthCode()).data!.auth_code;
};
/** TV requests carry an APP signature over their parameters (a mutation usually breaks it: -3). */
const appSigned = (params: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(new AppSigner().sign(params)).map(([k, v]) => [k, String(v)]));

/** acc/info is Wbi-signed with the server's keys of the day: a valid query for the viewer's card. */
const accountReads = { mid: '1', signed: {} as Record<string, string> };
const prepareAccountReads = (_f: Fixture, a: Actors, s: TestServer): Promise<void> => {
  const keys = s.services.wbi.keys();
  accountReads.mid = String(a.viewerMid);
  const signed = signWbi(
    { mid: accountReads.mid },
    keys.imgKey,
    keys.subKey,
    Math.floor(s.clock.nowMs() / 1000),
  );
  accountReads.signed = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, String(v)]));
  return Promise.resolve();
};

const AUTH = [-101, -102, -111];
const AREA = [-404, 12009];
const area = (f: Fixture) => ({ type: '1', oid: String(f.aid) });

/** A season (ss880001, ep8800011 on av880001) and a course (ss880002, ep8800021 on av880002), made once. */
const ensureSeasons = async (_f: Fixture, a: Actors, s: TestServer) => {
  for (const aid of [880001, 880002]) {
    if (await s.store.archives.findByAid(aid)) continue;
    await s.admin.createArchive({
      aid,
      title: `ep of ${aid}`,
      owner_mid: a.viewerMid,
      pages: [{ part: 'P1', duration: 60 }],
    });
  }
  if (!(await s.store.seasons.find('pgc', 880001))) {
    await s.admin.seasons.create({
      season_id: 880001,
      title: 'fuzz season',
      sub_type: 1,
      episodes: [{ epid: 8800011, aid: 880001 }],
    });
  }
  if (!(await s.store.seasons.find('cheese', 880002))) {
    await s.admin.seasons.createCourse({
      season_id: 880002,
      title: 'fuzz course',
      lessons: [{ epid: 8800021, aid: 880002 }],
    });
  }
};

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/x/web-interface/nav', params: () => ({}), codes: [0, -101] },
  {
    method: 'GET',
    path: '/x/web-interface/history/cursor',
    params: () => ({ max: '0', view_at: '0', business: 'archive', ps: '20', type: 'archive' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: '/x/web-interface/view',
    params: (f) => ({ aid: String(f.aid) }),
    codes: [0, -400, -404],
  },
  {
    method: 'GET',
    path: '/x/web-interface/wbi/view',
    params: (f) => ({ bvid: f.bvid }),
    codes: [0, -400, -404],
  },
  { method: 'GET', path: '/x/passport-login/web/qrcode/generate', params: () => ({}), codes: [0] },
  {
    method: 'GET',
    path: '/x/passport-login/web/qrcode/poll',
    params: (f) => ({ qrcode_key: f.qrKey }),
    codes: [0, -400],
    prepare: freshQrKey,
  },
  {
    method: 'POST',
    path: '/x/passport-login/web/qrcode/confirm',
    params: (f) => ({ qrcode_key: f.qrKey, username: f.loginName, password: 'fuzz-pass-1' }),
    codes: [0, -400, -629, -625, -102, 86038],
    prepare: freshQrKey,
  },
  {
    method: 'POST',
    path: '/x/passport-login/web/login',
    params: (f) => ({ username: f.loginName, password: 'fuzz-pass-1', go_url: '/history' }),
    codes: [0, -400, -629, -625, -102, -662, 86000],
  },
  { method: 'GET', path: '/x/passport-login/web/key', params: () => ({}), codes: [0] },
  {
    method: 'GET',
    path: '/x/passport-login/captcha',
    params: () => ({ source: 'main_web' }),
    codes: [0, -400],
  },
  {
    method: 'POST',
    path: '/x/passport-tv-login/qrcode/auth_code',
    params: () => appSigned({ local_id: '0', ts: '0' }),
    codes: [0, -1, -3, -400],
  },
  {
    method: 'POST',
    path: '/x/passport-tv-login/qrcode/poll',
    params: (f) => appSigned({ auth_code: f.tvCode, local_id: '0', ts: '0' }),
    codes: [0, -1, -3, -400, 86038, 86039],
    prepare: freshTvCode,
  },
  {
    method: 'POST',
    path: '/x/passport-tv-login/h5/qrcode/confirm',
    params: (f) => ({ auth_code: f.tvCode, username: f.loginName, password: 'fuzz-pass-1' }),
    codes: [0, -400, -101, -102, -111, -625, -629, -662, 86000, 86038],
    prepare: freshTvCode,
  },
  {
    method: 'GET',
    path: '/x/passport-tv-login/h5/qrcode/auth',
    params: (f) => ({ auth_code: f.tvCode }),
    codes: [-400],
    kind: 'html',
    prepare: freshTvCode,
  },
  ...['/x/player/v2', '/x/player/wbi/v2'].map((path): Endpoint => ({
    method: 'GET',
    path,
    params: (f) => ({ aid: String(f.aid), cid: String(f.cid) }),
    codes: [0, -400, -404, -352],
  })),
  {
    method: 'GET',
    path: '/x/v2/reply',
    params: (f) => ({ ...area(f), pn: '1', ps: '20', sort: '1' }),
    codes: [0, -400, ...AREA],
  },
  ...['/x/v2/reply/main', '/x/v2/reply/wbi/main'].map((path): Endpoint => ({
    method: 'GET',
    path,
    params: (f) => ({ ...area(f), mode: '3', next: '0', ps: '20' }),
    codes: [0, -400, -403, ...AREA],
  })),
  {
    method: 'GET',
    path: '/x/v2/reply/reply',
    params: (f) => ({ ...area(f), root: String(f.root), pn: '1', ps: '20' }),
    codes: [0, -400, 12006, ...AREA],
  },
  {
    method: 'GET',
    path: '/x/v2/reply/dialog/cursor',
    params: (f) => ({ ...area(f), root: String(f.root), dialog: String(f.reply), size: '20' }),
    codes: [0, -400, 12006, ...AREA],
  },
  {
    method: 'GET',
    path: '/x/v2/reply/hot',
    params: (f) => ({ ...area(f), root: '0', pn: '1', ps: '20' }),
    codes: [0, -400, 12006, ...AREA],
  },
  {
    method: 'GET',
    path: '/x/v2/reply/info',
    params: (f) => ({ rpid: String(f.root) }),
    codes: [0, -400, 12006, ...AREA],
  },
  { method: 'GET', path: '/x/v2/reply/count', params: (f) => area(f), codes: [0, -400, ...AREA] },
  {
    method: 'GET',
    path: '/x/v2/reply/jump',
    params: (f) => ({ ...area(f), rpid: String(f.reply) }),
    codes: [0, -400, 12006, 12022, ...AREA],
  },
  {
    method: 'GET',
    path: '/x/msgfeed/unread',
    params: () => ({ build: '0', mobi_app: 'web' }),
    codes: [0, -101],
  },
  {
    method: 'GET',
    path: '/x/msgfeed/reply',
    params: () => ({ build: '0', mobi_app: 'web', id: '5', reply_time: '1700000000' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: '/x/msgfeed/at',
    params: () => ({ build: '0', mobi_app: 'web', id: '5', at_time: '1700000000' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: '/x/msgfeed/like',
    params: () => ({ build: '0', mobi_app: 'web', id: '5', like_time: '1700000000' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: '/x/msgfeed/like_detail',
    params: (f) => ({ card_id: String(f.card), pn: '1', ps: '20', last_mid: '0' }),
    codes: [0, -101, -400, -404],
    prepare: likeCard,
  },
  {
    method: 'POST',
    path: '/x/msgfeed/del',
    params: (f) => ({ tp: '1', id: String(f.notice), build: '0', mobi_app: 'web' }),
    codes: [0, -400, ...AUTH, -404],
    prepare: freshNotice,
  },
  {
    method: 'POST',
    path: '/x/msgfeed/notice',
    params: (f) => ({ tp: '0', id: String(f.card), notice_state: '1' }),
    codes: [0, -400, ...AUTH, -404],
    prepare: likeCard,
  },
  {
    method: 'POST',
    path: '/x/v2/reply/add',
    params: (f) => ({
      ...area(f),
      root: String(f.root),
      parent: String(f.root),
      message: 'fuzz [doge]',
      plat: '1',
    }),
    codes: [0, -400, ...AUTH, ...AREA, -509, 12002, 12006, 12016, 12025, 12051],
  },
  ...['/x/v2/reply/action', '/x/v2/reply/hate'].map((path): Endpoint => ({
    method: 'POST',
    path,
    params: (f) => ({ ...area(f), rpid: String(f.target), action: '1' }),
    codes: [0, -400, ...AUTH, ...AREA, 12002, 12006, 12011],
    prepare: freshTarget,
  })),
  {
    method: 'POST',
    path: '/x/v2/reply/del',
    params: (f) => ({ ...area(f), rpid: String(f.reply) }),
    codes: [0, -400, ...AUTH, ...AREA, -403, 12002, 12022],
    prepare: freshReply,
  },
  {
    method: 'POST',
    path: '/x/v2/reply/top',
    params: (f) => ({ ...area(f), rpid: String(f.target), action: '1' }),
    codes: [0, -400, ...AUTH, ...AREA, -403, 12002, 12006, 12029, 12030],
    prepare: unpinned,
  },
  {
    method: 'POST',
    path: '/x/v2/reply/report',
    params: (f) => ({ ...area(f), rpid: String(f.target), reason: '0', content: '理由理由' }),
    codes: [0, -400, ...AUTH, ...AREA, 12002, 12006, 12008, 12019, 12077],
    prepare: freshTarget,
  },
  { method: 'GET', path: '/x/v2/history', params: () => ({ pn: '1', ps: '20' }), codes: [0, -101, -400] },
  {
    method: 'POST',
    path: '/x/v2/history/report',
    params: (f) => ({ aid: String(f.aid), cid: String(f.cid2), progress: '42', platform: 'android' }),
    codes: [0, -400, -404, ...AUTH],
  },
  {
    method: 'POST',
    path: '/x/v2/history/delete',
    params: (f) => ({ kid: `archive_${f.aid}` }),
    codes: [0, -400, ...AUTH],
    prepare: watched,
  },
  {
    method: 'POST',
    path: '/x/v2/history/clear',
    params: () => ({}),
    codes: [0, -400, ...AUTH],
    prepare: watched,
  },
  { method: 'GET', path: '/x/v2/history/shadow', params: () => ({}), codes: [0, -101] },
  {
    method: 'POST',
    path: '/x/v2/history/shadow/set',
    params: () => ({ switch: 'false' }),
    codes: [0, -400, ...AUTH],
  },
  {
    method: 'GET',
    path: '/x/player/online/total',
    params: (f) => ({ aid: String(f.aid), cid: String(f.cid) }),
    codes: [0, -400, -404],
  },
  {
    method: 'GET',
    path: '/x/web/data/archive_diagnose/compare',
    params: () => ({ size: '5', t: '0' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: '/x/replay/history/totals',
    params: () => ({ from: '2026-01-01', to: '2026-01-31' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: '/x/replay/archive/analytics',
    params: (f) => ({ aid: String(f.aid) }),
    codes: [0, -101, -400, -403, -404],
  },
  {
    method: 'GET',
    path: '/x/web-interface/history/search',
    params: () => ({ keyword: 'a', pn: '1', ps: '20', business: 'archive', add_time_start: '0' }),
    codes: [0, -101, -400],
    prepare: watched,
  },
  {
    method: 'GET',
    path: '/x/v2/history/toview',
    params: () => ({}),
    codes: [0, -101],
    prepare: toviewListed,
  },
  {
    method: 'GET',
    path: '/x/v2/history/toview/web',
    params: () => ({ pn: '1', ps: '20', viewed: '0', key: '', asc: 'false' }),
    codes: [0, -101, -352, -400],
    prepare: toviewListed,
  },
  {
    method: 'POST',
    path: '/x/v2/history/toview/add',
    params: (f) => ({ aid: String(f.aid) }),
    codes: [0, -400, 90001, 90003, ...AUTH],
  },
  {
    method: 'POST',
    path: '/x/v2/history/toview/del',
    params: (f) => ({ aid: String(f.aid), viewed: 'false' }),
    codes: [0, -400, ...AUTH],
    prepare: toviewListed,
  },
  {
    method: 'POST',
    path: '/x/v2/history/toview/v2/dels',
    params: (f) => ({ resources: String(f.aid) }),
    codes: [0, -400, ...AUTH],
    prepare: toviewListed,
  },
  {
    method: 'POST',
    path: '/x/v2/history/toview/clear',
    params: () => ({ clean_type: '2' }),
    codes: [0, -400, ...AUTH],
    prepare: toviewListed,
  },
  {
    method: 'GET',
    path: '/x/emote/user/panel/web',
    params: () => ({ business: 'reply' }),
    codes: [0, -400],
  },
  {
    method: 'GET',
    path: '/x/emote/package',
    params: () => ({ business: 'reply', ids: '1,4' }),
    codes: [0, -400],
  },
  {
    method: 'GET',
    path: '/x/emote/setting/panel',
    params: () => ({ business: 'reply' }),
    codes: [0, -101, -400],
  },
  ...['/x/emote/package/add', '/x/emote/package/remove'].map((path): Endpoint => ({
    method: 'POST',
    path,
    params: () => ({ package_id: '4', business: 'reply' }),
    codes: [0, -400, -403, ...AUTH],
  })),
  { method: 'GET', path: '/x/space/myinfo', params: () => ({}), codes: [0, -101] },
  {
    method: 'GET',
    path: '/x/space/wbi/acc/info',
    params: () => accountReads.signed,
    codes: [0, -352, -400, -403, -404],
    prepare: prepareAccountReads,
  },
  {
    method: 'GET',
    path: '/x/web-interface/card',
    params: () => ({ mid: accountReads.mid, photo: 'true' }),
    codes: [0, -400, -404],
    prepare: prepareAccountReads,
  },
  {
    method: 'POST',
    path: '/x/click-interface/web/heartbeat',
    params: (f) => ({
      aid: String(f.aid),
      cid: String(f.cid),
      played_time: '30',
      realtime: '30',
      start_ts: '1700000000',
      type: '3',
      dt: '2',
      play_type: '0',
      extra: '{"player_version":"4.8.36"}',
    }),
    codes: [0, -400, -404, -102, -111, -352],
  },
  ...['/pgc/view/web/season', '/pugv/view/web/season'].map((path, i): Endpoint => ({
    method: 'GET',
    path,
    params: () => ({ season_id: String(880001 + i), ep_id: String(8800011 + i * 10) }),
    codes: [0, -400, -404],
    prepare: ensureSeasons,
  })),
  {
    method: 'POST',
    path: '/x/click-interface/web/heartbeat',
    params: () => ({
      aid: '880001',
      epid: '8800011',
      sid: '880001',
      type: '4',
      sub_type: '1',
      played_time: '9',
    }),
    codes: [0, -400, -404, -102, -111, -352],
    prepare: ensureSeasons,
  },
  {
    method: 'POST',
    path: '/x/click-interface/click/web/h5',
    params: (f) => ({
      aid: String(f.aid),
      cid: String(f.cid),
      part: '1',
      ftime: '1700000000',
      stime: '1700000001',
    }),
    codes: [0, -400, -404, -102, -111, -352],
  },
  // Device identity: spi and getbuvid issue (and store) a new id on every success.
  {
    method: 'GET',
    path: '/x/frontend/finger/spi',
    params: () => ({}),
    codes: [0],
    kind: 'bare',
    bare: { keys: ['code', 'data', 'message'], message: 'ok' },
  },
  {
    method: 'GET',
    path: '/x/web-frontend/getbuvid',
    params: () => ({}),
    codes: [0],
    kind: 'bare',
    bare: { keys: ['code', 'data'] },
  },
  {
    method: 'POST',
    path: '/x/internal/gaia-gateway/ExClimbWuzhi',
    params: () => ({ payload: '{"3064":1,"5062":1743855194604,"39c8":"333.788.fp.risk"}' }),
    codes: [0, -400],
  },
  {
    method: 'POST',
    path: '/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket',
    params: () => ({
      key_id: 'ec02',
      hexsign: '6c7c9cf83377b5e07ac179dfff8e9db5f718106b33139a01fb1815192677d013',
      'context[ts]': '1723433820',
      csrf: '',
    }),
    codes: [0, 400],
    kind: 'bare',
    bare: { keys: ['code', 'message', 'data', 'ttl'], message: 'OK' },
  },
  {
    method: 'POST',
    path: '/login/exit/v2',
    params: () => ({ gourl: '/' }),
    codes: [0, 2202, -400],
    kind: 'logout',
    csrfName: 'biliCSRF',
  },
  {
    method: 'GET',
    path: '/h5-app/passport/login/scan',
    params: (f) => ({ navhide: '1', qrcode_key: f.qrKey, from: '' }),
    codes: [-400],
    kind: 'html',
    pageWrites: true,
    prepare: freshQrKey,
  },
  ...['/crossDomain', '/x/passport-login/web/crossDomain'].map((path): Endpoint => ({
    method: 'GET',
    path,
    params: () => ({ SESSDATA: 'x', bili_jct: 'y', gourl: '/history' }),
    codes: [-400],
    kind: 'redirect',
  })),
  {
    method: 'GET',
    path: '/x/passport-login/web/cookie/info',
    params: () => ({ csrf: '' }),
    codes: [0, -101, -400],
  },
  {
    method: 'GET',
    path: `/correspond/1/${'ab'.repeat(128)}`,
    route: '/correspond/1/*',
    params: () => ({}),
    codes: [-400],
    kind: 'html',
    // Serving it stores a refresh_csrf for the session; refused requests get the 404 page.
    pageWrites: true,
    notFoundPage: true,
  },
  {
    method: 'POST',
    path: '/x/passport-login/web/cookie/refresh',
    params: () => ({ refresh_csrf: 'f'.repeat(32), refresh_token: 'f'.repeat(32), source: 'main_web' }),
    codes: [-101, -102, -111, -400, 86095],
  },
  {
    method: 'POST',
    path: '/x/passport-login/web/confirm/refresh',
    params: () => ({ refresh_token: 'f'.repeat(32) }),
    codes: [-101, -102, -111, -400],
  },
  // Accounts (docs/api/accounts.md); the fuzz server has open sign-up so register reaches its rules.
  { method: 'GET', path: '/x/replay/account/signup', params: () => ({}), codes: [0] },
  { method: 'GET', path: '/x/replay/notify/mail', params: () => ({}), codes: [0, -101] },
  {
    method: 'POST',
    path: '/x/replay/notify/mail',
    params: () => ({ email: `fuzz${++messageCounter}@example.test`, opt_out: '1' }),
    codes: [0, -101, -102, -111, -400],
  },
  {
    method: 'POST',
    path: '/x/replay/account/register',
    params: () => ({ uname: `fz_${++messageCounter}`, password: 'fuzz-pass-long-1' }),
    codes: [0, -400, -403, -509, -628, -652],
  },
  {
    method: 'POST',
    path: '/x/replay/account/profile',
    params: () => ({ sign: 'fuzz signature' }),
    codes: [0, -101, -102, -111, -400, -626, -652],
  },
  {
    method: 'POST',
    path: '/x/member/web/sign/update',
    params: () => ({ user_sign: 'fuzz signature' }),
    codes: [0, -101, -102, -111, -400, -626],
  },
  {
    method: 'POST',
    path: '/x/replay/account/face',
    params: () => ({ face: Buffer.from('89504e470d0a1a0a66757a7a', 'hex').toString('base64') }),
    codes: [0, -101, -102, -111, -400, -617, -626],
  },
  {
    method: 'POST',
    path: '/x/replay/account/password',
    params: () => ({ old_password: 'not-the-password', new_password: 'fuzz-pass-long-2' }),
    codes: [-101, -102, -111, -400, -626, -628, -629],
  },
  {
    method: 'POST',
    path: '/x/replay/account/delete',
    params: () => ({ password: 'not-the-password' }),
    codes: [-101, -102, -111, -400, -626, -629],
  },
  {
    method: 'GET',
    path: '/x/replay/avatar/1/0123456789abcdef',
    route: '/x/replay/avatar/:mid/:hash',
    params: () => ({}),
    codes: [-400, -404],
    kind: 'image',
  },
  // Single sign-on is not configured on the fuzz server: every answer is its HTML 404 page.
  {
    method: 'GET',
    path: '/sso',
    params: () => ({ token: 'e30.e30.sig', go_url: '/history' }),
    codes: [-400],
    kind: 'html',
    notFoundPage: true,
  },
  // A UI page visit without a buvid3 issues one (and stores it): the page's Set-Cookie.
  ...['/', '/history', '/watchlater', '/inbox', '/login', '/admin', '/register', '/account'].map(
    (path): Endpoint => ({
      method: 'GET',
      path,
      params: () => ({ go_url: '/' }),
      codes: [-400],
      kind: 'html',
      pageWrites: true,
    }),
  ),
  {
    method: 'GET',
    path: '/video/BV1xx411c7mD',
    route: '/video/:id',
    params: () => ({ p: '1' }),
    codes: [-400, -404],
    kind: 'html',
    pageWrites: true,
    // An emptied id (`/video/`) is an unknown page path: the UI's HTML 404 page.
    notFoundPage: true,
  },
  {
    method: 'GET',
    path: '/video/BV1xx411c7mD/stats',
    route: '/video/:id/stats',
    params: () => ({}),
    codes: [-400, -404],
    kind: 'html',
    pageWrites: true,
    // An emptied id (`/video/`) is an unknown page path: the UI's HTML 404 page.
    notFoundPage: true,
  },
  ...['bangumi', 'cheese'].map((kind): Endpoint => ({
    method: 'GET',
    path: `/${kind}/play/ss880001`,
    route: `/${kind}/play/:id`,
    params: () => ({}),
    codes: [-400, -404],
    kind: 'html',
    pageWrites: true,
    notFoundPage: true,
  })),
  {
    method: 'GET',
    path: '/bfs/emote/1.png',
    route: '/bfs/emote/:file',
    params: () => ({}),
    codes: [-400, -404],
    kind: 'image',
  },
  { method: 'GET', path: '/favicon.svg', params: () => ({}), codes: [-400, -404], kind: 'static' },
  { method: 'GET', path: '/static/noface.png', params: () => ({}), codes: [-400, -404], kind: 'static' },
  // @fastify/static's wildcard route serves /assets/, /embed/ and /media/.
  {
    method: 'GET',
    path: '/embed/comments.js',
    route: '/*',
    params: () => ({}),
    codes: [-400, -404],
    kind: 'static',
  },
];

/** Hostile path segments for the routes with a parameter in the path. */
const PATH_SEGMENTS = [
  '%E0%A4%A',
  '%zz',
  '..%2f..%2fpackage.json',
  '%00',
  'a'.repeat(2000),
  '%2e%2e',
  '-1',
  '9007199254740993',
  '',
];

/** Checks one answer of a non-admin endpoint; returns whether it may have changed the database. */
function checkAnswer(e: Endpoint, o: Outcome, what: string): boolean {
  expect(o.status, what).toBeLessThan(500);
  const json = o.type.includes('application/json');
  switch (e.kind ?? 'envelope') {
    case 'envelope':
      return expectEnvelope(o, e.codes, what);
    case 'logout': {
      if (o.type.startsWith('text/html')) {
        expect(o.status, what).toBe(200);
        return false;
      }
      const body = JSON.parse(o.body) as { code: number; status?: boolean; ts?: number; ttl?: number };
      if ('ttl' in body) return expectEnvelope(o, e.codes, what);
      expect([0, 2202], what).toContain(body.code);
      expect(typeof body.ts, what).toBe('number');
      expect(body.status, what).toBe(body.code === 0);
      return body.code === 0;
    }
    case 'bare': {
      const body = JSON.parse(o.body) as { code: number; message?: string };
      if (body.code !== 0) return expectEnvelope(o, e.codes, what);
      expect(o.status, what).toBe(200);
      expect(o.type, what).toContain('application/json');
      expect(Object.keys(body), what).toEqual(e.bare!.keys);
      expect(body.message, what).toBe(e.bare!.message);
      return true;
    }
    case 'html':
      if (json) return expectEnvelope(o, [...e.codes, -404], what);
      expect(e.notFoundPage ? [200, 404] : [200], what).toContain(o.status);
      expect(o.type, what).toMatch(/^text\/html/);
      return e.pageWrites === true;
    case 'redirect':
      if (json) return expectEnvelope(o, e.codes, what);
      expect(o.status, what).toBe(302);
      // Never an open redirect: only a path on this site.
      expect(o.location, what).toMatch(/^\/(?![/\\])/);
      return false;
    case 'image':
    case 'static':
      if (json) return expectEnvelope(o, e.codes, what);
      expect([200, 206, 304], what).toContain(o.status);
      return false;
  }
}

describe.each(dialects())('hostile input on every endpoint (%s)', (dialect) => {
  let s: TestServer;
  let f: Fixture;
  let viewer: Session;
  let viewerMid: number;
  let actors: Actors;
  let current: Fingerprint;

  beforeAll(async () => {
    s = await startTestServer(dialect, {
      commentBurstLimit: 0,
      commentHourlyLimit: 0,
      reportPerMinuteLimit: 0,
      signup: 'open',
    });
    const author = await s.signedIn('fuzz-author');
    const v = await s.signedIn('fuzz-viewer');
    viewer = { cookies: v.client.cookies, accessKey: v.accessKey };
    viewerMid = v.mid;
    actors = { viewer: v.client, author: author.client, viewerMid: v.mid };
    await s.admin.createUser({ uname: 'fuzz-login', password: 'fuzz-pass-1' });
    const archive = await s.admin.createArchive({
      aid: 880001,
      title: 'fuzz target',
      owner_mid: v.mid,
      pages: [
        { cid: 8800011, part: 'one', duration: 300 },
        { cid: 8800012, part: 'two', duration: 300 },
      ],
    });
    const root = await author.client.reply.add({ type: 1, oid: archive.aid, message: 'root comment' });
    f = {
      aid: archive.aid,
      bvid: archive.bvid,
      cid: 8800011,
      cid2: 8800012,
      root: root.data!.rpid,
      target: root.data!.rpid,
      reply: 0,
      qrKey: '',
      tvCode: '',
      loginName: 'fuzz-login',
      notice: 0,
      card: 0,
    };
    await freshReply(f, actors);
    await freshQrKey(f, actors);
    await freshTvCode(f, actors);
    await watched(f, actors, s);
    current = await fingerprint(s.handle);
  });
  afterAll(async () => s?.close());

  it('the catalogue covers every route the application registers', () => {
    const covered = new Set(ENDPOINTS.map((e) => `${e.method} ${e.route ?? e.path}`));
    const missing = listRoutes(s.app).filter(
      (r) => !isTokenProtected(r.path) && !isAdminDocs(r.path) && !covered.has(`${r.method} ${r.path}`),
    );
    expect(missing).toEqual([]);
  });

  ENDPOINTS.forEach((e, index) => {
    it(
      `${e.method} ${e.route ?? e.path}: envelope with a documented code, no 5xx, no hang, rejected → no change`,
      { timeout: LONG ? 600_000 : 60_000 },
      async () => {
        const hasPathParam = e.route !== undefined && e.route.includes(':');
        await fc.assert(
          fc.asyncProperty(
            plan,
            fc.constantFrom(...PATH_SEGMENTS),
            fc.boolean(),
            async (p, segment, mutatePath) => {
              let session = viewer;
              if (e.kind === 'logout') {
                // A logout that succeeds ends the session it was sent with: each run signs out a fresh one.
                const issued = await s.admin.issueSession(viewerMid);
                session = { cookies: { ...issued.cookies }, accessKey: issued.access_key };
              }
              if (e.prepare) await e.prepare(f, actors, s);
              if (e.prepare || e.kind === 'logout') current = await fingerprint(s.handle);
              const path = hasPathParam && mutatePath ? e.path.replace(/[^/]+$/, segment) : e.path;
              const built = buildRequest(s.url, e.method, path, e.params(f), p, session, {
                cookie: true,
                app: true,
                csrfName: e.csrfName ?? 'csrf',
              });
              const what = describePlan(e.method, path, built, p);
              const outcome = await send(built);
              const after = await fingerprint(s.handle);
              const mayChange = outcome === 'connection-closed' ? false : checkAnswer(e, outcome, what);
              if (!mayChange)
                expect(after, `a rejected request changed the database\n${what}`).toEqual(current);
              current = after;
            },
          ),
          {
            // The examples count toward numRuns: FUZZ_RUNS random runs come after them.
            numRuns: examples().length + FUZZ_RUNS,
            // Each endpoint draws its own sequence, reproducible from SEED.
            seed: SEED + index,
            endOnFailure: true,
            examples: examples().map((p, i): [Plan, string, boolean] => [
              p,
              PATH_SEGMENTS[i % PATH_SEGMENTS.length]!,
              i % 3 === 0,
            ]),
          },
        );
      },
    );
  });
});

/**
 * What Node's HTTP parser or Fastify's router refuses before any route runs: answered in the envelope
 * (src/http/plugins/protocol-errors.ts), never Fastify's own error shape, and nothing stored.
 */
describe.each(dialects())('requests that never reach a handler (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s?.close());

  const head = (line: string, headers = '') =>
    `${line}\r\nHost: replay\r\n${headers}Connection: close\r\n\r\n`;
  const CASES: [string, string | Buffer, number][] = [
    ['a path whose percent-encoding does not decode', head('GET /x/v2/reply/%E0%A4%A HTTP/1.1'), 200],
    ['a path parameter that does not decode', head('GET /bfs/emote/%zz HTTP/1.1'), 200],
    ['headers over 16 KiB', head(`GET /x/v2/reply?type=1&oid=${'1'.repeat(20_000)} HTTP/1.1`), 431],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    [
      'a control character in a header name',
      head('GET /x/web-interface/nav HTTP/1.1', 'X\u0001Y: z\r\n'),
      400,
    ],
    [
      'two different Content-Length headers',
      'POST /x/v2/reply/add HTTP/1.1\r\nHost: replay\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      400,
    ],
    [
      'raw invalid UTF-8 in the request target',
      Buffer.concat([
        Buffer.from('GET /x/v2/reply?type=1&oid='),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(' HTTP/1.1\r\nHost: replay\r\nConnection: close\r\n\r\n'),
      ]),
      400,
    ],
  ];

  for (const [name, bytes, status] of CASES) {
    it(`${name} → HTTP ${status}, -400 in the envelope, nothing stored`, async () => {
      const before = await fingerprint(s.handle);
      const res = await rawRequest(s.url, bytes);
      expect(res.status).toBe(status);
      expect(res.headers).toMatch(/content-type: application\/json/i);
      const body = JSON.parse(res.body) as { code: number; message: string; ttl: number };
      expect(body).toMatchObject({ code: -400, ttl: 1 });
      expect(body.message).toMatch(/^请求错误: /);
      expect(await fingerprint(s.handle)).toEqual(before);
    });
  }

  it('an undecodable admin path is a JSON 400 of the admin API', async () => {
    const res = await rawRequest(s.url, head('GET /admin/api/v1/users/%zz HTTP/1.1'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ statusCode: 400, code: -400, message: '请求错误: URL 编码无效' });
  });

  it('a path that climbs out of the static folders finds nothing', async () => {
    for (const target of [
      '/assets/..%2f..%2fpackage.json',
      '/media/../../package.json',
      '/embed/%2e%2e/%2e%2e/package.json',
      '/assets/%2e%2e%2f%2e%2e%2fsrc/config.ts',
      '/bfs/emote/..%2f..%2fpackage.json',
    ]) {
      const res = await rawRequest(s.url, head(`GET ${target} HTTP/1.1`));
      expect([200, 403, 404], target).toContain(res.status);
      expect(res.body, target).not.toContain('"name": "replay"');
      expect(res.body, target).not.toContain('REPLAY_');
      const body = JSON.parse(res.body) as { code: number };
      expect([-400, -403, -404], target).toContain(body.code);
    }
  });

  it('numbers that only coerce to Infinity (1e400, Infinity) are -400 naming the parameter', async () => {
    const { client } = await s.signedIn();
    const before = await fingerprint(s.handle);
    const invalid = (name: string) => ({
      code: -400,
      message: `请求错误: 参数 ${name} 含有无效的数值或字符`,
      ttl: 1,
    });
    expect(await s.anonymous().get('/x/player/v2', { aid: '1e400', cid: 1 })).toEqual(invalid('aid'));
    expect(await client.post('/x/v2/history/report', { aid: 'Infinity', cid: 1 })).toEqual(invalid('aid'));
    expect(await client.post('/x/v2/reply/del', { type: 1, oid: '-1e400', rpid: 1 })).toEqual(invalid('oid'));
    const admin = await fetch(`${s.url}/admin/api/v1/users/1e400`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(400);
    const json = await fetch(`${s.url}/admin/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"uname":"infinite","vip_due_date":1e400}',
    });
    expect(json.status).toBe(400);
    expect(await fingerprint(s.handle)).toEqual(before);
  });

  it('a NUL character or a lone surrogate in any string is -400 naming the parameter, on both databases', async () => {
    const { client, mid } = await s.signedIn();
    await s.admin.createArchive({
      aid: 990001,
      title: 'nul',
      owner_mid: mid,
      pages: [{ part: 'p', duration: 60 }],
    });
    const before = await fingerprint(s.handle);
    const invalid = (name: string) => ({
      code: -400,
      message: `请求错误: 参数 ${name} 含有无效的数值或字符`,
      ttl: 1,
    });
    expect(
      await s.anonymous().post('/x/passport-login/web/login', { username: 'a\u0000b', password: 'x' }),
    ).toEqual(invalid('username'));
    expect(await client.reply.add({ type: 1, oid: 990001, message: 'hello\u0000world' })).toEqual(
      invalid('message'),
    );
    expect(
      await client.post('/x/click-interface/web/heartbeat', {
        aid: 990001,
        session: 'abc\u0000',
        played_time: 5,
      }),
    ).toEqual(invalid('session'));
    expect(await s.anonymous().get('/x/passport-login/web/qrcode/poll', { qrcode_key: '\u0000' })).toEqual(
      invalid('qrcode_key'),
    );
    const adminUser = await fetch(`${s.url}/admin/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uname: 'nul\u0000name' }),
    });
    expect(adminUser.status).toBe(400);
    const nested = await fetch(`${s.url}/admin/api/v1/archives`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 't', owner_mid: mid, pages: [{ part: 'p\u0000', duration: 5 }] }),
    });
    expect(nested.status).toBe(400);
    // A lone surrogate has no UTF-8 form: each database would store its own replacement of it.
    const surrogate = await fetch(`${s.url}/admin/api/v1/sensitive-words`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"word":"a\\udfff"}',
    });
    expect(surrogate.status).toBe(400);
    const jsonComment = await fetch(`${s.url}/x/v2/reply/add`, {
      method: 'POST',
      headers: { cookie: `SESSDATA=${client.cookies['SESSDATA']}`, 'content-type': 'application/json' },
      body: `{"type":1,"oid":990001,"message":"x\\ud800y","csrf":"${client.cookies['bili_jct']}"}`,
    });
    expect(await jsonComment.json()).toEqual(invalid('message'));
    expect(((await nested.json()) as { message: string }).message).toBe(
      '请求错误: 参数 pages.0.part 含有无效的数值或字符',
    );
    expect(await fingerprint(s.handle)).toEqual(before);
  });
});
