import { createHash } from 'node:crypto';

/**
 * APP request signing (CONTRACT.md §11.2): add `appkey`, sort the parameters by name, serialise them as a
 * form query, append the app's secret and take the lowercase hex MD5 as `sign`.
 */

/**
 * The appkey → appsec pairs that are public knowledge (community documentation of the official apps). A
 * server can only check a signature for a key whose secret it knows, so these are the keys Replay accepts.
 */
export const APP_KEYS: Readonly<Record<string, string>> = {
  /** 云视听小电视 (TV); what TV QR login clients use. */
  '4409e2ce8ffd12b8': '59b43e04ad6965f34319062b478f83dd',
  /** Android app (粉版). */
  '783bbb7264451d82': '2653583c8873dea268ab9386918b1d65',
  /** Android app, the documentation's signing example. */
  '1d8b6e7d45233436': '560c52ccd288fed045859ed18bffd973',
  /** AndroidBiliThings. */
  '8d23902c1688a798': '710f0212e62bd499b8d3ac6e1db9302a',
  /** Login. */
  bca7e84c2d947ac6: '60698ba2f68e01ce44738920a0ffe768',
  /** Third-party authorisation. */
  '27eb53fc9058f8c3': 'c2ed53a74eeefe3cf99fbd01d8c9c375',
  /** Android HD. */
  dfca71928277209b: 'b5475a8825547a4fc26c7d518eaaa02e',
};

export const TV_APPKEY = '4409e2ce8ffd12b8';

type AppValue = string | number;

/** Python's `urlencode` / Go's `QueryEscape`: only `A-Za-z0-9_.-~` stay, a space is `+`, hex is upper case. */
function formEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Clients differ in how they escape values; each of these is what some widely used client hashes. */
const ESCAPES: readonly ((value: string) => string)[] = [
  formEscape,
  encodeURIComponent,
  // Some clients join the raw values (no escaping); identical to the others for plain values.
  (value) => value,
];

function canonical(params: Record<string, AppValue>, escape: (value: string) => string): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${escape(key)}=${escape(String(params[key]))}`)
    .join('&');
}

export function appSign(params: Record<string, AppValue>, appsec: string): string {
  return createHash('md5')
    .update(canonical(params, formEscape) + appsec)
    .digest('hex');
}

/** Signs `params` as a client does: returns them with `appkey` and, last, `sign`. */
export function signApp(
  params: Record<string, AppValue>,
  appkey: string,
  appsec: string,
): Record<string, AppValue> {
  const withKey: Record<string, AppValue> = { ...params, appkey };
  const sorted: Record<string, AppValue> = {};
  for (const key of Object.keys(withKey).sort()) sorted[key] = withKey[key]!;
  return { ...sorted, sign: appSign(sorted, appsec) };
}

export type AppSignCheck = 'ok' | 'unknown-appkey' | 'bad-sign';

/**
 * Checks a received request: every parameter but `sign` takes part, `appkey` included. An appkey whose
 * secret is not in `keys` cannot be checked at all; repeated parameters (arrays) never verify.
 */
export function verifyAppSign(
  query: Record<string, unknown>,
  keys: Readonly<Record<string, string>> = APP_KEYS,
): AppSignCheck {
  const appkey = query['appkey'];
  const appsec = typeof appkey === 'string' && Object.hasOwn(keys, appkey) ? keys[appkey] : undefined;
  if (appsec === undefined) return 'unknown-appkey';
  const { sign, ...rest } = query;
  if (typeof sign !== 'string') return 'bad-sign';
  const params: Record<string, AppValue> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value !== 'string' && typeof value !== 'number') return 'bad-sign';
    params[key] = value;
  }
  const expected = sign.toLowerCase();
  const matches = ESCAPES.some(
    (escape) =>
      createHash('md5')
        .update(canonical(params, escape) + appsec)
        .digest('hex') === expected,
  );
  return matches ? 'ok' : 'bad-sign';
}
