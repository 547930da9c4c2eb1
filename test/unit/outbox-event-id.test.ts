import { describe, expect, it } from 'vitest';
import { eventId } from '../../src/services/outbox.service.ts';

describe('outbox event ids', () => {
  it('are UUIDv7: the millisecond first, version 7, RFC variant, random rest', () => {
    const ms = Date.UTC(2026, 11, 6, 3, 0, 0, 123);
    const id = eventId(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sort by time (unique indexes grow at their right edge) and never repeat', () => {
    const ids = [eventId(1_700_000_000_000), eventId(1_700_000_000_001), eventId(1_800_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 10_000 }, () => eventId(1_700_000_000_000)));
    expect(same.size).toBe(10_000);
  });
});
