/**
 * Group commit (DESIGN.md §5). Callers enqueue one item each and get a promise that settles only after the
 * transaction holding that item has committed (or failed), so an acknowledged write is never lost.
 *
 * A batch is flushed at the end of the event-loop turn in which its first item arrived, so every request
 * parsed in that turn shares one transaction without waiting on a timer, and at once when it reaches
 * `maxBatchSize`. While an earlier batch is still being written (PostgreSQL answers asynchronously) the
 * next batch keeps gathering until that write finishes or `maxWaitMs` has passed since its first item,
 * whichever comes first: that is what turns a busy database into bigger batches instead of a queue.
 * With `maxWaitMs` 0 every turn flushes, however many writes are in flight.
 */

export interface WriteBatcherOptions {
  /** Items per transaction at most; a batch reaching it is flushed at once. */
  maxBatchSize: number;
  /** How long a gathered batch may wait for an earlier one still being written, ms. */
  maxWaitMs: number;
}

export type BatchWriter<T> = (items: T[]) => Promise<void> | void;

export class WriteBatcherClosedError extends Error {
  constructor() {
    super('write batcher is closed');
    this.name = 'WriteBatcherClosedError';
  }
}

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteBatcher<T> {
  private pending: Waiter<T>[] = [];
  private immediate: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly write: BatchWriter<T>,
    private readonly options: WriteBatcherOptions,
  ) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new RangeError('maxBatchSize must be a positive integer');
    }
    if (!(options.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be ≥ 0');
  }

  /** Resolves once `item` is committed; rejects with the batch's error if its transaction failed. */
  enqueue(item: T): Promise<void> {
    if (this.closed) return Promise.reject(new WriteBatcherClosedError());
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxBatchSize) {
        this.flushPending();
      } else if (this.pending.length === 1) {
        this.immediate = setImmediate(this.onTurnEnd);
        if (this.options.maxWaitMs > 0) this.timer = setTimeout(this.flushPending, this.options.maxWaitMs);
      }
    });
  }

  /** Items waiting for their batch to start. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Writes whatever is gathered now and waits until every batch started so far has settled; batches of
   * items that arrive meanwhile are not waited for (under steady traffic there would always be one).
   */
  async flush(): Promise<void> {
    this.flushPending();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Refuses new items, then writes and waits for everything (the shutdown path, before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    this.flushPending();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private readonly onTurnEnd = (): void => {
    this.immediate = null;
    if (this.inFlight.size === 0 || this.options.maxWaitMs === 0) this.flushPending();
  };

  private readonly flushPending = (): void => {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = null;
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const run = this.run(batch);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      // Items gathered while this batch was being written waited for it; start theirs now.
      if (this.pending.length > 0 && this.immediate === null) this.flushPending();
    });
  };

  private async run(batch: Waiter<T>[]): Promise<void> {
    try {
      await this.write(batch.map((w) => w.item));
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
  }
}
