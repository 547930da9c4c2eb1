import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/** Replay's account extensions (docs/api/accounts.md): sign-up, profile, avatar. */

/** `GET /x/replay/account/signup`: who may sign up here. */
export const SignupModeData = Wire({
  mode: Type.Union([Type.Literal('open'), Type.Literal('invite'), Type.Literal('closed')]),
});
export type SignupModeData = Static<typeof SignupModeData>;

/** The signed-in user's editable profile: the answer of sign-up, profile and avatar changes. */
export const ProfileData = Wire({
  mid: Type.Integer(),
  uname: Type.String(),
  face: Type.String(),
  sign: Type.String(),
});
export type ProfileData = Static<typeof ProfileData>;
