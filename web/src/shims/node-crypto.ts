import { md5 } from 'js-md5';

/**
 * The browser build's stand-in for `node:crypto` (aliased in vite.config.ts): the typed client's Wbi
 * signing (src/domain/wbi.ts) needs `createHash('md5')` and nothing else.
 */
export function createHash(algorithm: string) {
  if (algorithm !== 'md5')
    throw new Error(`createHash: only md5 is available in the browser, not ${algorithm}`);
  const hasher = md5.create();
  const hash = {
    update(data: string) {
      hasher.update(data);
      return hash;
    },
    digest(encoding: 'hex') {
      if (encoding !== 'hex') throw new Error('digest: only hex is available in the browser');
      return hasher.hex();
    },
  };
  return hash;
}
