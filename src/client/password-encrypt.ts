import { constants, publicEncrypt } from 'node:crypto';

/**
 * `base64(RSA-PKCS#1-v1.5(hash + password))` with the key from `/x/passport-login/web/key`, as the web
 * page and third-party clients encrypt a password (CONTRACT.md §22.4.1). Node only: the browser build of
 * the client has no RSA (WebCrypto offers no PKCS#1 v1.5 encryption), so index.ts does not export it.
 */
export function encryptPassword(hash: string, publicKeyPem: string, password: string): string {
  return publicEncrypt(
    { key: publicKeyPem, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(hash + password, 'utf8'),
  ).toString('base64');
}
