import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import type { InviteRow } from '../../store/repositories/account.repository.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';
import { MAX_TIME_SECONDS } from '../../domain/ids.ts';

const errors = { 400: AdminError, 401: AdminError, 404: AdminError, 409: AdminError };

const Invite = Type.Object({
  code: Type.String(),
  uses_left: Type.Integer({ description: 'Sign-ups the code still allows' }),
  uses: Type.Integer({ description: 'Sign-ups made with it' }),
  note: Type.String(),
  created_at: Type.Integer({ description: 'Unix seconds' }),
  expires_at: Type.Integer({ description: 'Unix seconds; 0 = never' }),
});

const InviteBody = Type.Object(
  {
    uses: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Sign-ups it allows (default 1)' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 200 })),
    expires_at: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_TIME_SECONDS, description: 'Unix seconds; 0 = never' }),
    ),
    code: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{6,64}$', description: 'A chosen code; random when absent' }),
    ),
  },
  { additionalProperties: false },
);

const CodeParam = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{6,64}$' }) });

export function inviteOut(row: InviteRow): Type.Static<typeof Invite> {
  return {
    code: row.code,
    uses_left: Number(row.uses_left),
    uses: Number(row.uses),
    note: row.note,
    created_at: Number(row.created_at),
    expires_at: Number(row.expires_at),
  };
}

/** Invite codes for sign-up in `invite` mode (REPLAY_SIGNUP=invite); registered under /admin/api/v1. */
export function inviteAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];

    app.post(
      '/invites',
      {
        schema: {
          tags: ['invites'],
          summary: 'Create an invite code (single-use unless `uses` says otherwise)',
          security,
          body: InviteBody,
          response: { 200: Invite, ...errors },
        },
      },
      async (request) => inviteOut(await services.accounts.createInvite(request.body)),
    );

    app.get(
      '/invites',
      {
        schema: {
          tags: ['invites'],
          summary: 'Invite codes, newest first',
          security,
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
          response: { 200: Type.Object({ items: Type.Array(Invite) }), ...errors },
        },
      },
      async (request) => ({
        items: (await services.accounts.listInvites(request.query.limit ?? 100)).map(inviteOut),
      }),
    );

    app.delete(
      '/invites/:code',
      {
        schema: {
          tags: ['invites'],
          summary: 'Withdraw an invite code',
          security,
          params: CodeParam,
          response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors },
        },
      },
      async (request) => {
        await services.accounts.deleteInvite(request.params.code);
        return { deleted: true };
      },
    );
    done();
  };
}
