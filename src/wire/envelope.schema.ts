import Type from 'typebox';
import type { Static, TSchema } from 'typebox';
import { inWireOrder } from './wire-order.ts';

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
    // inWireOrder: fast-json-stringify would otherwise move optional fields behind the required ones.
    data: Type.Optional(inWireOrder(data)),
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

/**
 * `X` or `null`, written as the JSON Schema `type: [X's type, "null"]` rather than `anyOf`: for `anyOf`,
 * fast-json-stringify runs a full validator on the value to choose a branch (a page would be validated
 * once more before it is written); for a type list it only tests `=== null`.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as unknown as { type: string }).type;
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
}
