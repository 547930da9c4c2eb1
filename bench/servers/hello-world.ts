import Fastify from 'fastify';

/**
 * Reference 1, the ceiling: Fastify answering a constant JSON object, no plugins, no logging. Nothing built
 * on Fastify can answer faster on the same core, so ratios to it show what Replay's own work costs.
 */
const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
app.get('/', () => ({ hello: 'world' }));
await app.listen({ port, host: '127.0.0.1' });
const close = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', close);
process.once('SIGINT', close);
