export interface TvLoginsTable {
  /** 32 lowercase hex characters, as Bilibili's. */
  auth_code: string;
  /** The appkey the code was requested with. */
  appkey: string;
  /** 0 waiting for approval, 2 approved by a signed-in person, 3 consumed by a poll. */
  state: number;
  mid: number | null;
  created_at: number;
}
