import type { AdminClient } from './admin-client.ts';

/** A fault rule to add (docs/toolkit.md, "Faults"): what to match, and how to answer. */
export interface NewFaultRule {
  method?: string;
  /** Glob over the path: `*` within a segment, `**` across segments. */
  path?: string;
  mid?: number;
  /** The `buvid3` cookie of the device. */
  buvid?: string;
  /** 0..1, default 1. */
  probability?: number;
  count?: number;
  ttl_ms?: number;
  code?: number;
  message?: string;
  status?: number;
  delay_ms?: number;
  drop?: boolean;
  malformed?: boolean;
}

export interface FaultRule extends NewFaultRule {
  id: number;
  hits: number;
  /** Unix ms. */
  created_at: number;
  /** Unix ms; 0 = no time limit. */
  expires_at: number;
}

export interface JournalEntry {
  id: number;
  /** Unix ms. */
  time: number;
  method: string;
  path: string;
  mid: number | null;
  mode: 'cookie' | 'app' | null;
  params: Record<string, unknown>;
  status: number;
  code: number | null;
  latency_ms: number;
  events: { type: string; data: Record<string, unknown> }[];
  fault: { id: number; kind: string } | null;
}

export interface JournalQuery {
  path?: string;
  mid?: number;
  code?: number;
  since?: number;
  event?: string;
  /** Parameter values the entry must have, e.g. `{ play_type: 2 }`. */
  params?: Record<string, string | number>;
  limit?: number;
}

export interface ClockState {
  now_ms: number;
  offset_ms: number;
  frozen: boolean;
}

function queryString(query: JournalQuery & { timeout_ms?: number }): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (key === 'params') {
      for (const [name, v] of Object.entries(value as Record<string, string | number>))
        search.set(`param.${name}`, String(v));
    } else search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

/** Fault rules of the server (`/toolkit/faults`); in cluster mode, shared by every node. */
export class ToolkitFaultsApi {
  constructor(private readonly client: AdminClient) {}

  add(rule: NewFaultRule): Promise<FaultRule> {
    return this.client.request('POST', '/toolkit/faults', rule);
  }

  async list(): Promise<FaultRule[]> {
    return (await this.client.request<{ items: FaultRule[] }>('GET', '/toolkit/faults')).items;
  }

  async remove(id: number): Promise<void> {
    await this.client.request('DELETE', `/toolkit/faults/${id}`);
  }

  async clear(): Promise<void> {
    await this.client.request('DELETE', '/toolkit/faults');
  }
}

/** The request journal (`/toolkit/journal`). */
export class ToolkitJournalApi {
  constructor(private readonly client: AdminClient) {}

  async list(query: JournalQuery = {}): Promise<JournalEntry[]> {
    return (
      await this.client.request<{ items: JournalEntry[] }>('GET', `/toolkit/journal${queryString(query)}`)
    ).items;
  }

  /** The first entry matching, waiting for it up to `timeoutMs` (default 5000); null if none came. */
  async wait(query: Omit<JournalQuery, 'limit'>, timeoutMs = 5000): Promise<JournalEntry | null> {
    const answer = await this.client.request<{ found: boolean; entry?: JournalEntry }>(
      'GET',
      `/toolkit/journal/wait${queryString({ ...query, timeout_ms: timeoutMs })}`,
    );
    return answer.entry ?? null;
  }

  async clear(): Promise<void> {
    await this.client.request('DELETE', '/toolkit/journal');
  }
}

/** The virtual clock (`/toolkit/clock`). */
export class ToolkitClockApi {
  constructor(private readonly client: AdminClient) {}

  get(): Promise<ClockState> {
    return this.client.request('GET', '/toolkit/clock');
  }

  set(ms: number): Promise<ClockState> {
    return this.client.request('POST', '/toolkit/clock', { set: ms });
  }

  advance(ms: number): Promise<ClockState> {
    return this.client.request('POST', '/toolkit/clock', { advance: ms });
  }

  freeze(frozen = true): Promise<ClockState> {
    return this.client.request('POST', '/toolkit/clock', { freeze: frozen });
  }

  /** Back to real time. */
  reset(): Promise<ClockState> {
    return this.client.request('POST', '/toolkit/clock', { reset: true });
  }
}
