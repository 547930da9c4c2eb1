/** Device ids (`buvid3`) Replay handed out, and whether the device was activated (ExClimbWuzhi). */
export interface DevicesTable {
  buvid3: string;
  /** The `buvid4` handed out with it by `finger/spi`; null for ids from `getbuvid` or a page visit. */
  buvid4: string | null;
  /** How it was issued: `spi`, `getbuvid` or `page` (the `Set-Cookie` of a first page visit). */
  source: string;
  issued_at: number;
  /** First ExClimbWuzhi call carrying this id as its `buvid3` cookie; null until then. */
  activated_at: number | null;
}
