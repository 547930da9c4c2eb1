/** Wire types of the endpoints the client covers; field names are the contract's. */

export type {
  LevelInfo,
  NavData,
  NavLoggedOut,
  Pendant,
  Vip,
  VipLabel,
  WbiImg,
} from '../wire/account.schema.ts';

export interface QrGenerateData {
  url: string;
  qrcode_key: string;
}

export interface QrPollData {
  url: string;
  refresh_token: string;
  timestamp: number;
  code: 0 | 86038 | 86090 | 86101;
  message: string;
}

export interface PasswordLoginData {
  status: number;
  message: string;
  url: string;
  refresh_token: string;
  timestamp: number;
}

/** Logout has its own envelope (CONTRACT.md §10.4). */
export interface LogoutResponse {
  code: number;
  status: boolean;
  ts: number;
  message?: string;
  data?: { redirectUrl: string };
}
