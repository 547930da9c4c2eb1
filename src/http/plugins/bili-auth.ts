import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BiliError } from '../../errors.ts';
import type { Identity, SessionService } from '../../services/session.service.ts';

/** How a Bilibili route authenticates; set as `config.bili` on the route. */
export interface BiliRouteAuth {
  /** 'required' answers -101 without a valid identity; 'optional' resolves one when present. */
  auth: 'none' | 'optional' | 'required';
  /** Which proofs the route accepts (default both). */
  modes?: readonly ('cookie' | 'app')[];
  /** State-changing: banned accounts get -102, and Cookie callers must echo `bili_jct` as `csrf` (-111). */
  write?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    bili?: BiliRouteAuth;
  }
  interface FastifyRequest {
    identity: Identity | null;
  }
}

const BOTH_MODES = ['cookie', 'app'] as const;

/**
 * Runs before parameter validation on every Bilibili route, in the order of DESIGN.md §4:
 * merge query + form body → identity (access_key → APP, else SESSDATA → Cookie) → -101 → -102 → -111.
 * Parameter errors (-400) come after, from schema validation.
 */
export function registerBiliAuth(app: FastifyInstance, sessions: SessionService): void {
  app.decorateRequest('identity', null);
  app.addHook('preValidation', async (request) => {
    const rule = request.routeOptions.config.bili;
    if (!rule) return;
    mergeParams(request);
    if (rule.auth === 'none') return;
    const params = request.query as Record<string, unknown>;
    const modes = rule.modes ?? BOTH_MODES;
    const accessKey = params['access_key'];
    if (modes.includes('app') && typeof accessKey === 'string' && accessKey !== '') {
      request.identity = await sessions.resolve(accessKey, 'app');
    } else if (modes.includes('cookie')) {
      const sessdata = request.cookies['SESSDATA'];
      if (sessdata) request.identity = await sessions.resolve(sessdata, 'cookie');
    }
    const identity = request.identity;
    if (!identity) {
      if (rule.auth === 'required') throw new BiliError(-101);
      return;
    }
    if (rule.write) {
      if (identity.user.banned) throw new BiliError(-102);
      if (identity.mode === 'cookie' && params['csrf'] !== identity.session.csrf) throw new BiliError(-111);
    }
  });
}

/**
 * Clients put parameters in the query, the form body or both (csrf especially); routes validate one
 * merged object. A body value wins over a query value of the same name.
 */
function mergeParams(request: FastifyRequest): void {
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    request.query = { ...(request.query as object), ...body };
  }
}
