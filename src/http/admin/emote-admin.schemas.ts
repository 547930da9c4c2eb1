import Type from 'typebox';
import type { EmotePackage, EmoteService } from '../../services/emote.service.ts';
import type { SensitiveWord } from '../../services/sensitive-word.service.ts';
import { escapeName } from '../../domain/emote-escape.ts';
import { MAX_GIVEN_ID } from '../../domain/ids.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

const ImageIn = Type.Object(
  {
    url: Type.Optional(Type.String({ maxLength: 2048, description: 'An http(s) link to the image' })),
    data: Type.Optional(
      Type.String({
        maxLength: 1_500_000,
        description:
          'The image bytes (PNG, GIF, JPEG or WebP, at most 1 MiB) as base64, optionally a data: URL',
      }),
    ),
  },
  { additionalProperties: false, description: 'Exactly one of url and data' },
);

export const EmotePackageBody = Type.Object(
  {
    id: Type.Optional(Type.Integer({ minimum: 1001, maximum: MAX_GIVEN_ID })),
    text: Type.String({ minLength: 1, maxLength: 32, description: 'Package name' }),
    type: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 4,
        description: '1 free (default), 2 VIP-only, 3 purchased, 4 kaomoji',
      }),
    ),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 2, description: '1 small (default), 2 large' })),
    icon: Type.Optional(ImageIn),
    emotes: Type.Array(
      Type.Object(
        {
          id: Type.Optional(Type.Integer({ minimum: 100_001, maximum: MAX_GIVEN_ID })),
          text: Type.String({
            minLength: 1,
            maxLength: 66,
            description: 'The escape, e.g. "[pkg_name]" (brackets added when missing), or the kaomoji itself',
          }),
          alias: Type.Optional(Type.String({ maxLength: 32 })),
          image: Type.Optional(ImageIn),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);

export const EmotePackageOut = Type.Object({
  id: Type.Integer(),
  text: Type.String(),
  type: Type.Integer(),
  size: Type.Integer(),
  icon_url: Type.String(),
  builtin: Type.Boolean({ description: 'Shipped with Replay: re-seeded at start, cannot be deleted' }),
  mtime: Type.Integer(),
  emotes: Type.Array(
    Type.Object({
      id: Type.Integer(),
      text: Type.String(),
      alias: Type.Union([Type.String(), Type.Null()]),
      jump_title: Type.String(),
      url: Type.String(),
    }),
  ),
});

export const EmotePackageList = Type.Object({ items: Type.Array(EmotePackageOut) });

export const PackageIdParam = Type.Object({ id: Id });

export const SensitiveWordOut = Type.Object({
  id: Type.Integer(),
  word: Type.String(),
  normalized: Type.String({ description: 'The form messages are matched in' }),
  created_at: Type.Integer(),
});

export const SensitiveWordQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const SensitiveWordList = Type.Object({
  total: Type.Integer(),
  items: Type.Array(SensitiveWordOut),
});

export const SensitiveWordBody = Type.Object(
  {
    word: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    words: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 })),
  },
  { additionalProperties: false, description: 'One word, or many' },
);

export const SensitiveWordsAdded = Type.Object({
  added: Type.Array(SensitiveWordOut),
  existing: Type.Array(SensitiveWordOut, { description: 'Entries that already covered the other words' }),
});

export const WordIdParam = Type.Object({ id: Id });

export function emotePackageOut(
  pkg: EmotePackage,
  emotes: EmoteService,
): Type.Static<typeof EmotePackageOut> {
  const { row } = pkg;
  return {
    id: row.id,
    text: row.text,
    type: row.type,
    size: row.size,
    icon_url: emotes.imageUrl(row.icon),
    builtin: row.builtin === 1,
    mtime: row.mtime,
    emotes: pkg.emotes.map((e) => ({
      id: e.id,
      text: e.text,
      alias: e.alias,
      jump_title: e.alias ?? escapeName(e.text),
      url: emotes.emoteUrl(row, e),
    })),
  };
}

export function sensitiveWordOut(w: SensitiveWord): Type.Static<typeof SensitiveWordOut> {
  return { id: w.id, word: w.word, normalized: w.normalized, created_at: w.created_at };
}
