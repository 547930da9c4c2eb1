import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { membership } from '../../domain/account.ts';
import { badParam } from '../../errors.ts';
import type { EmoteViewer } from '../../services/emote.service.ts';
import type { Services } from '../../services/services.ts';
import { ok } from '../envelope.ts';
import { panelPackage } from '../mappers/emote.mapper.ts';
import { Params, Str } from '../params.ts';

const ASSETS = new URL('../../../assets/emotes/', import.meta.url);
const BUSINESSES = new Set(['reply', 'dynamic']);
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
 * CONTRACT.md §5.2 (`/x/emote/user/panel/web`, `/x/emote/package`) and the emote images themselves,
 * served under /bfs/emote/ like Bilibili's image host.
 */
export function emoteRoutes(app: FastifyInstance, services: Services): void {
  const shipped = loadShippedImages();

  const viewerOf = (request: FastifyRequest): EmoteViewer | null => {
    const user = request.identity?.user;
    if (!user) return null;
    return { vip: membership(user.vip_type, user.vip_due_date, services.clock.nowMs()).status === 1 };
  };

  app.get(
    '/x/emote/user/panel/web',
    {
      config: { bili: { auth: 'optional' } },
      schema: { querystring: Params({ business: Str({ maxLength: 32 }) }) },
    },
    async (request) => {
      const { business } = request.query as { business: string };
      checkBusiness(business);
      const viewer = viewerOf(request);
      const packages = await services.emotes.panel(viewer);
      return ok({ packages: packages.map((p) => panelPackage(p, viewer, services.emotes)) });
    },
  );

  app.get(
    '/x/emote/package',
    {
      config: { bili: { auth: 'optional' } },
      schema: { querystring: Params({ business: Str({ maxLength: 32 }), ids: Str({ maxLength: 2048 }) }) },
    },
    async (request) => {
      const { business, ids } = request.query as { business: string; ids: string };
      checkBusiness(business);
      const viewer = viewerOf(request);
      const packages = await services.emotes.packagesByIds(parseIds(ids));
      if (packages.length === 0) return ok(null);
      return ok({ packages: packages.map((p) => panelPackage(p, viewer, services.emotes)) });
    },
  );

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

function checkBusiness(business: string): void {
  if (!BUSINESSES.has(business)) throw badParam('business', '应为 reply 或 dynamic');
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
