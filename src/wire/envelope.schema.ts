import Type from 'typebox';
import type { TSchema } from 'typebox';

/**
 * The Bilibili response envelope (`{code, message, ttl, data}`) around a route's `data` schema. Routes
 * declare it as their 200 response, so Fastify serialises successes with a precompiled serialiser; error
 * answers (any code but 0) are written by the error handler with their own serialiser, which is why
 * `data` is optional here.
 */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({
    code: Type.Integer(),
    message: Type.String(),
    ttl: Type.Literal(1),
    data: Type.Optional(data),
  });
}

/** A pure action's success: `{code:0, message:"0", ttl:1}` with no `data` key at all. */
export const DoneEnvelope = Type.Object({
  code: Type.Integer(),
  message: Type.String(),
  ttl: Type.Literal(1),
});

/** A wire object: its fields exactly, in the contract's order; tests reject a key the schema lacks. */
export function Wire<T extends Type.TProperties>(properties: T, options: { description?: string } = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}
