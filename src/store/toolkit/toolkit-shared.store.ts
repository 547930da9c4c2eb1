import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { ChangeVersionRepository } from '../repositories/change-version.repository.ts';

/** The `change_versions` row that moves with every change of the shared toolkit runtime. */
export const TOOLKIT_RUNTIME_KEY = 'toolkit_runtime';

export interface SharedFaultRow {
  id: number;
  /** The rule as the admin API took it, with its computed fields (JSON). */
  rule: string;
  hits: number;
}

export interface SharedClockRow {
  offset_ms: number;
  frozen_at: number | null;
}

/**
 * The toolkit runtime shared by the nodes of a cluster (PostgreSQL): fault rules and their hit counters,
 * the virtual clock, the journal, and the nodes following them. Every change moves TOOLKIT_RUNTIME_KEY in
 * its own transaction; a node re-reads rules and clock when it sees the version move and then records
 * the version it applied in `toolkit_nodes`, which is what `pendingNodes` counts.
 */
export class ToolkitSharedStore {
  private readonly versions: ChangeVersionRepository;

  private readonly postgres: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    this.versions = new ChangeVersionRepository(db);
  }

  version(): Promise<number> {
    return this.versions.get(TOOLKIT_RUNTIME_KEY);
  }

  /** Moves the version alone (a journal read asks every node to write out what it holds). */
  async bump(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await new ChangeVersionRepository(trx).bump(TOOLKIT_RUNTIME_KEY);
      return new ChangeVersionRepository(trx).get(TOOLKIT_RUNTIME_KEY);
    });
  }

  /**
   * Stores a rule (its id assigned here, shared by every node) and moves the version. `admit` sees the
   * rules stored before it and throws to refuse this one (the cap on rules at once). The version is moved
   * first: its row lock makes concurrent adds from several nodes take turns, so each one's `admit` sees
   * every rule added before it (counting first, two nodes at the cap minus one had both added theirs).
   */
  async addFault(
    rule: (id: number) => string,
    maxHits: number | null,
    admit: (stored: readonly string[]) => void,
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await new ChangeVersionRepository(trx).bump(TOOLKIT_RUNTIME_KEY);
      admit((await trx.selectFrom('toolkit_faults').select('rule').execute()).map((r) => r.rule));
      const { id } = await trx
        .insertInto('toolkit_faults')
        .values({ rule: '{}', max_hits: maxHits })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('toolkit_faults')
        .set({ rule: rule(Number(id)) })
        .where('id', '=', id)
        .execute();
      return Number(id);
    });
  }

  async faults(): Promise<SharedFaultRow[]> {
    const rows = await this.db
      .selectFrom('toolkit_faults')
      .select(['id', 'rule', 'hits'])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: Number(r.id), rule: r.rule, hits: Number(r.hits) }));
  }

  /** Removes one rule (or all, `id` null) and moves the version; false when there was no such rule. */
  async removeFaults(id: number | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.deleteFrom('toolkit_faults');
      if (id !== null) query = query.where('id', '=', id);
      const result = await query.executeTakeFirst();
      await new ChangeVersionRepository(trx).bump(TOOLKIT_RUNTIME_KEY);
      return Number(result.numDeletedRows) > 0 || id === null;
    });
  }

  /**
   * Takes one hit of a rule for a request about to be faulted, atomically across nodes: the new hit count,
   * or null when the rule is gone or its `count` is used up (the request is then not faulted by it).
   */
  async claimHit(id: number): Promise<number | null> {
    const row = await this.db
      .updateTable('toolkit_faults')
      .set((eb) => ({ hits: eb('hits', '+', 1) }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb('max_hits', 'is', null), eb('hits', '<', eb.ref('max_hits'))]))
      .returning('hits')
      .executeTakeFirst();
    return row ? Number(row.hits) : null;
  }

  async clock(): Promise<SharedClockRow> {
    const row = await this.db
      .selectFrom('toolkit_clock')
      .select(['offset_ms', 'frozen_at'])
      .where('id', '=', 1)
      .executeTakeFirst();
    return {
      offset_ms: Number(row?.offset_ms ?? 0),
      frozen_at: row?.frozen_at === null || row?.frozen_at === undefined ? null : Number(row.frozen_at),
    };
  }

  async setClock(clock: SharedClockRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('toolkit_clock')
        .values({ id: 1, ...clock })
        .onConflict((oc) => oc.column('id').doUpdateSet(clock))
        .execute();
      await new ChangeVersionRepository(trx).bump(TOOLKIT_RUNTIME_KEY);
    });
  }

  /** Appends journal entries (JSON, without ids) and keeps only the newest `keep`. */
  async appendJournal(entries: readonly { time: number; entry: string }[], keep: number): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      // One writer at a time (PostgreSQL; SQLite has only one anyway): two nodes inserting at once could
      // commit their ids out of order, and a reader that saw the later batch would take its largest id
      // as `since` and never see the earlier one. The trims of two writers could also deadlock.
      if (this.postgres) await sql`LOCK TABLE toolkit_journal IN EXCLUSIVE MODE`.execute(trx);
      await trx.insertInto('toolkit_journal').values(entries).execute();
      // The newest `keep` by arrival: a node's backlog is written at once, when a read gathers it, so the
      // ids (write order) do not tell which entries are newest.
      await trx
        .deleteFrom('toolkit_journal')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('toolkit_journal')
            .select('id')
            .orderBy('time', 'desc')
            .orderBy('id', 'desc')
            .limit(Number.MAX_SAFE_INTEGER)
            .offset(keep),
        )
        .execute();
    });
  }

  /** The kept entries, oldest first, each with its cluster-wide id. */
  async journal(afterId: number, limit: number): Promise<{ id: number; entry: string }[]> {
    const rows = await this.db
      .selectFrom('toolkit_journal')
      .select(['id', 'entry'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), entry: r.entry }));
  }

  async clearJournal(): Promise<void> {
    await this.db.deleteFrom('toolkit_journal').execute();
  }

  /** Records that `node` applied `version` (and is alive at `nowMs`). */
  async ack(node: string, version: number, nowMs: number): Promise<void> {
    await this.db
      .insertInto('toolkit_nodes')
      .values({ node, applied: version, seen_at: nowMs })
      .onConflict((oc) => oc.column('node').doUpdateSet({ applied: version, seen_at: nowMs }))
      .execute();
  }

  /** Nodes seen alive since `aliveSinceMs` that have not applied `version` yet. */
  async pendingNodes(version: number, aliveSinceMs: number): Promise<number> {
    const row = await this.db
      .selectFrom('toolkit_nodes')
      .select(sql<number>`COUNT(*)`.as('n'))
      .where('applied', '<', version)
      .where('seen_at', '>=', aliveSinceMs)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async leave(node: string): Promise<void> {
    await this.db.deleteFrom('toolkit_nodes').where('node', '=', node).execute();
  }
}
