import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { AVATAR_MAX_BYTES } from '../../domain/account-rules.ts';
import { BiliError } from '../../errors.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import type { Services } from '../../services/services.ts';
import type { Config } from '../../config.ts';
import { ProfileData, SignupModeData } from '../../wire/account-self.schema.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import { clearWebCookies, isSecure, setWebCookies } from '../cookies.ts';
import { done, ok } from '../envelope.ts';
import { faceUrl } from '../mappers/account.mapper.ts';
import { Id, Params, Str } from '../params.ts';

/** Base64 of the largest accepted image, with room for a `data:` prefix. */
const FACE_PARAM_MAX = Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 100;

/**
 * Self-service accounts (docs/api/accounts.md). Bilibili's own path where it has one (`sign/update`);
 * Replay extensions under `/x/replay/account/` in the standard envelope otherwise.
 */
export function accountSelfRoutes(app: FastifyInstance, services: Services, config: Config): void {
  const profile = (user: UserRow): ProfileData => ({
    mid: user.mid,
    uname: user.uname,
    face: faceUrl(user, config.publicUrl),
    sign: user.sign,
  });

  app.get(
    '/x/replay/account/signup',
    {
      config: { bili: { auth: 'none' } },
      schema: { response: { 200: Envelope(SignupModeData) } },
    },
    () => ok({ mode: services.accounts.signupMode }),
  );

  app.post(
    '/x/replay/account/register',
    {
      config: { bili: { auth: 'none' } },
      schema: {
        querystring: Params({
          uname: Str({ maxLength: 64 }),
          password: Str({ maxLength: 256 }),
          invite: Type.Optional(Str({ maxLength: 64 })),
        }),
        response: { 200: Envelope(ProfileData) },
      },
    },
    async (request, reply) => {
      const { uname, password, invite } = request.query as Record<string, string | undefined>;
      const user = await services.accounts.signUp(
        { uname: uname!, password: password!, ...(invite === undefined ? {} : { invite }) },
        request.ip,
      );
      const session = await services.sessions.issueWeb(user.mid);
      setWebCookies(reply, session.cookies, session.expiresAt, isSecure(request.protocol));
      return ok(profile(user));
    },
  );

  app.post(
    '/x/replay/account/profile',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({
          uname: Type.Optional(Str({ maxLength: 64 })),
          sign: Type.Optional(Str({ maxLength: 1024 })),
        }),
        response: { 200: Envelope(ProfileData) },
      },
    },
    async (request) => {
      const { uname, sign } = request.query as Record<string, string | undefined>;
      const user = await services.accounts.updateProfile(request.identity!.mid, {
        ...(uname === undefined ? {} : { uname }),
        ...(sign === undefined ? {} : { sign }),
      });
      return ok(profile(user));
    },
  );

  // Bilibili's signature edit (member center): `user_sign`, answered without data.
  app.post(
    '/x/member/web/sign/update',
    {
      config: { bili: { auth: 'required', write: true } },
      schema: {
        querystring: Params({ user_sign: Type.Optional(Str({ maxLength: 1024, default: '' })) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const { user_sign } = request.query as { user_sign: string };
      await services.accounts.updateProfile(request.identity!.mid, { sign: user_sign });
      return done();
    },
  );

  app.post(
    '/x/replay/account/face',
    {
      bodyLimit: FACE_PARAM_MAX * 2,
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({ face: Str({ maxLength: FACE_PARAM_MAX }) }),
        response: { 200: Envelope(ProfileData) },
      },
    },
    async (request) => {
      const { face } = request.query as { face: string };
      const base64 = face.replace(/^data:[^,]{0,100},/, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) throw new BiliError(-400, 'face must be base64');
      const user = await services.accounts.setAvatar(request.identity!.mid, Buffer.from(base64, 'base64'));
      return ok(profile(user));
    },
  );

  app.post(
    '/x/replay/account/password',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({
          old_password: Str({ maxLength: 256 }),
          new_password: Str({ maxLength: 256 }),
        }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const { old_password, new_password } = request.query as Record<string, string>;
      await services.accounts.changePassword(request.identity!.mid, old_password!, new_password!);
      return done();
    },
  );

  app.post(
    '/x/replay/account/delete',
    {
      config: { bili: { auth: 'required', modes: ['cookie'], write: true } },
      schema: {
        querystring: Params({ password: Type.Optional(Str({ maxLength: 256, default: '' })) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request, reply) => {
      const { password } = request.query as { password: string };
      await services.accounts.deleteAccount(request.identity!.mid, password);
      clearWebCookies(reply);
      return done();
    },
  );

  app.get(
    '/x/replay/avatar/:mid/:hash',
    {
      schema: {
        params: Type.Object({ mid: Id(), hash: Type.String({ pattern: '^[0-9a-f]{16}$' }) }),
      },
    },
    async (request, reply) => {
      const { mid, hash } = request.params as { mid: number; hash: string };
      const image = await services.accounts.avatar(mid, hash);
      if (!image) return reply.code(404).send({ code: -404, message: '啥都木有', ttl: 1 });
      return (
        reply
          .type(image.contentType)
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('content-security-policy', "default-src 'none'")
          // Users' uploads: the type was told from the bytes, and browsers must not guess another one.
          .header('x-content-type-options', 'nosniff')
          .send(image.data)
      );
    },
  );
}
