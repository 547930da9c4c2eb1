import type { FastifyInstance, FastifyReply } from 'fastify';

/** One thing done to every answer on its way out; returns the payload to send (the same one, or another). */
export type OnSendStep = (reply: FastifyReply, payload: unknown) => unknown;

/**
 * Runs Replay's own onSend steps (security headers, Connection: close while closing, large answers
 * encoded) in one hook: Fastify calls each onSend hook of every request through its hook runner, and
 * three hooks that each look at the reply once cost three of those calls where one does.
 */
export function registerOnSendSteps(app: FastifyInstance, steps: readonly OnSendStep[]): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    let out = payload;
    for (const step of steps) out = step(reply, out);
    done(null, out);
  });
}
