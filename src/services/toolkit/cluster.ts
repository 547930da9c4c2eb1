import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BiliError } from '../../errors.ts';
import type { ToolkitSharedStore } from '../../store/toolkit/toolkit-shared.store.ts';
import type { FaultInput, FaultRule, FaultRules } from './fault.ts';
import { MAX_RULES, tooManyRules } from './fault.ts';
import type { Journal, JournalEntry, JournalFilter } from './journal.ts';
import { matches } from './journal.ts';
import type { ControllableClock } from './virtual-clock.ts';

export interface ClusterOptions {
  /** How often a node looks at the shared version (and, when it moved, writes out its journal entries). */
  pollMs: number;
  /** How long a change waits for every live node to apply it before answering anyway. */
  ackTimeoutMs: number;
  /** A node that has not reported for this long is taken for gone and not waited for. */
  aliveMs: number;
}

const DEFAULTS: ClusterOptions = { pollMs: 50, ackTimeoutMs: 3000, aliveMs: 3000 };
/** A node reports that it is alive at least this often, even when nothing changed. */
const REPORT_EVERY_MS = 1000;

/** The node's in-memory parts the shared state is copied into (built by the http layer). */
export interface ClusterParts {
  faults: FaultRules;
  journal: Journal;
  clock: ControllableClock | null;
}

/**
 * The toolkit runtime across the nodes of a cluster (docs/toolkit.md "Cluster mode"). Fault rules and the
 * clock are stored in the database; each node keeps a copy in memory, so matching a request costs no
 * round trip, and a background tick (every `pollMs`) re-reads them when the shared version moved, then
 * records in `toolkit_nodes` the version it applied. A change made through any node waits until every
 * live node has applied it: when the admin call answers, every node faults, and reads the time, alike.
 *
 * Journal entries stay in each node's own journal until a journal read asks for them: the read moves the
 * version and waits for every node's acknowledgement, which each gives only after writing the entries it
 * has not written yet (one insert) — so the read sees every request answered anywhere before it started,
 * and requests cost a node no more than on one node (no copy or row per request while nobody reads).
 */
export class ToolkitCluster {
  readonly node = randomUUID();
  private readonly options: ClusterOptions;
  private parts: ClusterParts | null = null;
  /** The newest id of this node's own journal written to the shared table. */
  private written = 0;
  /** The write under way: writes run one after another (a tick's and `stop`'s could otherwise overlap). */
  private writing: Promise<void> = Promise.resolve();
  private applied = -1;
  private reportedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: ToolkitSharedStore,
    options: Partial<ClusterOptions> = {},
    /** What a failed tick, write or wait is reported to (the app's logger, given at `start`). */
    private onError: (error: unknown) => void = () => undefined,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Loads the shared rules and clock into this node's parts and starts following them. */
  async start(parts: ClusterParts, onError?: (error: unknown) => void): Promise<void> {
    this.parts = parts;
    if (onError) this.onError = onError;
    await this.refresh();
    this.timer = setInterval(() => {
      if (!this.ticking) void this.tick();
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** Stops following, writes out the entries not written yet and leaves the set of nodes waited for. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    try {
      await this.writeJournal();
      await this.store.leave(this.node);
    } catch (error) {
      this.onError(error);
    }
  }

  // Fault rules.

  async addFault(input: FaultInput): Promise<FaultRule> {
    const faults = this.need().faults;
    // Checked here first, so a refused rule is never stored.
    faults.prepare(input, 0);
    let rule!: FaultRule;
    await this.store.addFault(
      (id) => {
        rule = faults.prepare(input, id);
        return JSON.stringify(rule);
      },
      input.count ?? null,
      // The cap again, over the shared rules: this node's copy may not have another node's newest yet.
      (stored) => {
        const now = Date.now();
        const live = stored.filter((text) => {
          const { expires_at } = JSON.parse(text) as FaultRule;
          return expires_at === 0 || expires_at > now;
        });
        if (live.length >= MAX_RULES) throw tooManyRules();
      },
    );
    await this.changed();
    return rule;
  }

  /** The shared rules, with the hits of every node. */
  async listFaults(): Promise<FaultRule[]> {
    const now = Date.now();
    return (await this.store.faults())
      .map((row) => ({ ...(JSON.parse(row.rule) as FaultRule), hits: row.hits }))
      .filter((rule) => rule.expires_at === 0 || rule.expires_at > now);
  }

  async removeFault(id: number): Promise<boolean> {
    const found = await this.store.removeFaults(id);
    await this.changed();
    return found;
  }

  async clearFaults(): Promise<void> {
    await this.store.removeFaults(null);
    await this.changed();
  }

  /**
   * Takes a hit of `rule` from the shared counter before a request is faulted by it: false when another
   * node used up its `count` first (the request is then not faulted by it, and this node forgets it).
   */
  async claim(rule: FaultRule): Promise<boolean> {
    const hits = await this.store.claimHit(rule.id);
    if (hits === null) {
      this.need().faults.remove(rule.id);
      return false;
    }
    if (rule.count !== undefined && hits >= rule.count) {
      // Used up: removed for every node (they follow on their next tick; a late claim fails meanwhile).
      await this.store.removeFaults(rule.id);
    }
    return true;
  }

  // Clock.

  /** Stores this node's clock (just moved by an admin call) for every node, and waits until they follow. */
  async publishClock(): Promise<void> {
    const clock = this.need().clock;
    if (!clock) return;
    await this.store.setClock(clock.snapshot());
    await this.changed();
  }

  // Journal.

  /** Entries of every node matching `filter`, oldest first, the newest `limit`. */
  async journalQuery(filter: JournalFilter, limit: number): Promise<JournalEntry[]> {
    await this.gather();
    const found = (await this.readJournal(filter.since ?? 0)).filter((entry) => matches(entry, filter));
    // Ids follow the order the nodes wrote their batches; the list is in arrival order.
    found.sort((a, b) => a.time - b.time || a.id - b.id);
    return found.slice(Math.max(0, found.length - limit));
  }

  /** The first entry of any node matching `filter`, or the next one answered within `timeoutMs`. */
  async journalWait(filter: JournalFilter, timeoutMs: number): Promise<JournalEntry | null> {
    const deadline = performance.now() + timeoutMs;
    let after = filter.since ?? 0;
    for (;;) {
      await this.gather();
      const entries = await this.readJournal(after);
      const found = entries.find((entry) => matches(entry, filter));
      if (found) return found;
      after = entries.at(-1)?.id ?? after;
      const left = deadline - performance.now();
      if (left <= 0 || this.stopped) return null;
      await sleep(Math.min(this.options.pollMs, left));
    }
  }

  async journalClear(): Promise<void> {
    await this.gather();
    await this.store.clearJournal();
    this.need().journal.clear();
  }

  // Following.

  private need(): ClusterParts {
    if (!this.parts) throw new BiliError(-500, 'the toolkit cluster runtime is not started');
    return this.parts;
  }

  /** After a change by this node: apply it here at once, then wait for every other live node. */
  private async changed(): Promise<void> {
    await this.tick();
    await this.waitForNodes(this.applied);
  }

  /** Every node writes out its journal entries: move the version and wait until all have applied it. */
  private async gather(): Promise<void> {
    await this.store.bump();
    await this.changed();
  }

  private async waitForNodes(version: number): Promise<void> {
    const started = performance.now();
    while (performance.now() - started < this.options.ackTimeoutMs) {
      if ((await this.store.pendingNodes(version, Date.now() - this.options.aliveMs)) === 0) return;
      await sleep(Math.max(5, this.options.pollMs / 4));
    }
    this.onError(new Error(`toolkit: a node did not apply runtime version ${version} within the timeout`));
  }

  /** One tick at a time: a tick asked for while one runs waits for it and then runs again. */
  private async tick(): Promise<void> {
    while (this.ticking) await this.ticking;
    this.ticking = this.refresh()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.ticking = null;
      });
    await this.ticking;
  }

  /**
   * When the version moved (a change, or a journal read gathering): writes out this node's new journal
   * entries and re-reads rules and clock; then reports the version applied.
   */
  private async refresh(): Promise<void> {
    const parts = this.need();
    // The version first: a change landing after it is read is seen again on the next tick.
    const version = await this.store.version();
    const now = Date.now();
    if (version !== this.applied) {
      // A journal write that fails must not keep this node on old rules and an old clock: it is reported,
      // and its entries go out with the next write.
      await this.writeJournal().catch((error: unknown) => this.onError(error));
      const [rules, clock] = await Promise.all([this.listFaults(), this.store.clock()]);
      parts.faults.replaceAll(rules);
      parts.clock?.load(clock);
      this.applied = version;
    } else if (now - this.reportedAt < REPORT_EVERY_MS) return;
    await this.store.ack(this.node, version, now);
    this.reportedAt = now;
  }

  /**
   * This node's entries answered since the last write (at most its journal's size: the ring holds no
   * more, and the shared table keeps no more either), as one insert.
   */
  private writeJournal(): Promise<void> {
    const write = this.writing.then(() => this.writeNewEntries());
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async writeNewEntries(): Promise<void> {
    if (!this.parts) return;
    const entries = this.parts.journal.query({ since: this.written });
    if (entries.length === 0) return;
    await this.store.appendJournal(
      entries.map(({ id: _id, ...fields }) => ({ time: fields.time, entry: JSON.stringify(fields) })),
      this.parts.journal.size,
    );
    // Only once written: entries of a failed write are written by the next one.
    this.written = entries.at(-1)!.id;
  }

  private async readJournal(afterId: number): Promise<JournalEntry[]> {
    const rows = await this.store.journal(afterId, this.need().journal.size * 2);
    return rows.map((row) => ({ ...(JSON.parse(row.entry) as Omit<JournalEntry, 'id'>), id: row.id }));
  }
}
