import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0 };
const MINUTE = 60_000;

describe.each(dialects())('toolkit virtual clock (%s)', (dialect) => {
  let s: TestServer;
  let viewer: { client: BiliClient; mid: number };

  beforeAll(async () => {
    s = await startTestServer(dialect, { toolkit: true, ...NO_LIMITS });
    viewer = await s.signedIn();
    await s.admin.putArea(1, 77701, { owner_mid: viewer.mid });
  });
  afterAll(async () => s.close());

  it('starts at the real time, running; set, advance, freeze and reset move it', async () => {
    const start = await s.admin.clock.get();
    expect(start.frozen).toBe(false);
    expect(Math.abs(start.now_ms - s.clock.nowMs())).toBeLessThan(1000);
    expect(Math.abs(start.offset_ms)).toBeLessThan(1000);

    const frozen = await s.admin.clock.freeze();
    expect(frozen.frozen).toBe(true);
    const moved = await s.admin.clock.advance(MINUTE);
    expect(moved.now_ms).toBe(frozen.now_ms + MINUTE);
    expect((await s.admin.clock.set(1_700_000_000_000)).now_ms).toBe(1_700_000_000_000);
    expect(s.services.clock.nowMs()).toBe(1_700_000_000_000);
    const running = await s.admin.clock.freeze(false);
    expect(running).toMatchObject({ frozen: false });
    const reset = await s.admin.clock.reset();
    expect(reset.frozen).toBe(false);
    expect(Math.abs(reset.offset_ms)).toBeLessThan(1000);

    for (const bad of [{ advance: 'soon' }, { set: -1 }, { freeze: 'maybe' }, { later: 1 }]) {
      const status = await s.admin
        .request('POST', '/toolkit/clock', bad)
        .catch((e: { status: number }) => e.status);
      expect(status, JSON.stringify(bad)).toBe(400);
    }
    // Past 1970 or 9999 the call is refused whole: the reset and set before the advance are not applied.
    const kept = await s.admin.clock.set(1_700_000_000_000);
    for (const bad of [
      { reset: true, set: 0, advance: -1 },
      { set: 253_402_300_799_000, advance: 10_000 },
    ]) {
      const status = await s.admin
        .request('POST', '/toolkit/clock', bad)
        .catch((e: { status: number }) => e.status);
      expect(status, JSON.stringify(bad)).toBe(400);
      expect((await s.admin.clock.get()).offset_ms).toBeCloseTo(kept.offset_ms, -3);
    }
    await s.admin.clock.reset();
  });

  it('6 minutes later a duplicate comment goes through, with the moved ctime', async () => {
    const first = await viewer.client.reply.add({ type: 1, oid: 77701, message: 'same words' });
    expect(first.code).toBe(0);
    expect((await viewer.client.reply.add({ type: 1, oid: 77701, message: 'same words' })).code).toBe(12051);
    const before = await s.admin.clock.advance(6 * MINUTE);
    const again = await viewer.client.reply.add({ type: 1, oid: 77701, message: 'same words' });
    expect(again.code).toBe(0);
    expect(again.data!.reply!.ctime).toBeGreaterThanOrEqual(Math.floor(before.now_ms / 1000));
    expect(again.data!.reply!.ctime - first.data!.reply!.ctime).toBeGreaterThanOrEqual(360);
    await s.admin.clock.reset();
  });

  it('6 minutes later a QR key has expired (86038)', async () => {
    const client = s.anonymous();
    const key = (await client.qrGenerate()).data!.qrcode_key;
    expect((await client.qrPoll(key)).data!.code).toBe(86101);
    await s.admin.clock.advance(6 * MINUTE);
    expect((await client.qrPoll(key)).data!.code).toBe(86038);
    await s.admin.clock.reset();
  });
});
