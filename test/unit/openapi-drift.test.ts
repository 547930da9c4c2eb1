import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi.ts';

describe('docs/openapi.json', () => {
  let rendered = '';
  beforeAll(async () => {
    rendered = await renderOpenApi();
  });
  const paths = (json: string) => Object.keys((JSON.parse(json) as { paths: object }).paths);

  it('is the document the admin routes produce (run npm run openapi after changing them)', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    // The route list first: a missing or extra route is the usual cause, and its diff is short to read.
    expect(paths(committed), 'docs/openapi.json is stale: run npm run openapi').toEqual(paths(rendered));
    expect(committed, 'docs/openapi.json is stale: run npm run openapi').toBe(rendered);
  });

  it('describes the admin API and nothing of the Bilibili surface', () => {
    expect(paths(rendered).length).toBeGreaterThan(10);
    for (const path of paths(rendered)) expect(path).toMatch(/^\/admin\/api\/v1\//);
  });
});
