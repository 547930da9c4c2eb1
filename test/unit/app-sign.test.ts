import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APP_KEYS, TV_APPKEY, appSign, signApp, verifyAppSign } from '../../src/domain/app-sign.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const TV_SEC = APP_KEYS[TV_APPKEY]!;
const asReceived = (params: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));

describe('APP signature', () => {
  it('the documentation vector (non-ASCII values, form escaping)', () => {
    const params = { appkey: '1d8b6e7d45233436', id: 114514, str: '1919810', test: 'いいよ，こいよ' };
    expect(appSign(params, '560c52ccd288fed045859ed18bffd973')).toBe('01479cf20504d865519ac50f33ba3a7d');
  });

  it('the TV vectors: auth_code and poll with ts=0, and a recent ts', () => {
    expect(signApp({ local_id: 0, ts: 0 }, TV_APPKEY, TV_SEC).sign).toBe('e134154ed6add881d28fbdf68653cd9c');
    expect(
      signApp({ auth_code: '6214464b3025541abf6f654cf7569a01', local_id: 0, ts: 0 }, TV_APPKEY, TV_SEC).sign,
    ).toBe('87de3d0fee7c3f4facd244537238914e');
    expect(signApp({ local_id: 0, ts: 1700000000 }, TV_APPKEY, TV_SEC).sign).toBe(
      'ebb086c9f52ae7393619a89bdc320e45',
    );
  });

  it('signApp sorts the parameters and puts sign last', () => {
    expect(Object.keys(signApp({ ts: 1, b: 2, a: 3 }, TV_APPKEY, TV_SEC))).toEqual([
      'a',
      'appkey',
      'b',
      'ts',
      'sign',
    ]);
  });

  it('verifies what a client signed, with form, encodeURIComponent or no escaping of values', () => {
    const params = { appkey: TV_APPKEY, note: "a b!'()*~", ts: '5' };
    expect(verifyAppSign(asReceived(signApp({ note: params.note, ts: 5 }, TV_APPKEY, TV_SEC)))).toBe('ok');
    const uri = `appkey=${TV_APPKEY}&note=${encodeURIComponent(params.note)}&ts=5`;
    expect(verifyAppSign({ ...params, sign: md5(uri + TV_SEC) })).toBe('ok');
    const raw = `appkey=${TV_APPKEY}&note=${params.note}&ts=5`;
    expect(verifyAppSign({ ...params, sign: md5(raw + TV_SEC).toUpperCase() })).toBe('ok');
  });

  it('refuses a tampered parameter, a missing or wrong sign, an unsorted signature, repeated parameters', () => {
    const signed = asReceived(signApp({ local_id: 0, ts: 1 }, TV_APPKEY, TV_SEC));
    expect(verifyAppSign({ ...signed, ts: '2' })).toBe('bad-sign');
    expect(verifyAppSign({ ...signed, extra: 'x' })).toBe('bad-sign');
    const { sign: _sign, ...unsigned } = signed;
    expect(verifyAppSign(unsigned)).toBe('bad-sign');
    expect(verifyAppSign({ ...signed, sign: 'f'.repeat(32) })).toBe('bad-sign');
    const unsorted = md5(`ts=1&local_id=0&appkey=${TV_APPKEY}${TV_SEC}`);
    expect(verifyAppSign({ ...unsigned, sign: unsorted })).toBe('bad-sign');
    expect(verifyAppSign({ ...signed, ts: ['1', '1'] })).toBe('bad-sign');
  });

  it('an appkey without a known secret cannot verify, prototype names included', () => {
    for (const appkey of [
      '0123456789abcdef',
      '__proto__',
      'constructor',
      '',
      undefined,
      ['4409e2ce8ffd12b8'],
    ])
      expect(verifyAppSign({ appkey, sign: 'x' })).toBe('unknown-appkey');
    for (const [appkey, appsec] of Object.entries(APP_KEYS))
      expect(verifyAppSign(asReceived(signApp({ ts: 9 }, appkey, appsec)))).toBe('ok');
  });
});
