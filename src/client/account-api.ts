import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import { WbiSigner } from './wbi-signer.ts';
import type { MyInfoData, SpaceInfoData, UserCardData } from '../wire/space.schema.ts';

export type {
  CardVip,
  MyInfoData,
  MyInfoVip,
  Nameplate,
  Official,
  ShortVipLabel,
  SpaceInfoData,
  SpacePendant,
  SpaceVip,
  UserCard,
  UserCardData,
  UserCardWithSpace,
} from '../wire/space.schema.ts';

/** Account reads (docs/api/account.md): `client.account.*`. */
export class AccountApi {
  private readonly signer: WbiSigner;

  constructor(private readonly client: BiliClient) {
    this.signer = new WbiSigner(client);
  }

  /** The signed-in user's own record; -101 when signed out. */
  myInfo(): Promise<BiliEnvelope<MyInfoData>> {
    return this.client.get('/x/space/myinfo');
  }

  /** Anyone's space card, Wbi-signed with the keys from nav; -404 for an unknown mid. */
  async spaceInfo(mid: number): Promise<BiliEnvelope<SpaceInfoData>> {
    return this.client.get('/x/space/wbi/acc/info', await this.signer.sign({ mid }));
  }

  /** The hover card; `photo` adds `space` (the banner links). */
  card(mid: number, photo?: boolean): Promise<BiliEnvelope<UserCardData>> {
    return this.client.get('/x/web-interface/card', { mid, photo });
  }
}
