import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { fingerprint } from './db-fingerprint.ts';
import type { Fingerprint } from './db-fingerprint.ts';
import {
  FUZZ_RUNS,
  KEY_VALUES,
  LONG,
  REQUEST_TIMEOUT_MS,
  SEED,
  applyMutations,
  encodePairs,
  hostileValue,
  jsonBody,
  mutation,
} from './hostile.ts';
import type { Mutation, Pairs, Val } from './hostile.ts';
import { isAdminDocs, isTokenProtected, listRoutes } from './routes.ts';
import type { RouteEntry } from './routes.ts';

/**
 * The admin API (and /metrics, behind the same token) under hostile input: path parameters, query and
 * JSON bodies mutated, wrong content types, missing, wrong or misplaced tokens. Never a 5xx or a hang;
 * errors are JSON `{statusCode, code, message}` with a 4xx; without the token nothing succeeds; a rejected
 * request changes nothing in the database.
 */

type TokenChoice = 'bearer' | 'none' | 'wrong' | 'basic' | 'lowercase-scheme' | 'in-query' | 'in-cookie';
type AdminBody = 'json' | 'form' | 'text' | 'none' | 'multipart';

interface AdminPlan {
  pathValues: (Val | null)[];
  mutations: Mutation[];
  token: TokenChoice;
  bodyType: AdminBody;
}

const adminPlan: fc.Arbitrary<AdminPlan> = fc.record({
  pathValues: fc.array(fc.option(hostileValue, { freq: 2 }), { minLength: 2, maxLength: 2 }),
  mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
  token: fc.constantFrom(
    'bearer',
    'bearer',
    'bearer',
    'bearer',
    'none',
    'wrong',
    'basic',
    'lowercase-scheme',
    'in-query',
    'in-cookie',
  ),
  bodyType: fc.constantFrom('json', 'json', 'json', 'json', 'form', 'text', 'none', 'multipart'),
});

/** Each hostile category at least once per route, in a path parameter and in the body. */
function examples(): AdminPlan[] {
  const base: AdminPlan = { pathValues: [null, null], mutations: [], token: 'bearer', bodyType: 'json' };
  const out: AdminPlan[] = [base];
  KEY_VALUES.forEach((value, i) => {
    out.push({ ...base, pathValues: [value, null] });
    out.push({ ...base, mutations: [{ op: 'set', pick: i, value, second: value, name: '' }] });
  });
  for (const token of ['none', 'wrong', 'basic', 'lowercase-scheme', 'in-query', 'in-cookie'] as const) {
    out.push({ ...base, token });
  }
  for (const bodyType of ['form', 'text', 'none', 'multipart'] as const) out.push({ ...base, bodyType });
  return out;
}

interface AdminFixture {
  mid: number;
  aid: number;
  rpid: number;
  packageId: number;
  wordId: number;
}

/** The valid request each admin route departs from: its path parameters, query and body. */
function baseline(route: RouteEntry, f: AdminFixture, n: number) {
  const params: Record<string, string> = {
    mid: String(f.mid),
    aid: String(f.aid),
    type: '1',
    oid: String(f.aid),
    rpid: String(f.rpid),
    id: route.path.includes('sensitive') ? String(f.wordId) : String(f.packageId),
    code: `fuzz-invite-${n}`,
  };
  const key = `${route.method} ${route.path.replace(/^\/admin\/api\/v1/, '')}`;
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /users': { uname: `fuzz-${n}`, password: 'fuzz-secret', sign: 'hello', level: 3 },
    'PATCH /users/:mid': { sign: `sign ${n}`, level: 4 },
    'POST /archives': { title: `fuzz ${n}`, owner_mid: f.mid, pages: [{ part: 'p', duration: 60 }] },
    'PUT /areas/:type/:oid': { owner_mid: f.mid, closed: false },
    'POST /emote-packages': {
      text: `pk${n}`,
      emotes: [{ text: `[pk${n}_a]`, image: { url: 'https://img.example/a.png' } }],
    },
    'POST /sensitive-words': { word: `word${n}` },
    'POST /reports/:rpid/resolve': { action: 'dismiss' },
    'POST /reports/bulk': { rpids: [f.rpid], action: 'dismiss' },
    // An rpid that does not exist: the fixture comment stays for the other routes.
    'POST /replies/bulk': { rpids: [987654321], action: 'delete' },
    'PUT /users/:mid/cookie-refresh': { forced: true },
    'POST /invites': { uses: 2, note: `fuzz ${n}` },
    // Disabled: an enabled endpoint would make the dispatcher write in the background between requests.
    'POST /webhooks': { url: 'http://127.0.0.1:9/hook', events: ['comment.posted'], enabled: false },
    'PATCH /webhooks/:id': { description: `fuzz ${n}` },
    'PUT /users/:mid/mail': { email: `fuzz${n}@example.test`, opt_out: false },
  };
  const queries: Record<string, Record<string, string>> = {
    'GET /reports': { status: 'all', limit: '10' },
    'GET /users': { q: 'admin', limit: '10' },
    'GET /archives': { q: 'fuzz', limit: '10' },
    'GET /areas': { type: '1', limit: '10' },
    'GET /replies': { type: '1', oid: String(f.aid), state: 'all', limit: '10' },
    'GET /report-groups': { status: 'all', limit: '10' },
    'GET /audit-log': { limit: '10' },
    'GET /sensitive-words': { limit: '10', offset: '0' },
    'GET /users/:mid/watch-sessions': { limit: '10', aid: String(f.aid) },
    'GET /webhooks/:id/deliveries': { limit: '10' },
  };
  return { params, query: queries[key] ?? {}, body: bodies[key] };
}

function fillPath(pattern: string, params: Record<string, string>, values: (Val | null)[]): string {
  let i = 0;
  return pattern.replace(/:([a-z]+)/g, (_m, name: string) => {
    const value = values[i++] ?? null;
    if (value === null) return params[name] ?? '1';
    return value.kind === 'raw' ? value.v : encodeURIComponent(value.v.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  });
}

/** JSON body from the baseline with the mutations applied to its top-level fields. */
function mutatedJson(body: Record<string, unknown>, mutations: Mutation[]): string {
  const asText = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, JSON.stringify(v)]));
  const pairs: Pairs = applyMutations(asText, mutations).map(([k, v]) =>
    // Untouched fields keep their JSON; mutated ones are hostile strings or raw JSON tokens.
    asText[k] === v.v && v.kind === 'text' ? [k, { kind: 'json', v: v.v }] : [k, v],
  );
  return jsonBody(pairs);
}

describe.each(dialects())('hostile input on the admin API (%s)', (dialect) => {
  let s: TestServer;
  let f: AdminFixture;
  let current: Fingerprint;
  let counter = 0;

  beforeAll(async () => {
    s = await startTestServer(dialect, {
      commentBurstLimit: 0,
      commentHourlyLimit: 0,
      reportPerMinuteLimit: 0,
    });
    const user = await s.signedIn('admin-fuzz-user');
    const archive = await s.admin.createArchive({
      title: 'admin fuzz',
      owner_mid: user.mid,
      pages: [{ part: 'one', duration: 100 }],
    });
    const reply = await user.client.reply.add({ type: 1, oid: archive.aid, message: 'to moderate' });
    const pkg = await s.admin.emotes.create({
      text: 'fz',
      emotes: [{ text: '[fz_a]', image: { url: 'https://img.example/fz.png' } }],
    });
    const words = await s.admin.sensitiveWords.add(['fuzzword']);
    f = {
      mid: user.mid,
      aid: archive.aid,
      rpid: reply.data!.rpid,
      packageId: pkg.id,
      wordId: words.added[0]!.id,
    };
    current = await fingerprint(s.handle);
  });
  afterAll(async () => s?.close());

  const routeList = (): RouteEntry[] =>
    s ? listRoutes(s.app).filter((r) => isTokenProtected(r.path) || isAdminDocs(r.path)) : [];

  it(
    'fuzzes every admin route: no 5xx, no hang, JSON 4xx errors, no success without the token, rejected → no change',
    // One test walks every admin route (about sixty now), so its budget is a few seconds per route.
    { timeout: LONG ? 1_200_000 : 300_000 },
    async () => {
      const routes = routeList();
      for (const [index, route] of routes.entries()) {
        await fc.assert(
          fc.asyncProperty(adminPlan, async (p) => {
            const { params, query, body } = baseline(route, f, ++counter);
            const path = fillPath(route.path, params, p.pathValues);
            const queryPairs =
              route.method === 'GET'
                ? applyMutations(query, p.mutations)
                : Object.entries(query).map(([k, v]): [string, Val] => [k, { kind: 'text', v }]);
            const headers: Record<string, string> = {};
            const extraQuery: string[] = [];
            switch (p.token) {
              case 'bearer':
                headers['authorization'] = `Bearer ${ADMIN_TOKEN}`;
                break;
              case 'wrong':
                headers['authorization'] = `Bearer ${ADMIN_TOKEN.slice(0, -1)}x`;
                break;
              case 'basic':
                headers['authorization'] = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;
                break;
              case 'lowercase-scheme':
                headers['authorization'] = `bearer ${ADMIN_TOKEN}`;
                break;
              case 'in-query':
                extraQuery.push(`token=${ADMIN_TOKEN}`, `access_token=${ADMIN_TOKEN}`);
                break;
              case 'in-cookie':
                headers['cookie'] = `token=${ADMIN_TOKEN}; authorization=Bearer%20${ADMIN_TOKEN}`;
                break;
              case 'none':
                break;
            }
            const q = [encodePairs(queryPairs), ...extraQuery].filter((x) => x).join('&');
            const url = `${s.url}${path}${q ? `?${q}` : ''}`;
            const init: RequestInit = {
              method: route.method,
              headers,
              redirect: 'manual',
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            };
            if (route.method !== 'GET' && route.method !== 'DELETE') {
              const json = mutatedJson(body ?? {}, p.mutations);
              switch (p.bodyType) {
                case 'json':
                  headers['content-type'] = 'application/json';
                  init.body = json;
                  break;
                case 'form':
                  headers['content-type'] = 'application/x-www-form-urlencoded';
                  init.body = encodePairs(applyMutations({ uname: 'form-user' }, p.mutations));
                  break;
                case 'text':
                  headers['content-type'] = 'text/plain';
                  init.body = json;
                  break;
                case 'multipart':
                  headers['content-type'] = 'multipart/form-data; boundary=zzz';
                  init.body = '--zzz\r\nContent-Disposition: form-data; name="uname"\r\n\r\nx\r\n--zzz--\r\n';
                  break;
                case 'none':
                  break;
              }
            }
            const shown = typeof init.body === 'string' ? init.body.slice(0, 300) : '';
            const what = `${route.method} ${url.slice(0, 300)}\nbody ${shown}\ntoken ${p.token}`;
            const res = await fetch(url, init);
            const text = await res.text();
            const after = await fingerprint(s.handle);
            expect(res.status, `${what}\n${text.slice(0, 300)}`).toBeLessThan(500);
            const authorized = p.token === 'bearer';
            let accepted = res.status < 400;
            if (isAdminDocs(route.path)) {
              // Public documentation: served or redirected, never a write.
              accepted = false;
            } else if (res.status >= 400) {
              expect(res.headers.get('content-type'), what).toContain('application/json');
              const error = JSON.parse(text) as { statusCode?: number; code: number; message: string };
              // Headers over 16 KiB are refused by the HTTP parser before the path is known: the envelope.
              if (res.status === 431) expect(error, what).toMatchObject({ code: -400, ttl: 1 });
              else expect(error.statusCode, what).toBe(res.status);
              expect(typeof error.code, what).toBe('number');
              expect(typeof error.message, what).toBe('string');
              if (!authorized) expect([400, 401, 404, 431], what).toContain(res.status);
            } else {
              expect(authorized, `succeeded without the admin token\n${what}`).toBe(true);
            }
            if (!accepted) expect(after, `a rejected request changed the database\n${what}`).toEqual(current);
            current = after;
          }),
          {
            // The examples count toward numRuns: FUZZ_RUNS random runs come after them.
            numRuns: examples().length + FUZZ_RUNS,
            seed: SEED + 1000 + index,
            endOnFailure: true,
            examples: examples().map((e) => [e]),
          },
        );
      }
    },
  );
});
