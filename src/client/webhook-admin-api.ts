import type { AdminClient } from './admin-client.ts';

/** The event types of docs/webhooks.md. */
export type EventType =
  | 'comment.posted'
  | 'comment.replied'
  | 'comment.mentioned'
  | 'comment.liked'
  | 'comment.deleted'
  | 'comment.reported'
  | 'history.heartbeat'
  | 'history.report'
  | 'account.deleted';

export interface AdminWebhookEndpoint {
  id: number;
  url: string;
  events: EventType[];
  enabled: boolean;
  description: string;
  secret: string;
  created_at: number;
  updated_at: number;
}

export interface AdminWebhookAttempt {
  id: number;
  delivery_id: number;
  event_id: string;
  attempt: number;
  /** Unix ms. */
  at: number;
  /** 0 when no response came. */
  status: number;
  latency_ms: number;
  error: string;
}

export interface AdminWebhookLog {
  attempts: AdminWebhookAttempt[];
  deliveries: { pending: number; delivered: number; dead: number };
}

export interface AdminUserMail {
  mid: number;
  email: string;
  opt_out: boolean;
}

export interface NewWebhookEndpoint {
  url: string;
  events?: EventType[];
  secret?: string;
  enabled?: boolean;
  description?: string;
}

/** Webhook endpoints, their delivery log and users' notification e-mail (docs/webhooks.md). */
export class WebhookAdminApi {
  constructor(private readonly client: AdminClient) {}

  create(endpoint: NewWebhookEndpoint): Promise<AdminWebhookEndpoint> {
    return this.client.request('POST', '/webhooks', endpoint);
  }

  async list(): Promise<AdminWebhookEndpoint[]> {
    return (await this.client.request<{ items: AdminWebhookEndpoint[] }>('GET', '/webhooks')).items;
  }

  get(id: number): Promise<AdminWebhookEndpoint> {
    return this.client.request('GET', `/webhooks/${id}`);
  }

  update(id: number, patch: Partial<NewWebhookEndpoint>): Promise<AdminWebhookEndpoint> {
    return this.client.request('PATCH', `/webhooks/${id}`, patch);
  }

  async remove(id: number): Promise<void> {
    await this.client.request('DELETE', `/webhooks/${id}`);
  }

  deliveries(id: number, query: { limit?: number; before?: number } = {}): Promise<AdminWebhookLog> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.before !== undefined) params.set('before', String(query.before));
    const qs = params.toString();
    return this.client.request('GET', `/webhooks/${id}/deliveries${qs ? `?${qs}` : ''}`);
  }

  userMail(mid: number): Promise<AdminUserMail> {
    return this.client.request('GET', `/users/${mid}/mail`);
  }

  setUserMail(mid: number, settings: { email?: string; opt_out?: boolean }): Promise<AdminUserMail> {
    return this.client.request('PUT', `/users/${mid}/mail`, settings);
  }
}
