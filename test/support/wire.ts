import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { expect } from 'vitest';

/**
 * Asserts that a wire answer matches its schema in `src/wire/`: every declared field present with its
 * type, and (for `Wire()` objects) no field the schema does not declare. Fails naming each offending path.
 */
export function expectWire(schema: TSchema, value: unknown): void {
  const problems = [...Value.Errors(schema, value)].map((e) => `${e.instancePath || '/'} ${e.message}`);
  expect(problems, `answer does not match its wire schema:\n${JSON.stringify(value).slice(0, 400)}`).toEqual(
    [],
  );
}
