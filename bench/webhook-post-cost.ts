import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { BATCH, deliveryRequest } from '../src/services/outbox-dispatcher.ts';
import { eventId } from '../src/services/outbox.service.ts';
import { SOCKETS, WebhookHttp, targetOf } from '../src/services/webhook-http.ts';
import { positive } from './lib/common.ts';

/**
 * What one webhook POST costs the sending process on its own: no database, no comment, just the
 * dispatcher's request (`deliveryRequest`: body, HMAC, headers) sent through its client (`WebhookHttp`),
 * in passes of `BATCH` events with `SOCKETS` sends at once, as `OutboxDispatcher` sends a pass. This is
 * the floor under the message-center bench's webhook side: whatever the outbox's bookkeeping costs, each
 * delivered event costs at least this. Started by `bench/message-center.ts` on the server's core against
 * its receiver; prints `{"usPerPost": [...]}` (process CPU, user + system, per POST, one value per round).
 *
 * `node ./bin/run-ts.js bench/webhook-post-cost.ts --url <receiver> --payload <file> [--type <type>]
 *   [--rounds 5]`
 */
const opts = new Command('webhook-post-cost')
  .requiredOption('--url <url>', 'the receiver')
  .requiredOption('--payload <file>', "a delivered event's payload (the JSON object of its data)")
  .option('--type <type>', "that event's type", 'comment.posted')
  .option('--rounds <n>', 'measured rounds', positive, 5)
  .option('--passes <n>', 'passes of BATCH events per round', positive, 50)
  .parse(process.argv)
  .opts<{ url: string; payload: string; type: string; rounds: number; passes: number }>();

const payload = readFileSync(opts.payload, 'utf8');
const secret = 'whsec_' + 'x'.repeat(32);
const http = new WebhookHttp();
const target = targetOf(opts.url);

/** The events' ids, made before a round is measured: the dispatcher reads them with the delivery. */
let ids: string[] = [];

async function pass(): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < BATCH) {
      next++;
      const now = Date.now();
      const delivery = {
        event_id: ids.pop() ?? eventId(now),
        type: opts.type,
        time: Math.floor(now / 1000),
        payload,
      };
      const { headers, body } = deliveryRequest(delivery, secret, 1, now);
      const answer = await http.post(target, headers, body, 10_000);
      if (answer.status !== 200) throw new Error(`receiver answered ${answer.status}`);
    }
  };
  await Promise.all(Array.from({ length: SOCKETS }, worker));
}

// Warm-up: the JIT, the pool's connections.
for (let i = 0; i < 20; i++) await pass();
const usPerPost: number[] = [];
for (let round = 0; round < opts.rounds; round++) {
  ids = Array.from({ length: opts.passes * BATCH }, () => eventId());
  const before = process.cpuUsage();
  for (let i = 0; i < opts.passes; i++) await pass();
  const used = process.cpuUsage(before);
  usPerPost.push((used.user + used.system) / (opts.passes * BATCH));
}
http.close();
console.log(JSON.stringify({ usPerPost }));
