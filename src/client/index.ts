export { BiliClient, createClient } from './bili-client.ts';
export type { ClientOptions, RawResponse } from './bili-client.ts';
export { AdminApiError, AdminClient, createAdminClient } from './admin-client.ts';
export type * from './admin-client.ts';
export type * from './types.ts';
export type { BiliEnvelope, FetchLike, Params } from './http.ts';
export { signWbi } from '../domain/wbi.ts';
