import { createHash } from 'node:crypto';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler';

/**
 * Fastify compiles a response serializer for every route and status code, again for every GET route's
 * HEAD twin, and once more in each plugin scope. Many routes answer with the same schema (a plain
 * envelope, a comment page): at start-up 176 serializers were compiled from 78 distinct schemas, and
 * their generated sources alone held 5 MB of the idle heap, with the compiled code and each serializer's
 * own validator on top. A serializer is a pure function of its schema, the shared schemas it may refer
 * to and the server's options (one set per server): those that agree on all of them, as JSON (which is
 * all fast-json-stringify reads), share one.
 */
export function sharedSerializers(): SerializerFactory {
  const build = SerializerSelector();
  const compiled = new Map<string, ReturnType<ReturnType<SerializerFactory>>>();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    const scope = JSON.stringify(externalSchemas ?? null);
    return (route) => {
      // A digest, not the text: a comment page's schema is ~100 KB of JSON, kept for as long as the map.
      const key = createHash('sha256')
        .update(scope)
        .update('\n')
        .update(JSON.stringify(route.schema))
        .digest('base64');
      let serializer = compiled.get(key);
      if (serializer === undefined) {
        serializer = compile(route);
        compiled.set(key, serializer);
      }
      return serializer;
    };
  };
}
