import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';
import {
  EmotePackageBody,
  EmotePackageList,
  EmotePackageOut,
  PackageIdParam,
  SensitiveWordBody,
  SensitiveWordList,
  SensitiveWordQuery,
  SensitiveWordsAdded,
  WordIdParam,
  emotePackageOut,
  sensitiveWordOut,
} from './emote-admin.schemas.ts';

const Deleted = Type.Null({ description: 'Deleted (no body)' });
const errors = { 400: AdminError, 401: AdminError, 404: AdminError, 409: AdminError };

/** Base64 images make package bodies large; the rest of the API keeps the global limit. */
const PACKAGE_BODY_LIMIT = 16 * 1024 * 1024;

/** Emote packages and the sensitive-word list in the admin API; registered under /admin/api/v1. */
export function emoteAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];
    const { emotes, sensitiveWords } = services;

    app.get(
      '/emote-packages',
      { schema: { tags: ['emotes'], security, response: { 200: EmotePackageList, ...errors } } },
      async () => ({ items: (await emotes.list()).map((p) => emotePackageOut(p, emotes)) }),
    );

    app.get(
      '/emote-packages/:id',
      {
        schema: {
          tags: ['emotes'],
          security,
          params: PackageIdParam,
          response: { 200: EmotePackageOut, ...errors },
        },
      },
      async (request) => emotePackageOut(await emotes.get(request.params.id), emotes),
    );

    app.post(
      '/emote-packages',
      {
        bodyLimit: PACKAGE_BODY_LIMIT,
        schema: {
          tags: ['emotes'],
          summary: 'Create an emote package; each image is a link or base64 bytes Replay stores and serves',
          security,
          body: EmotePackageBody,
          response: { 201: EmotePackageOut, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(emotePackageOut(await emotes.create(request.body), emotes)),
    );

    app.delete(
      '/emote-packages/:id',
      {
        schema: { tags: ['emotes'], security, params: PackageIdParam, response: { 204: Deleted, ...errors } },
      },
      async (request, reply) => {
        await emotes.remove(request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/sensitive-words',
      {
        schema: {
          tags: ['moderation'],
          security,
          querystring: SensitiveWordQuery,
          response: { 200: SensitiveWordList, ...errors },
        },
      },
      async (request) => {
        const { total, items } = await sensitiveWords.list(
          request.query.limit ?? 1000,
          request.query.offset ?? 0,
        );
        return { total, items: items.map(sensitiveWordOut) };
      },
    );

    app.post(
      '/sensitive-words',
      {
        schema: {
          tags: ['moderation'],
          summary:
            'Add one word or many; words already on the list (compared normalised) are reported, not added',
          security,
          body: SensitiveWordBody,
          response: { 201: SensitiveWordsAdded, ...errors },
        },
      },
      async (request, reply) => {
        const words = [
          ...(request.body.word === undefined ? [] : [request.body.word]),
          ...(request.body.words ?? []),
        ];
        if (words.length === 0) throw new BiliError(-400, 'give word or words');
        const { added, existing } = await sensitiveWords.add(words);
        return reply
          .status(201)
          .send({ added: added.map(sensitiveWordOut), existing: existing.map(sensitiveWordOut) });
      },
    );

    app.delete(
      '/sensitive-words/:id',
      {
        schema: {
          tags: ['moderation'],
          security,
          params: WordIdParam,
          response: { 204: Deleted, ...errors },
        },
      },
      async (request, reply) => {
        await sensitiveWords.remove(request.params.id);
        return reply.status(204).send(null);
      },
    );
    done();
  };
}
