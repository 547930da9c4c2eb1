import type { AdminClient } from './admin-client.ts';

/** A saved snapshot of the whole state (docs/toolkit.md "Reset and snapshots"). */
export interface ToolkitSnapshot {
  name: string;
  /** Unix seconds. */
  created_at: number;
  /** Rows per table. */
  tables: Record<string, number>;
  /** Stored (gzipped) size. */
  bytes: number;
}

/** What a loaded fixture holds (docs/toolkit.md "Fixtures"). */
export interface ToolkitFixtureSummary {
  users: number;
  sessions: number;
  archives: number;
  comments: number;
  history: number;
  notices: number;
  /** Seasons and courses. */
  seasons: number;
  /** Episodes and lessons. */
  episodes: number;
  took_ms: number;
}

/** Named snapshots (`/toolkit/snapshots`), shared by every node of a cluster. */
export class ToolkitSnapshotsApi {
  constructor(private readonly admin: AdminClient) {}

  /** Saves the whole state as `name`, replacing a snapshot of that name. */
  save(name: string): Promise<ToolkitSnapshot & { took_ms: number }> {
    return this.admin.request('POST', '/toolkit/snapshots', { name });
  }

  async list(): Promise<ToolkitSnapshot[]> {
    return (await this.admin.request<{ snapshots: ToolkitSnapshot[] }>('GET', '/toolkit/snapshots'))
      .snapshots;
  }

  restore(name: string): Promise<{ name: string; took_ms: number }> {
    return this.admin.request('POST', `/toolkit/snapshots/${encodeURIComponent(name)}/restore`, {});
  }

  async delete(name: string): Promise<void> {
    await this.admin.request('DELETE', `/toolkit/snapshots/${encodeURIComponent(name)}`);
  }
}

/** Reset, snapshots and fixtures (server started with the toolkit on). */
export class ToolkitAdminApi {
  readonly snapshots: ToolkitSnapshotsApi;

  constructor(private readonly admin: AdminClient) {
    this.snapshots = new ToolkitSnapshotsApi(admin);
  }

  /** Empties the whole state, or reloads the fixture loaded last (`to: 'fixture'`). */
  reset(to: 'empty' | 'fixture' = 'empty'): Promise<{ to: string; took_ms: number }> {
    return this.admin.request('POST', '/toolkit/reset', { to });
  }

  /** Replaces the whole state with `fixture` (the parsed YAML/JSON of docs/fixture.schema.json). */
  loadFixture(fixture: unknown): Promise<ToolkitFixtureSummary> {
    return this.admin.request('POST', '/toolkit/fixture', fixture);
  }
}
