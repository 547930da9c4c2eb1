/** Invitation codes for sign-up in `invite` mode. */
export interface InviteCodesTable {
  code: string;
  /** Sign-ups the code still allows; 0 = used up. */
  uses_left: number;
  /** Sign-ups made with it so far. */
  uses: number;
  note: string;
  created_at: number;
  /** Unix seconds after which the code no longer works; 0 = never. */
  expires_at: number;
}

/** A host site's user (token issuer + `sub`) mapped to the Replay account single sign-on made for it. */
export interface ExternalIdentitiesTable {
  issuer: string;
  subject: string;
  mid: number;
  created_at: number;
  last_seen_at: number;
}

/** An uploaded profile picture; `hash` (sha256 prefix of the bytes) is part of its URL. */
export interface AvatarsTable {
  mid: number;
  hash: string;
  content_type: string;
  data: Buffer;
  updated_at: number;
}
