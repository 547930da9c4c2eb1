import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';
import type { PlayerData, PlayerParams } from './history-types.ts';
import { WbiSigner } from './wbi-signer.ts';

/** The player info endpoints (CONTRACT.md §8.1): `client.player.*`. */
export class PlayerApi {
  private readonly signer: WbiSigner;

  constructor(private readonly client: BiliClient) {
    this.signer = new WbiSigner(client);
  }

  /** `/x/player/v2` (unsigned). `last_play_time` is in milliseconds. */
  info(params: PlayerParams): Promise<BiliEnvelope<PlayerData>> {
    return this.client.get('/x/player/v2', { ...params });
  }

  /** `/x/player/wbi/v2`, Wbi-signed with the keys from nav. */
  async infoWbi(params: PlayerParams): Promise<BiliEnvelope<PlayerData>> {
    return this.client.get('/x/player/wbi/v2', await this.signer.sign({ ...params }));
  }
}
