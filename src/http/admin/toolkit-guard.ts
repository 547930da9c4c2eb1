import type { FastifyInstance } from 'fastify';

/**
 * The toolkit (reset, snapshots, fixtures, faults, journal, virtual clock) can wipe or rewind a whole site,
 * so its routes answer only when the operator turned it on (`REPLAY_TOOLKIT=on` or `--toolkit`): a leaked
 * admin token alone cannot destroy a production site. Register inside the toolkit routes' scope, after the
 * admin-token guard.
 */
export function requireToolkit(app: FastifyInstance, enabled: boolean): void {
  if (enabled) return;
  app.addHook('onRequest', async (_request, reply) =>
    reply.status(403).send({
      statusCode: 403,
      code: -403,
      message: 'the toolkit is off: start Replay with REPLAY_TOOLKIT=on (or --toolkit) to use it',
    }),
  );
}
