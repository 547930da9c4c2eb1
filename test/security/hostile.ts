import fc from 'fast-check';

/**
 * Hostile values and parameter mutations shared by the fuzz suites (fuzz.test.ts, fuzz-admin.test.ts).
 * Bounded by default (a fixed seed, the fixed examples plus FUZZ_RUNS random runs per endpoint);
 * REPLAY_LONG_TESTS=1 makes it 150 random runs with a seed of the moment, which a failure prints (replay
 * it with REPLAY_FUZZ_SEED).
 */

export const LONG = process.env['REPLAY_LONG_TESTS'] === '1';
export const FUZZ_RUNS = LONG ? 150 : 10;
export const SEED = Number(process.env['REPLAY_FUZZ_SEED'] ?? (LONG ? Date.now() % 2 ** 31 : 20261122));
export const REQUEST_TIMEOUT_MS = 10_000;
export const MIB = 1024 * 1024;
export const BIG = 'x'.repeat(MIB);

// --- hostile values ---------------------------------------------------------------------------------

/** `text` is percent-encoded when sent; `raw` goes on the wire as it is; `json` is a JSON token. */
export type Val = { kind: 'text' | 'raw' | 'json'; v: string };
export const text = (v: string): Val => ({ kind: 'text', v });

export const NUMERIC_EDGES = [
  '0',
  '-0',
  '-1',
  '1',
  '2',
  '255',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '18446744073709551616',
  '-9007199254740993',
  '1e400',
  '-1e400',
  '1e3',
  '1.5',
  '0x10',
  '0b1',
  '1_000',
  '+1',
  ' 1 ',
  '١٢٣',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  'false',
];
export const STRING_EDGES = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  '\u0000abc',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u202E',
  '𝟘𝟙',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "1' OR '1'='1",
  '1; DROP TABLE replies; --',
  '../../../../etc/passwd',
  '{"a":1}',
  '[1,2]',
  '__proto__',
  'archive_1',
  'archive_9007199254740993',
  'y'.repeat(5000),
];
export const RAW_EDGES = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%FF%FE',
  '%C0%AF',
  '%00',
  '%u0041',
  '%%',
  '%2',
  '&&',
  '==',
  'a=b=c',
  '+',
];
export const JSON_EDGES = [
  '[1,2]',
  '{"$gt":0}',
  'null',
  'true',
  '1e400',
  '-0',
  '9007199254740993',
  '[]',
  '{}',
  '""',
];

export const hostileValue: fc.Arbitrary<Val> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NUMERIC_EDGES).map(text) },
  { weight: 3, arbitrary: fc.constantFrom(...STRING_EDGES).map(text) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => text(String(n))) },
  { weight: 2, arbitrary: fc.double().map((n) => text(String(n))) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(text) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_EDGES).map((v): Val => ({ kind: 'raw', v })) },
  { weight: 1, arbitrary: fc.constantFrom(...JSON_EDGES).map((v): Val => ({ kind: 'json', v })) },
  { weight: 1, arbitrary: fc.constant(text(BIG)) },
);

export const ODD_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'access_key',
  'csrf',
  'w_rid',
  'wts',
  'a[b]',
  'a.b',
  '',
  ' ',
  '%',
  'SESSDATA',
  'mid',
];

export interface Mutation {
  op: 'set' | 'delete' | 'repeat' | 'extra';
  pick: number;
  value: Val;
  second: Val;
  name: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('set', 'set', 'set', 'delete', 'repeat', 'extra'),
  pick: fc.nat(),
  value: hostileValue,
  second: hostileValue,
  name: fc.oneof(fc.constantFrom(...ODD_NAMES), fc.string({ unit: 'binary-ascii', maxLength: 12 })),
});

/**
 * Every endpoint also gets each hostile category at least once, whatever the random runs draw: one key at
 * a time set to each of these (rotating through the endpoint's parameters), then each way of breaking the
 * request around the parameters.
 */
export const KEY_VALUES: Val[] = [
  text(BIG),
  text('9007199254740992'),
  text('9007199254740993'),
  text('-1'),
  text('NaN'),
  text('1e400'),
  text(''),
  text('\uD800'),
  { kind: 'raw', v: '%E0%A4%A' },
  { kind: 'raw', v: '%FF%FE' },
  { kind: 'json', v: '[1,2]' },
  { kind: 'json', v: '{"$gt":0}' },
];

export type Pairs = [string, Val][];

/**
 * Mutates the endpoint's own parameters (the credentials are broken by the plan's `auth` instead, so a
 * mutation always reaches the parameters); an endpoint without parameters gets extra ones.
 */
export function applyMutations(base: Record<string, string>, mutations: Mutation[]): Pairs {
  let pairs: Pairs = Object.entries(base).map(([k, v]) => [k, text(v)]);
  for (const m of mutations) {
    const keys = [...new Set(pairs.map(([k]) => k))];
    const key = keys.length > 0 ? keys[m.pick % keys.length]! : m.name;
    switch (keys.length > 0 ? m.op : 'extra') {
      case 'set':
        pairs = pairs.filter(([k]) => k !== key);
        pairs.push([key, m.value]);
        break;
      case 'delete':
        pairs = pairs.filter(([k]) => k !== key);
        break;
      case 'repeat':
        pairs.push([key, m.value], [key, m.second]);
        break;
      case 'extra':
        pairs.push([m.name, m.value]);
        break;
    }
  }
  return pairs;
}

/** Lone surrogates cannot be UTF-8 encoded; a client sends U+FFFD in their place, as URLSearchParams does. */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function encodePairs(pairs: Pairs): string {
  return pairs
    .map(
      ([k, val]) =>
        `${encodeURIComponent(wellFormed(k))}=${val.kind === 'raw' ? val.v : encodeURIComponent(wellFormed(val.v))}`,
    )
    .join('&');
}

export function jsonBody(pairs: Pairs): string {
  const fields = pairs.map(
    ([k, val]) => `${JSON.stringify(k)}:${val.kind === 'json' ? val.v : JSON.stringify(val.v)}`,
  );
  return `{${fields.join(',')}}`;
}
