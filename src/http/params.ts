import Type from 'typebox';

/**
 * Parameter building blocks for Bilibili routes. Values arrive as strings (query or form) and are
 * coerced by the validator; a failure becomes -400 naming the parameter.
 */

/** Positive id below 2^53 (DESIGN.md §7). */
export const Id = (options: { description?: string } = {}) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...options });

export const Int = (
  options: { minimum?: number; maximum?: number; default?: number; description?: string } = {},
) => Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...options });

export const Str = (
  options: { maxLength?: number; minLength?: number; default?: string; description?: string } = {},
) => Type.String({ maxLength: 4096, ...options });

/** Every Bilibili route tolerates the parameters real clients add (`csrf`, `access_key`, `appkey`, ...). */
export function Params<T extends Type.TProperties>(properties: T) {
  return Type.Object(properties, { additionalProperties: true });
}
