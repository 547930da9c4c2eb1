import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS dependency loaded on first use instead of at start-up. Every module a process loads stays in
 * its heap for good (the source text and the compiled code); these are needed only by some set-ups or
 * commands: PostgreSQL, SMTP, webhook endpoints, YAML fixtures, pretty logs, the importer's progress bar.
 * A server on SQLite with none of them configured loaded about 2.5 MB of their source for nothing.
 * Typed by a type-only import of the same module: `import type * as X from 'x'`, `lazyModule<typeof X>('x')`.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
