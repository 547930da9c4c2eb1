/**
 * A 52-bit hash of a viewer key (`m:<mid>`, `d:<device>`, `b:<buvid3>`, `ip:<address>`): a number safe in
 * JavaScript and in a PostgreSQL bigint, so nodes can compare viewers without storing who they are. Two
 * 32-bit FNV-1a-style lanes with different multipliers; among a million viewers of one part the chance of
 * any collision is about 1 in 10 000, and a collision only merges two viewers into one.
 */
export function viewerHash(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) + (b >>> 12) * 0x1_0000_0000;
}
