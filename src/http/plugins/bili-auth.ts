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
    /** The form or JSON body was merged into `query`, which the route then validated (the journal rebuilds it so). */
    paramsMerged: boolean;
  }
}

const BOTH_MODES = ['cookie', 'app'] as const;

/**
 * Runs before parameter validation on every Bilibili route, in the order of DESIGN.md §4:
 * merge query + form body → identity (access_key → APP, else SESSDATA → Cookie) → -101 → -102 → -111.
 * Parameter errors (-400) come after, from schema validation.
 *
 * Attached to the routes that declare `config.bili` as they are registered (ahead of their own
 * preValidation), so other routes run no hook for it and no request reads `routeOptions` (a getter that
 * builds a fresh object on every access).
 */
export function registerBiliAuth(app: FastifyInstance, sessions: SessionService): void {
  app.decorateRequest('identity', null);
  app.decorateRequest('paramsMerged', false);
  app.addHook('onRoute', (route) => {
    const rule = route.config?.bili;
    if (!rule) return;
    const hook = rule.auth === 'none' ? mergeOnly : authenticate(rule, sessions);
    const existing = route.preValidation === undefined ? [] : [route.preValidation].flat();
    route.preValidation = [hook, ...existing];
  });
}

const mergeOnly = (request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void => {
  mergeParams(request);
  done();
};

function authenticate(rule: BiliRouteAuth, sessions: SessionService) {
  const modes = rule.modes ?? BOTH_MODES;
  const app = modes.includes('app');
  const cookie = modes.includes('cookie');
  return (request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void => {
    mergeParams(request);
    const params = request.query as Record<string, unknown>;
    const accessKey = params['access_key'];
    let token: string | undefined;
    let mode: 'cookie' | 'app' = 'cookie';
    if (app && typeof accessKey === 'string' && accessKey !== '') {
      token = accessKey;
      mode = 'app';
    } else if (cookie) {
      token = request.cookies['SESSDATA'] || undefined;
    }
    if (token === undefined) {
      done(refusal(rule, request, params));
      return;
    }
    // A cached session answers synchronously: no promise and no extra turn per request.
    const cached = sessions.cached(token, mode);
    if (cached !== undefined) {
      request.identity = cached;
      done(refusal(rule, request, params));
      return;
    }
    sessions.resolve(token, mode).then((identity) => {
      request.identity = identity;
      done(refusal(rule, request, params));
    }, done);
  };
}

/** -101 → -102 → -111, or undefined when the request may go on. */
function refusal(rule: BiliRouteAuth, request: FastifyRequest, params: Record<string, unknown>) {
  const identity = request.identity;
  if (!identity) return rule.auth === 'required' ? new BiliError(-101) : undefined;
  if (rule.write) {
    if (identity.user.banned) return new BiliError(-102);
    // `csrf_token` is an alias some clients send (bilibili-api sends both); `csrf` wins when present.
    const csrf = params['csrf'] ?? params['csrf_token'];
    if (identity.mode === 'cookie' && csrf !== identity.session.csrf) return new BiliError(-111);
  }
  return undefined;
}

/**
 * Clients put parameters in the query, the form body or both (csrf especially); routes validate one
 * merged object. A body value wins over a query value of the same name.
 */
function mergeParams(request: FastifyRequest): void {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  // The parsed query belongs to this request alone: filled in place, or (no query string at all, as a
  // form POST usually has) replaced by the body, instead of copying both into a new object.
  if (request.url.includes('?')) Object.assign(request.query as object, body);
  else request.query = body;
  request.paramsMerged = true;
}
