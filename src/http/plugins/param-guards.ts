import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badParam } from '../../errors.ts';

/**
 * Three kinds of value pass schema validation yet must not reach the services; each is -400 naming the
 * parameter, on SQLite and PostgreSQL alike:
 *
 * - Non-finite numbers. Ajv's type coercion (`coerceTypes`) turns a string such as `1e400` or `Infinity`
 *   into `Infinity` after its integer check, and its range keywords skip non-finite numbers, so `aid=1e400`
 *   passes `maximum: 2^53 - 1` (PostgreSQL then refuses the bigint: a 500). Coerced values live in the
 *   query (with the form body merged into it) and the path parameters. A JSON `1e400` is refused by Ajv's
 *   own type check (`strictNumbers`, set in app.ts).
 * - U+0000 in a string. PostgreSQL text cannot hold it (SQLite can), so a NUL in a comment, a user name or
 *   a session key would be stored on one database and be a 500 on the other.
 * - A lone UTF-16 surrogate (`"\udfff"` in a JSON body). It has no UTF-8 form: each driver stores its own
 *   replacement, so the stored text differs from what was checked (a sensitive word `\udfff` became U+FFFD
 *   and collided with another on PostgreSQL's unique index: a 500).
 */
export function registerParamGuards(app: FastifyInstance): void {
  // Attached per route as routes are registered (the route's config is known then, not read per request).
  app.addHook('onRoute', (route) => {
    // A Bilibili route's form body was merged into its query before validation (bili-auth.ts): checked
    // there once, not twice.
    const merged = route.config?.bili !== undefined;
    const guard = merged ? guardMerged : guardAll;
    const existing = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [guard, ...existing];
  });
}

type Done = (error?: Error) => void;

function guardMerged(request: FastifyRequest, _reply: unknown, done: Done): void {
  const name = badValue(request.query, 0) ?? badValue(request.params, 0);
  done(name === undefined ? undefined : badParam(name, '含有无效的数值或字符'));
}

function guardAll(request: FastifyRequest, _reply: unknown, done: Done): void {
  const name = badValue(request.query, 0) ?? badValue(request.params, 0) ?? badValue(request.body, 0);
  done(name === undefined ? undefined : badParam(name, '含有无效的数值或字符'));
}

/** Admin bodies nest (archive pages, emote lists); deeper than this is refused by the schemas anyway. */
const MAX_DEPTH = 4;

/** The name of the first offending field, dotted for nested ones. */
function badValue(values: unknown, depth: number): string | undefined {
  if (values === null || typeof values !== 'object' || depth > MAX_DEPTH) return undefined;
  // for…in over own keys: Object.entries built an array of pairs per object on every request.
  const record = values as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (typeof value === 'number' && !Number.isFinite(value)) return key;
    // isWellFormed: false exactly when the string holds a lone surrogate.
    if (typeof value === 'string' && (value.includes('\u0000') || !value.isWellFormed())) return key;
    if (typeof value === 'object' && value !== null) {
      const inner = badValue(value, depth + 1);
      if (inner !== undefined) return `${key}.${inner}`;
    }
  }
  return undefined;
}
