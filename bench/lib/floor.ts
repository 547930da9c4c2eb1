import { createHash } from 'node:crypto';

/**
 * The users of the floor reference server (bench/servers/floor.ts), derived from their index so that the
 * server and the load scenarios agree without exchanging anything. Their cookies have the shape and size
 * of Replay's (five cookies, a SESSDATA with its expiry), so both parse the same bytes.
 */
export interface FloorUser {
  mid: number;
  uname: string;
  sessdata: string;
  csrf: string;
  cookie: string;
}

export const FLOOR_USERS = 1024;
const FIRST_MID = 7_000_001;

const hex = (seed: string, length: number) =>
  createHash('sha256').update(seed).digest('hex').slice(0, length);

export function floorUser(i: number): FloorUser {
  const mid = FIRST_MID + i;
  const sessdata = `${hex(`sess${i}`, 32)}%2C1796083200%2C${hex(`tail${i}`, 5)}%2A51`;
  const csrf = hex(`csrf${i}`, 32);
  return {
    mid,
    uname: `floor_user_${i}`,
    sessdata,
    csrf,
    cookie: `SESSDATA=${sessdata}; bili_jct=${csrf}; DedeUserID=${mid}; DedeUserID__ckMd5=${hex(`md5${i}`, 16)}; sid=${hex(`sid${i}`, 8)}`,
  };
}
