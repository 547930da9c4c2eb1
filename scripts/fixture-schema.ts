/**
 * Writes the fixture file's JSON Schema (docs/toolkit.md "Fixtures") to docs/fixture.schema.json from the
 * TypeBox declaration the server validates with:
 *
 *     npm run fixture-schema
 *
 * test/http/toolkit-fixture.test.ts renders it again and fails when the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureJsonSchema } from '../src/services/toolkit/fixture.schema.ts';

export const FIXTURE_SCHEMA_FILE = fileURLToPath(new URL('../docs/fixture.schema.json', import.meta.url));

export function renderFixtureSchema(): string {
  return `${JSON.stringify(fixtureJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(FIXTURE_SCHEMA_FILE, renderFixtureSchema());
  console.log(`wrote ${FIXTURE_SCHEMA_FILE}`);
}
