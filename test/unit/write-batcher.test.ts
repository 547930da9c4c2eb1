import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WriteBatcher, WriteBatcherClosedError } from '../../src/store/write-batcher.ts';

/** A writer that records each batch and can be made slow or failing. */
function recorder(options: { delayMs?: number; fail?: (items: number[]) => boolean } = {}) {
  const batches: number[][] = [];
  let active = 0;
  let maxActive = 0;
  const write = async (items: number[]) => {
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      if (options.delayMs) await sleep(options.delayMs);
      if (options.fail?.(items)) throw new Error(`batch ${items.join(',')} failed`);
      batches.push(items);
    } finally {
      active--;
    }
  };
  return { batches, write, maxActive: () => maxActive };
}

describe('WriteBatcher', () => {
  it('puts every item enqueued in one event-loop turn into one batch, flushed at the end of that turn', async () => {
    const r = recorder();
    const b = new WriteBatcher(r.write, { maxBatchSize: 100, maxWaitMs: 0 });
    const acks = [1, 2, 3].map((i) => b.enqueue(i));
    expect(r.batches).toEqual([]);
    expect(b.pendingCount).toBe(3);
    await Promise.all(acks);
    expect(r.batches).toEqual([[1, 2, 3]]);
    await b.enqueue(4);
    expect(r.batches).toEqual([[1, 2, 3], [4]]);
  });

  it('resolves a waiter only after its batch has been written', async () => {
    const r = recorder({ delayMs: 30 });
    const b = new WriteBatcher(r.write, { maxBatchSize: 10, maxWaitMs: 0 });
    let acked = false;
    const ack = b.enqueue(1).then(() => {
      acked = true;
    });
    await sleep(10);
    expect(acked).toBe(false);
    expect(r.batches).toEqual([]);
    await ack;
    expect(r.batches).toEqual([[1]]);
  });

  it('flushes at once when a batch reaches maxBatchSize', async () => {
    const r = recorder();
    const b = new WriteBatcher(r.write, { maxBatchSize: 2, maxWaitMs: 0 });
    const acks = [1, 2, 3, 4, 5].map((i) => b.enqueue(i));
    // The two full batches started synchronously, before the turn ended; the remainder waits for it.
    expect(b.pendingCount).toBe(1);
    await Promise.all(acks);
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every waiter of a failed batch, and only those', async () => {
    const r = recorder({ fail: (items) => items.includes(2) });
    const b = new WriteBatcher(r.write, { maxBatchSize: 2, maxWaitMs: 0 });
    const results = await Promise.allSettled([1, 2, 3].map((i) => b.enqueue(i)));
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(r.batches).toEqual([[3]]);
  });

  it('while a batch is being written, gathers the next one until it commits (maxWaitMs > 0)', async () => {
    const r = recorder({ delayMs: 40 });
    const b = new WriteBatcher(r.write, { maxBatchSize: 100, maxWaitMs: 1000 });
    const first = b.enqueue(1);
    await sleep(5);
    const later = [2, 3].map((i) => b.enqueue(i));
    await sleep(5);
    const last = b.enqueue(4);
    await Promise.all([first, ...later, last]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    expect(r.maxActive()).toBe(1);
  });

  it('does not let a gathered batch wait longer than maxWaitMs behind a slow one', async () => {
    const r = recorder({ delayMs: 200 });
    const b = new WriteBatcher(r.write, { maxBatchSize: 100, maxWaitMs: 20 });
    const first = b.enqueue(1);
    await sleep(5);
    const started = Date.now();
    const second = b.enqueue(2);
    await sleep(60);
    // The second batch was started by its timer although the first is still being written.
    expect(r.maxActive()).toBe(2);
    await Promise.all([first, second]);
    expect(Date.now() - started).toBeLessThan(400);
    expect(r.batches.flat().sort()).toEqual([1, 2]);
  });

  it('with maxWaitMs 0 flushes every turn even while a write is in flight', async () => {
    const r = recorder({ delayMs: 40 });
    const b = new WriteBatcher(r.write, { maxBatchSize: 100, maxWaitMs: 0 });
    const first = b.enqueue(1);
    await sleep(5);
    const second = b.enqueue(2);
    await sleep(5);
    expect(r.maxActive()).toBe(2);
    await Promise.all([first, second]);
  });

  it('close() writes what is gathered, waits for batches in flight and refuses new items', async () => {
    const r = recorder({ delayMs: 20 });
    const b = new WriteBatcher(r.write, { maxBatchSize: 100, maxWaitMs: 1000 });
    const first = b.enqueue(1);
    await sleep(2);
    const second = b.enqueue(2);
    await b.close();
    expect(r.batches.flat().sort()).toEqual([1, 2]);
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
    await expect(b.enqueue(3)).rejects.toBeInstanceOf(WriteBatcherClosedError);
  });

  it('flush() waits for what was gathered and in flight when it was called, not for items arriving after', async () => {
    const r = recorder({ delayMs: 10 });
    const b = new WriteBatcher(r.write, { maxBatchSize: 100, maxWaitMs: 0 });
    const before = b.enqueue(0);
    // Steady traffic: an item every few milliseconds, bounded in count.
    let stop = false;
    const traffic = (async () => {
      for (let i = 1; i <= 200 && !stop; i++) {
        void b.enqueue(i);
        await sleep(2);
      }
    })();
    let beforeWritten = false;
    void before.then(() => (beforeWritten = true));
    await b.flush();
    expect(beforeWritten).toBe(true);
    // It returned while the traffic still ran: the loop had not written its last items.
    expect(r.batches.flat()).not.toContain(200);
    stop = true;
    await traffic;
    await b.close();
  });

  it('refuses nonsensical options', () => {
    const write = () => undefined;
    expect(() => new WriteBatcher(write, { maxBatchSize: 0, maxWaitMs: 0 })).toThrow(RangeError);
    expect(() => new WriteBatcher(write, { maxBatchSize: 1, maxWaitMs: -1 })).toThrow(RangeError);
  });
});
