import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';
import { requireToolkit } from './toolkit-guard.ts';
import { emptyJsonIsNoBody } from '../plugins/empty-json-body.ts';

const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError };
const tags = ['toolkit'];
const security = [{ adminToken: [] }];

const SnapshotName = Type.String({
  pattern: '^[A-Za-z0-9._-]{1,64}$',
  description: '1–64 of A–Z a–z 0–9 . _ -',
});

const Snapshot = Type.Object({
  name: Type.String(),
  created_at: Type.Integer({ description: 'Unix seconds (the Replay clock)' }),
  tables: Type.Record(Type.String(), Type.Integer(), { description: 'rows per table' }),
  bytes: Type.Integer({ description: 'stored (gzipped) size' }),
});

const Took = { took_ms: Type.Number({ description: 'server-side duration of the change' }) };

const FixtureSummary = Type.Object({
  users: Type.Integer(),
  sessions: Type.Integer(),
  archives: Type.Integer(),
  comments: Type.Integer(),
  history: Type.Integer(),
  notices: Type.Integer({ description: 'reply notices and like cards derived from the threads' }),
  seasons: Type.Integer({ description: 'seasons and courses' }),
  episodes: Type.Integer({ description: 'episodes and lessons' }),
  ...Took,
});

/** Reset, snapshots and fixtures; registered under /admin/api/v1, refused (403) with the toolkit off. */
export function toolkitStateRoutes(services: Services, adminToken: string, enabled: boolean) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    requireToolkit(scope, enabled);
    // `POST …/reset` with a JSON content type and nothing after it is the default reset too.
    emptyJsonIsNoBody(scope);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const state = services.toolkitState;

    app.post(
      '/toolkit/reset',
      {
        schema: {
          tags,
          summary: 'Empty the whole state (or reload the fixture) in one transaction, every node following',
          security,
          body: Type.Optional(
            Type.Object(
              {
                to: Type.Optional(
                  Type.Union([Type.Literal('empty'), Type.Literal('fixture')], {
                    description: 'empty (default), or the fixture loaded last (at start or through the API)',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
          response: { 200: Type.Object({ to: Type.String(), ...Took }), ...errors },
        },
        // A POST with no body at all (`curl -X POST …/reset`) is the default reset, as the docs show it;
        // validation would refuse an absent body as "not an object".
        preValidation: (request, _reply, done) => {
          request.body ??= {};
          done();
        },
      },
      async (request) => {
        const to = request.body?.to ?? 'empty';
        const started = performance.now();
        await state.reset(to);
        return { to, took_ms: round(performance.now() - started) };
      },
    );

    app.post(
      '/toolkit/snapshots',
      {
        schema: {
          tags,
          summary: 'Save the whole state under a name (replacing a snapshot of that name)',
          security,
          body: Type.Object({ name: SnapshotName }, { additionalProperties: false }),
          response: { 200: Type.Object({ ...Snapshot.properties, ...Took }), ...errors },
        },
      },
      async (request) => {
        const started = performance.now();
        const saved = await state.saveSnapshot(request.body.name);
        return { ...saved, took_ms: round(performance.now() - started) };
      },
    );

    app.get(
      '/toolkit/snapshots',
      {
        schema: {
          tags,
          summary: 'The saved snapshots, by name',
          security,
          response: { 200: Type.Object({ snapshots: Type.Array(Snapshot) }), ...errors },
        },
      },
      async () => ({ snapshots: await state.listSnapshots() }),
    );

    app.post(
      '/toolkit/snapshots/:name/restore',
      {
        schema: {
          tags,
          summary: 'Replace the whole state with a snapshot, in one transaction, every node following',
          security,
          params: Type.Object({ name: SnapshotName }),
          response: { 200: Type.Object({ name: Type.String(), ...Took }), ...errors },
        },
      },
      async (request) => {
        const started = performance.now();
        await state.restoreSnapshot(request.params.name);
        return { name: request.params.name, took_ms: round(performance.now() - started) };
      },
    );

    app.delete(
      '/toolkit/snapshots/:name',
      {
        schema: {
          tags,
          summary: 'Delete a snapshot',
          security,
          params: Type.Object({ name: SnapshotName }),
          response: { 204: Type.Null({ description: 'Deleted (no body)' }), ...errors },
        },
      },
      async (request, reply) => {
        await state.deleteSnapshot(request.params.name);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/toolkit/fixture',
      {
        // A fixture may be large: the body limit is raised for this route (admin-only, toolkit-only).
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          tags,
          summary:
            'Replace the whole state with a fixture (docs/fixture.schema.json); a bad entry is a 400 naming its path and loads nothing',
          security,
          body: Type.Unknown({ description: 'a fixture as JSON (docs/fixture.schema.json)' }),
          response: { 200: FixtureSummary, ...errors },
        },
      },
      async (request) => {
        const started = performance.now();
        const summary = await services.fixtures.load(request.body);
        return { ...summary, took_ms: round(performance.now() - started) };
      },
    );
    done();
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
