import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { membership } from '../../domain/account.ts';
import { badParam } from '../../errors.ts';
import { EMOTE_BUSINESSES } from '../../services/emote.service.ts';
import type { EmoteBusiness, EmoteViewer } from '../../services/emote.service.ts';
import type { Services } from '../../services/services.ts';
import { done, ok } from '../envelope.ts';
import { panelPackage } from '../mappers/emote.mapper.ts';
import { Id, Params, Str } from '../params.ts';
import { EmotePanelData, EmoteSettingPanelData } from '../../wire/emote.schema.ts';
import { DoneEnvelope, Envelope, Nullable } from '../../wire/envelope.schema.ts';

const ASSETS = new URL('../../../assets/emotes/', import.meta.url);
const MAX_IDS = 100;

/** The shipped emote images, read once: a few KiB each. */
function loadShippedImages(): Map<string, Buffer> {
  const images = new Map<string, Buffer>();
  for (const name of readdirSync(ASSETS)) {
    if (name.endsWith('.png')) images.set(name, readFileSync(new URL(name, ASSETS)));
  }
  return images;
}

/**
 * The emote panel (`/x/emote/user/panel/web`, `/x/emote/package`), its settings (`/x/emote/setting/panel`,
 * `/x/emote/package/add` and `/remove`; docs/api/emote-settings.md) and the emote images themselves,
 * served under /bfs/emote/ like Bilibili's image host.
 */
export function emoteRoutes(app: FastifyInstance, services: Services, config: Config): void {
  const shipped = loadShippedImages();

  const viewerOf = (request: FastifyRequest): EmoteViewer | null => {
    const user = request.identity?.user;
    if (!user) return null;
    return {
      mid: user.mid,
      vip: membership(user.vip_type, user.vip_due_date, services.clock.nowMs()).status === 1,
    };
  };

  app.get(
    '/x/emote/user/panel/web',
    {
      config: { bili: { auth: 'optional' } },
      schema: {
        querystring: Params({ business: Str({ maxLength: 32 }) }),
        response: { 200: Envelope(EmotePanelData) },
      },
    },
    async (request) => {
      const business = businessOf(request);
      const viewer = viewerOf(request);
      const packages = await services.emotes.panel(viewer, business);
      return ok({ packages: packages.map((p) => panelPackage(p, viewer, services.emotes, true)) });
    },
  );

  app.get(
    '/x/emote/package',
    {
      config: { bili: { auth: 'optional' } },
      schema: {
        querystring: Params({ business: Str({ maxLength: 32 }), ids: Str({ maxLength: 2048 }) }),
        response: { 200: Envelope(Nullable(EmotePanelData)) },
      },
    },
    async (request) => {
      const business = businessOf(request);
      const { ids } = request.query as { ids: string };
      const viewer = viewerOf(request);
      const packages = await services.emotes.packagesByIds(parseIds(ids));
      if (packages.length === 0) return ok(null);
      const added = await services.emotes.addedAmong(viewer, business, packages);
      return ok({
        packages: packages.map((p) => panelPackage(p, viewer, services.emotes, added.has(p.row.id))),
      });
    },
  );

  app.get(
    '/x/emote/setting/panel',
    {
      config: { bili: { auth: 'required' } },
      schema: {
        querystring: Params({ business: Str({ maxLength: 32 }) }),
        response: { 200: Envelope(EmoteSettingPanelData) },
      },
    },
    async (request) => {
      const business = businessOf(request);
      const viewer = viewerOf(request)!;
      const choices = await services.emotes.choices(viewer, business);
      const all = choices.map((c) => panelPackage(c.pkg, viewer, services.emotes, c.added));
      return ok({
        user_panel_packages: all.filter((p) => p.flags.added),
        all_packages: all,
        mall: { title: '表情商城', url: `${config.publicUrl}/` },
      });
    },
  );

  // Real clients send `package_id`/`business`/`csrf` in the URL of the POST and `csrf`/`csrf_token` in the
  // body; the auth plugin merges both.
  for (const [path, add] of [
    ['/x/emote/package/add', true],
    ['/x/emote/package/remove', false],
  ] as const) {
    app.post(
      path,
      {
        config: { bili: { auth: 'required', write: true } },
        schema: {
          querystring: Params({ package_id: Id(), business: Str({ maxLength: 32 }) }),
          response: { 200: DoneEnvelope },
        },
      },
      async (request) => {
        const business = businessOf(request);
        const { package_id: packageId } = request.query as { package_id: number };
        await services.emotes.setInPanel(viewerOf(request)!, business, packageId, add);
        return done();
      },
    );
  }

  app.get('/bfs/emote/:file', async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const { file } = request.params;
    const own = shipped.get(file);
    if (own) return sendImage(reply, 'image/png', own, 'public, max-age=86400');
    const image = await services.emotes.image(file);
    if (!image) return reply.callNotFound();
    return sendImage(reply, image.contentType, image.data, 'public, max-age=31536000, immutable');
  });
}

function sendImage(reply: FastifyReply, type: string, data: Buffer, cacheControl: string): FastifyReply {
  return reply
    .type(type)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .send(data);
}

function businessOf(request: FastifyRequest): EmoteBusiness {
  const { business } = request.query as { business: string };
  const known = EMOTE_BUSINESSES.find((b) => b === business);
  if (!known) throw badParam('business', '应为 reply 或 dynamic');
  return known;
}

/** `ids`: comma-separated package ids (`1,4,1001`); anything else is -400 naming `ids`. */
function parseIds(ids: string): number[] {
  const parts = ids.split(',').map((p) => p.trim());
  if (parts.length > MAX_IDS) throw badParam('ids', `最多 ${MAX_IDS} 个`);
  return parts.map((part) => {
    const id = /^\d{1,16}$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(id) || id < 1) throw badParam('ids', '应为逗号分隔的正整数');
    return id;
  });
}
