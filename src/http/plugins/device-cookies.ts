import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeviceService } from '../../services/device.service.ts';

/**
 * A visit to one of the web UI's pages sets `buvid3` and `b_nut` the way bilibili.com's home page does:
 * a visitor with neither (or with `b_nut` alone) gets a fresh device id and `b_nut` = now; one with only
 * `buvid3` gets `b_nut=100`; one with both gets no `Set-Cookie`. Both live a year, on `/`, readable by the
 * page (not HttpOnly, as Bilibili's), host-only like Replay's login cookies.
 *
 * Attached to the page routes alone (as they are registered), so no other route, the heartbeat least of
 * all, pays for it. A route-level preHandler runs after the application's: a visit refused before the
 * page is served (an undecodable or NUL-laden parameter, -400) issues and stores nothing.
 */
export function registerDeviceCookies(
  app: FastifyInstance,
  devices: DeviceService,
  pages: readonly string[],
): void {
  const pagePatterns = new Set(pages);
  const setDeviceCookies = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const set = await devices.pageCookies(request.cookies['buvid3'], request.cookies['b_nut']);
    if (!set) return;
    const options = { path: '/', expires: new Date(set.expiresAt * 1000), encode: (v: string) => v };
    if (set.buvid3 !== undefined) reply.setCookie('buvid3', set.buvid3, options);
    if (set.b_nut !== undefined) reply.setCookie('b_nut', set.b_nut, options);
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!pagePatterns.has(route.url) || !methods.some((m) => m === 'GET' || m === 'HEAD')) return;
    const existing = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [...existing, setDeviceCookies];
  });
}
