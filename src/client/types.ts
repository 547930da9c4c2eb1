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

export type {
  CookieInfoData,
  CookieRefreshData,
  /** Logout has its own envelope (CONTRACT.md §10.4). */
  LogoutResponse,
  PasswordLoginData,
  QrGenerateData,
  QrPollData,
} from '../wire/passport.schema.ts';
