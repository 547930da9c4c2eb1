import type { TSchema } from 'typebox';

/**
 * A copy of a wire schema for fast-json-stringify that keeps the contract's field order.
 *
 * fast-json-stringify writes an object's required properties first and its optional ones after them, so
 * an optional field between required ones (the reply object's `floor`, `*_str` twins and `card_label`,
 * `content.emote`) would move to the end of its object. For such objects the copy has no `required` list:
 * every property is then written in declaration order, when present. The original schema, with its
 * `required` list, still types the mappers and checks the answers in tests.
 */
export function inWireOrder<T extends TSchema>(schema: T): T {
  return copy(schema) as T;
}

const copies = new WeakMap<object, object>();
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

function copy(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const done = copies.get(node);
  if (done) return done;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, copy(s)]));
    } else if (SUBSCHEMAS.has(key)) {
      out[key] = copy(value);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(copy);
    } else {
      out[key] = value;
    }
  }
  if (isRecord(source['properties']) && Array.isArray(source['required'])) {
    const required = new Set(source['required'] as string[]);
    const keys = Object.keys(source['properties']);
    const firstOptional = keys.findIndex((k) => !required.has(k));
    if (firstOptional >= 0 && keys.slice(firstOptional).some((k) => required.has(k))) delete out['required'];
  }
  copies.set(node, out);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
