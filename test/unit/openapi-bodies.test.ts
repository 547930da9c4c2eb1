import { describe, expect, it } from 'vitest';
import { markOptionalBodies, operationKey } from '../../src/http/openapi-bodies.ts';

describe('optional request bodies in the OpenAPI document', () => {
  const document = () => ({
    paths: {
      '/admin/api/v1/toolkit/reset': { post: { requestBody: { required: true } } },
      '/admin/api/v1/things/{id}': { put: { requestBody: { required: true } } },
    },
  });

  it('marks the collected operations optional, path parameters written as OpenAPI writes them', () => {
    const marked = markOptionalBodies(
      document(),
      new Set([
        operationKey('POST', '/admin/api/v1/toolkit/reset'),
        operationKey('PUT', '/admin/api/v1/things/:id'),
      ]),
    );
    expect(marked.paths['/admin/api/v1/toolkit/reset'].post.requestBody.required).toBe(false);
    expect(marked.paths['/admin/api/v1/things/{id}'].put.requestBody.required).toBe(false);
  });

  it('refuses to render when an admin operation is not found under its key', () => {
    // A path written some other way (here a parameter with a pattern) would stay marked required.
    expect(() =>
      markOptionalBodies(document(), new Set([operationKey('PUT', '/admin/api/v1/things/:id(^\\d+)')])),
    ).toThrow(/optional bodies not found/);
    // A hidden Bilibili route is no operation of the document: nothing to mark.
    expect(() =>
      markOptionalBodies(document(), new Set([operationKey('POST', '/x/v2/reply/add')])),
    ).not.toThrow();
  });
});
