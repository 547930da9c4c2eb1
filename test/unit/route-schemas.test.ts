import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as FastifyModule from 'fastify';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services/services.ts';
import { createDb } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/index.ts';
import { Store } from '../../src/store/store.ts';
import { Envelope, Nullable } from '../../src/wire/envelope.schema.ts';

// Every route of the Bilibili surface declares its 200 answer with a schema of src/wire (Fastify then
// serialises it with fast-json-stringify, and the schema is the one definition of that wire object). The
// routes are read from the application itself: an onRoute hook on the instance buildApp creates.
const routes = vi.hoisted(() => [] as RouteOptions[]);
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof FastifyModule>();
  const factory = ((options: Parameters<typeof real.default>[0]) => {
    const app = real.default(options) as unknown as FastifyInstance;
    app.addHook('onRoute', (route) => void routes.push(route));
    return app;
  }) as unknown as typeof real.default;
  return { ...real, default: factory };
});

/** Where Bilibili's hosts answer (api., passport., www.bilibili.com paths): everything else is Replay's own. */
const BILIBILI = /^\/(x\/|bapis\/|pgc\/|pugv\/|passport|login\/|h5-app\/|correspond\/|crossDomain|bfs\/)/;

/** Bilibili paths that answer no JSON, so have no wire schema. */
const NOT_JSON: Record<string, string> = {
  '/x/passport-login/web/crossDomain': 'sets the session cookies and redirects (302), as Bilibili does',
  '/crossDomain': 'the pre-2023 path of the same cross-domain redirect',
  '/x/passport-tv-login/h5/qrcode/auth': 'the HTML confirmation page a TV QR code opens on the phone',
  '/h5-app/passport/login/scan': 'the HTML confirmation page a web QR code opens on the phone',
  '/correspond/1/*': "the cookie refresh's HTML page carrying refresh_csrf, as www.bilibili.com serves it",
  '/x/replay/avatar/:mid/:hash': 'uploaded avatar images (a Replay extension)',
  '/bfs/emote/:file': 'emote image files',
};

type Schema = { type?: unknown; properties?: Record<string, unknown> };
const canonical = (schema: unknown) => JSON.stringify(schema);

/**
 * Every schema exported by src/wire, alone and wrapped by each envelope function src/wire exports
 * (`Envelope`, `ResultEnvelope`…), also around a nullable object.
 */
async function wireSchemas(): Promise<Set<string>> {
  const dir = join(import.meta.dirname, '..', '..', 'src', 'wire');
  const schemas: TSchema[] = [];
  const envelopes: ((data: TSchema) => unknown)[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.ts'))) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function' && name.endsWith('Envelope'))
        envelopes.push(value as (d: TSchema) => unknown);
      else if (typeof value === 'object' && value !== null && ('type' in value || 'anyOf' in value)) {
        schemas.push(value);
      }
    }
  }
  expect(envelopes).toContain(Envelope);
  const known = new Set<string>();
  for (const schema of schemas) {
    known.add(canonical(schema));
    for (const wrap of envelopes) {
      known.add(canonical(wrap(schema)));
      if (typeof (schema as Schema).type === 'string') known.add(canonical(wrap(Nullable(schema))));
    }
  }
  return known;
}

describe('the response schemas of the Bilibili routes', () => {
  let close = async () => {};
  let known = new Set<string>();
  beforeAll(async () => {
    const config = loadConfig(
      { db: ':memory:', adminToken: 'route-schema-token', logLevel: 'silent', demo: false, toolkit: true },
      {},
    );
    const handle = createDb(config.db);
    await migrateToLatest(handle.db);
    const services = await createServices(new Store(handle), config);
    const app = await buildApp({ config, services });
    await app.ready();
    close = async () => {
      await app.close();
      await handle.close();
    };
    known = await wireSchemas();
  });
  afterAll(() => close());

  const bilibili = () => routes.filter((r) => BILIBILI.test(r.url) && !(r.url in NOT_JSON));

  it('finds the routes of the application', () => {
    expect(bilibili().length).toBeGreaterThan(100);
    for (const path of Object.keys(NOT_JSON))
      expect(
        routes.map((r) => r.url),
        path,
      ).toContain(path);
  });

  it('declares response[200] on every Bilibili route, an envelope with `code`', () => {
    const missing = bilibili()
      .filter((r) => {
        const ok = (r.schema as { response?: Record<string, Schema> } | undefined)?.response?.['200'];
        return !ok?.properties || !('code' in ok.properties);
      })
      .map((r) => `${[r.method].flat().join(',')} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('takes that schema from src/wire', () => {
    const foreign = bilibili()
      .filter(
        (r) => !known.has(canonical((r.schema as { response: Record<string, unknown> }).response['200'])),
      )
      .map((r) => `${[r.method].flat().join(',')} ${r.url}`);
    expect(foreign).toEqual([]);
  });
});
