import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDb } from '../src/store/database.ts';
import { NoticeKind } from '../src/store/repositories/notice.repository.ts';
import type { NewNotice } from '../src/store/repositories/notice.repository.ts';
import { Store } from '../src/store/store.ts';
import type { PgCluster } from '../test/support/postgres-cluster.ts';
import {
  BROWSER_UA,
  FORM,
  OK,
  ROOT,
  WORK,
  f0,
  f1,
  f2,
  f3,
  positive,
  commandLine,
  featureBenchCommand,
} from './lib/common.ts';
import type { FeatureBenchOptions } from './lib/common.ts';
import { ensureWrk, runLoad } from './lib/load.ts';
import type { LoadResult, RequestSpec } from './lib/load.ts';
import { CLOCK_TICKS, LOAD_CORE, SERVER_CORE, pinPid, pinned, settle, treeTicks } from './lib/processes.ts';
import { monotonicUs } from './lib/profile.ts';
import { form } from './lib/scenarios.ts';
import { median } from './lib/report.ts';
import {
  createBenchArchives,
  createBenchDatabase,
  createBenchUsers,
  machineInfo,
  startBenchPostgres,
  startReplay,
} from './lib/replay.ts';
import type { BenchArchive, BenchUser, ReplayNode } from './lib/replay.ts';

/**
 * The message center's costs (issue 12), in one run per database:
 * (a) `POST /x/v2/reply/add` — notices always on — with no webhook endpoint and with an enabled endpoint
 *     subscribed to every comment event, delivered to a loopback receiver started here that answers 200
 *     at once. Runs alternate (none, webhook, none, webhook, …) so that the growing comment table and the
 *     machine's other load fall on both alike; each run's CPU is the server's (and PostgreSQL's) from the
 *     start of the load until every event of the run is delivered and the server is idle again, so the
 *     webhook side pays for its whole delivery, not just what fitted into the load window. Loads:
 *     saturated (each side as fast as it answers), then paced at fixed rates offered to both sides alike
 *     (bench/lib/load.ts `rateRps`), and what one POST costs on its own (bench/webhook-post-cost.ts).
 * (b) `GET /x/msgfeed/reply` (page 1 and a page deep in the inbox) and `GET /x/msgfeed/unread` for a
 *     user with 100 notices and one with 100k (seeded straight through the store, as the comment path
 *     writes them): median latency and CPU per answer; `unread` first with every notice unread (each
 *     count stops at 999, so it reads at most that many rows), then after the reply feed was opened.
 *
 * `node ./bin/run-ts.js bench/message-center.ts [--db sqlite,postgres] [--runs 3] [--duration 5]`.
 * Prints a markdown section. Loopback only; every loop is bounded by count and time.
 */

interface Options extends FeatureBenchOptions {
  notices: number;
  part: string[];
  cpuProf?: string;
}

const program = featureBenchCommand(
  'message-center',
  'reply/add CPU with and without a webhook endpoint; inbox reads at 100 vs 100k notices',
  3,
)
  .option('--notices <n>', 'notices of the big inbox', positive, 100_000)
  .option('--part <name...>', 'add and/or inbox', ['add', 'inbox'])
  .option('--cpu-prof <dir>', 'run the server under --cpu-prof, profiles written to this folder');

const log = (line: string) => console.error(line);
/** The paced loads: fixed rates, as shares of what the webhook side answered saturated. */
const PACED_SHARES = [0.6, 0.9];
/** Bound of every wait for the server to catch up (deliveries, idle). */
const DRAIN_MS = 60_000;

function headers(user: BenchUser): Record<string, string> {
  return {
    Cookie: user.cookie,
    'User-Agent': BROWSER_UA,
    Referer: 'https://www.bilibili.com/video/',
    Origin: 'https://www.bilibili.com',
  };
}

async function call<T>(node: ReplayNode, user: BenchUser, spec: RequestSpec): Promise<T> {
  const token = `p${Math.random().toString(36).slice(2, 8)}`;
  const response = await fetch(node.url + spec.path.replaceAll('{n}', token), {
    method: spec.method,
    headers: { ...headers(user), ...(spec.headers ?? {}) },
    ...(spec.body === undefined ? {} : { body: spec.body.replaceAll('{n}', token) }),
  });
  const body = (await response.json()) as { code: number; message: string; data: T };
  if (body.code !== 0) throw new Error(`${spec.method} ${spec.path}: ${body.code} ${body.message}`);
  return body.data;
}

/** A loopback webhook receiver: answers 200 at once, counts deliveries and distinct event ids. */
async function startReceiver(): Promise<{
  url: string;
  ids: Set<string>;
  posts: () => number;
  /** A body the server delivered. */
  sample: () => string;
  close(): Promise<void>;
}> {
  const ids = new Set<string>();
  let posts = 0;
  let sample = '';
  const server = http.createServer((req, res) => {
    posts++;
    const id = req.headers['x-replay-event-id'];
    if (typeof id === 'string') ids.add(id);
    // One body of the server's own is kept (the last of its first hundred): the POST-cost probe sends that.
    const keep = posts <= 100 && id !== undefined;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      if (keep) chunks.push(chunk);
    });
    req.on('end', () => {
      if (keep) sample = Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    ids,
    posts: () => posts,
    sample: () => sample,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Side {
  cpuMs: number;
  requests: number;
  rps: number;
  p50Ms: number;
  failures: number;
}

function cpuPerAnswer(s: Side): number {
  return s.requests ? s.cpuMs / s.requests : NaN;
}

/** One load run; CPU counted until `drained` holds and the server tree is idle. */
async function measure(
  wrk: string,
  node: ReplayNode,
  own: () => number[],
  requests: RequestSpec[],
  durationS: number,
  connections: number,
  tag: string,
  drained: () => Promise<boolean> = () => Promise.resolve(true),
  rateRps?: number,
): Promise<Side & { load: LoadResult }> {
  const fromUs = monotonicUs();
  const before = treeTicks(own());
  const load = await runLoad(wrk, {
    baseUrl: node.url,
    requests,
    okPrefix: OK,
    connections,
    durationS,
    tag,
    workDir: WORK,
    ...(rateRps ? { rateRps } : {}),
  });
  const deadline = performance.now() + DRAIN_MS;
  while (!(await drained())) {
    if (performance.now() > deadline) throw new Error(`${tag}: the outbox did not drain in ${DRAIN_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await settle(own());
  const cpuMs = ((treeTicks(own()) - before) * 1000) / CLOCK_TICKS;
  windows.push({ tag, fromUs, toUs: monotonicUs(), requests: load.requests });
  if (load.failures > 0) log(`  ${tag}: ${load.failures} failures, first: ${load.firstFailure}`);
  return {
    load,
    cpuMs,
    requests: load.requests,
    rps: load.rps,
    p50Ms: load.p50Ms,
    failures: load.failures,
  };
}

/** Every measurement's span on the profile clock, for `--cpu-prof`'s per-side breakdown. */
const windows: { tag: string; fromUs: number; toUs: number; requests: number }[] = [];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Self time per answer by function over the measurements whose tag starts with each prefix, and the
 * functions that differ most between the first two prefixes: where the extra cost of a side goes.
 */
function profileBreakdown(dir: string, prefixes: readonly string[], top = 40): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs || statSync(b).size - statSync(a).size);
  if (files.length === 0) return ['(no profile written)'];
  // The newest run's main thread (thread 0; workers write their own, smaller profiles).
  const main = files.find((f) => /\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0]!;
  const profile = JSON.parse(readFileSync(main, 'utf8')) as {
    startTime: number;
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => {
    const url = n.callFrame.url
      .replace(/^file:\/\//, '')
      .replace(/^.*node_modules\//, 'npm:')
      .replace(ROOT + '/', '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  };
  const perSide = prefixes.map((prefix) => {
    const spans = windows.filter((w) => w.tag.startsWith(prefix) && !w.tag.startsWith('warm'));
    const requests = spans.reduce((n, w) => n + w.requests, 0);
    const self = new Map<string, number>();
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i] ?? 0;
      if (!spans.some((w) => at >= w.fromUs && at <= w.toUs)) continue;
      const node = byId.get(profile.samples[i]!)!;
      if (node.callFrame.functionName === '(idle)') continue;
      const dt = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
      const key = name(node);
      self.set(key, (self.get(key) ?? 0) + dt);
      // Inclusive time of Replay's own functions, once per stack ("+" marks them).
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)!;
        if (!frame.callFrame.url.includes('/src/')) continue;
        const k = `+ ${name(frame)}`;
        if (seen.has(k)) continue;
        seen.add(k);
        self.set(k, (self.get(k) ?? 0) + dt);
      }
    }
    // µs per answer
    return new Map([...self].map(([k, us]) => [k, us / Math.max(1, requests)]));
  });
  const out: string[] = [];
  prefixes.forEach((prefix, i) => {
    const total = [...perSide[i]!].filter(([k]) => !k.startsWith('+ ')).reduce((a, [, v]) => a + v, 0);
    out.push(`${prefix}: ${f3(total / 1000)} ms sampled per answer`);
  });
  if (perSide.length >= 2) {
    const [a, b] = perSide as [Map<string, number>, Map<string, number>];
    const keys = new Set([...a.keys(), ...b.keys()]);
    const diff = [...keys]
      .map((k) => ({ k, a: a.get(k) ?? 0, b: b.get(k) ?? 0 }))
      .sort((x, y) => y.b - y.a - (x.b - x.a))
      .slice(0, top);
    out.push(`top differences, µs per answer (${prefixes[0]} → ${prefixes[1]}):`);
    for (const d of diff)
      out.push(
        `  ${(d.b - d.a).toFixed(1).padStart(7)}  ${d.a.toFixed(1).padStart(7)} → ${d.b.toFixed(1).padStart(7)}  ${d.k}`,
      );
  }
  return out;
}

interface Setup {
  node: ReplayNode;
  users: BenchUser[];
  archive: BenchArchive;
  own: () => number[];
}

// --- (a) reply/add with and without a webhook endpoint -----------------------------------------------

async function benchAdd(wrk: string, setup: Setup, opts: Options, lines: string[]): Promise<void> {
  const { node, users, archive, own } = setup;
  // Roots by the first 16 users: a quarter of the posts answer one (a reply notice for its author), an
  // eighth @-mention a user (an @ notice), and every root notifies the area's owner.
  const roots: number[] = [];
  for (let i = 0; i < 16; i++) {
    const data = await call<{ rpid: number }>(node, users[i]!, {
      method: 'POST',
      path: '/x/v2/reply/add',
      headers: { 'Content-Type': FORM },
      body: form({ type: 1, oid: archive.aid, message: `楼主 ${i}`, plat: 1, csrf: users[i]!.csrf }),
    });
    roots.push(data.rpid);
  }
  const requests: RequestSpec[] = Array.from({ length: 512 }, (_, i) => {
    const u = users[(i * 7) % users.length]!;
    const root = i % 4 === 3 ? roots[(i * 5) % roots.length]! : 0;
    const mention = i % 8 === 1 ? ` @${users[(i * 3 + 1) % users.length]!.uname} ` : '';
    return {
      method: 'POST',
      path: '/x/v2/reply/add',
      headers: { ...headers(u), 'Content-Type': FORM },
      body: form({
        type: 1,
        oid: archive.aid,
        ...(root ? { root, parent: root } : {}),
        message: `第{n}条：UP主辛苦了[微笑]${mention}这期讲得真清楚，收藏了`,
        plat: 1,
        csrf: u.csrf,
      }),
    };
  });

  const receiver = await startReceiver();
  const endpoint = await node.admin.webhooks.create({ url: receiver.url, enabled: false });
  const hookDrained = (): Promise<boolean> => outboxIdle();

  // Warm-up on both sides (JIT, caches, the receiver's connections).
  await measure(wrk, node, own, requests, 1, opts.connections, 'warm-none');
  await node.admin.webhooks.update(endpoint.id, { enabled: true });
  const warmHook = await measure(wrk, node, own, requests, 1, opts.connections, 'warm-hook', hookDrained);

  // Saturated: as many answers as the node gives (req/s); then paced: both sides offered one fixed rate
  // (PACED_SHARES of what the webhook side sustained), so that CPU per answer compares one operating point
  // (at saturation the slower side also commits smaller groups, which costs per answer by itself).
  const pairs = async (label: string, rateRps?: number) => {
    const none: Side[] = [];
    const hook: Side[] = [];
    for (let run = 0; run < opts.runs; run++) {
      await node.admin.webhooks.update(endpoint.id, { enabled: false });
      none.push(
        await measure(
          wrk,
          node,
          own,
          requests,
          opts.duration,
          opts.connections,
          `none-${label}${run}`,
          undefined,
          rateRps,
        ),
      );
      await node.admin.webhooks.update(endpoint.id, { enabled: true });
      hook.push(
        await measure(
          wrk,
          node,
          own,
          requests,
          opts.duration,
          opts.connections,
          `hook-${label}${run}`,
          hookDrained,
          rateRps,
        ),
      );
      log(
        `  ${label} run ${run + 1}: none ${f3(cpuPerAnswer(none[run]!))} ms/answer ${f0(none[run]!.rps)} req/s; ` +
          `webhook ${f3(cpuPerAnswer(hook[run]!))} ms/answer ${f0(hook[run]!.rps)} req/s`,
      );
    }
    return { none, hook };
  };
  const saturated = await pairs('saturated');
  const paced: { share: number; rate: number; none: Side[]; hook: Side[] }[] = [];
  for (const share of PACED_SHARES) {
    const rate = share * median(saturated.hook.map((s) => s.rps));
    paced.push({ share, rate, ...(await pairs(`paced${Math.round(share * 100)}`, rate)) });
  }
  const { deliveries: states } = await node.admin.webhooks.deliveries(endpoint.id, { limit: 1 });
  await node.admin.webhooks.update(endpoint.id, { enabled: false });
  const received = { ids: receiver.ids.size, posts: receiver.posts() };
  // One comment in eight also @-mentions someone: a second event, a second POST.
  const hookAnswers = [warmHook, ...saturated.hook, ...paced.flatMap((p) => p.hook)].reduce(
    (n, side) => n + side.requests,
    0,
  );
  const postsPerAnswer = received.posts / hookAnswers;
  const postUs = await postCost(receiver.url, receiver.sample());
  await receiver.close();

  const row = (name: string, sides: Side[]) =>
    `| ${name} | ${f3(median(sides.map(cpuPerAnswer)))} | ${sides.map((s) => f3(cpuPerAnswer(s))).join(' / ')} | ${f0(median(sides.map((s) => s.rps)))} | ${f2(median(sides.map((s) => s.p50Ms)))} | ${sides.reduce((n, s) => n + s.failures, 0)} |`;
  const verdict = ({ none, hook }: { none: Side[]; hook: Side[] }) => {
    const ratios = none.map((n, i) => cpuPerAnswer(hook[i]!) / cpuPerAnswer(n));
    return `**${f3(median(hook.map(cpuPerAnswer)) / median(none.map(cpuPerAnswer)))}** (medians; per run pair ${ratios.map(f3).join(', ')})`;
  };
  lines.push(
    '',
    `#### reply/add: no webhook vs an active webhook endpoint (${opts.runs} × ${opts.duration} s per side and load, ${opts.connections} connections, alternating)`,
    '',
    '| load | side | CPU ms / answer (median) | per run | req/s | p50 ms | failures |',
    '|---|---|---:|---|---:|---:|---:|',
    row('saturated | no endpoint (notices only)', saturated.none),
    row('saturated | endpoint enabled, every comment event delivered', saturated.hook),
    ...paced.flatMap((p) => [
      row(`paced, ${f0(p.rate)} req/s offered (${pct(p.share)}) | no endpoint`, p.none),
      row(`paced, ${f0(p.rate)} req/s offered (${pct(p.share)}) | endpoint enabled`, p.hook),
    ]),
    '',
    `Webhook / none, CPU per answer (target ≤ 1.15): saturated ${verdict(saturated)}; ` +
      paced.map((p) => `paced at ${pct(p.share)} ${verdict(p)}`).join('; ') +
      '. ' +
      `Deliveries: ${f0(states.delivered)} delivered, ${states.pending} pending, ${states.dead} dead; the ` +
      `receiver saw ${f0(received.ids)} distinct event ids in ${f0(received.posts)} posts. CPU counts ` +
      'from the start of each load until every event of it was delivered and the server was idle.',
    '',
    postUs
      ? `One POST on its own (\`bench/webhook-post-cost.ts\`: the dispatcher's request and client, no database, ` +
          `on the server's core, to the same receiver): **${f1(median(postUs))} µs** CPU (median of ` +
          `${postUs.map(f1).join(' / ')}). The webhook side sent ${f3(postsPerAnswer)} POSTs per answer (one ` +
          'comment in eight also @-mentions someone, a second event); against the no-endpoint side those POSTs ' +
          `alone are ${floor(saturated.none, postUs)} saturated and ` +
          `${paced.map((p) => `${floor(p.none, postUs)} paced at ${pct(p.share)}`).join(', ')}: the lowest ratio ` +
          'an outbox sending one POST per event could reach here, before it records anything.'
      : 'One POST on its own: not measured (`bench/webhook-post-cost.ts` failed; its error is above).',
    '',
    'Saturated, the two sides answer at different rates, and the rate alone moves the cost of an answer: ' +
      `the no-endpoint side's own CPU per answer is ${f3(median(saturated.none.map(cpuPerAnswer)))} ms at ` +
      `${f0(median(saturated.none.map((s) => s.rps)))} req/s and ` +
      `${paced.map((p) => `${f3(median(p.none.map(cpuPerAnswer)))} ms at ${f0(median(p.none.map((s) => s.rps)))}`).join(' and ')} ` +
      '(a group commit and an event-loop turn are shared by fewer answers). The paced rows offer both sides one ' +
      'fixed rate, so they answer alike and compare CPU per answer at one operating point; the saturated ' +
      'ratio is the throughput the deliveries take from the core.',
  );

  function pct(share: number): string {
    return `${Math.round(share * 100)} % of the webhook side's saturated rate`;
  }

  function floor(none: Side[], us: number[]): string {
    return `**${f3(1 + (postsPerAnswer * median(us)) / 1000 / median(none.map(cpuPerAnswer)))}**`;
  }
}

/**
 * CPU per webhook POST of the dispatcher's client alone (`bench/webhook-post-cost.ts`), pinned like the
 * server, sending the event of `body` (a body the server delivered) to the receiver: µs per POST, one
 * value per round; null (said on stderr) when it failed, so the runs measured before are still reported.
 */
async function postCost(url: string, body: string): Promise<number[] | null> {
  try {
    const event = JSON.parse(body) as { type: string; data: unknown };
    const payloadFile = join(WORK, 'webhook-payload.json');
    writeFileSync(payloadFile, JSON.stringify(event.data));
    const [command, args] = pinned(SERVER_CORE, process.execPath, [
      join(ROOT, 'bin', 'run-ts.js'),
      join(ROOT, 'bench', 'webhook-post-cost.ts'),
      '--url',
      url,
      '--payload',
      payloadFile,
      '--type',
      event.type,
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), DRAIN_MS);
    // 'close': the exit code and all of stdout.
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    clearTimeout(timer);
    if (code !== 0) throw new Error(`webhook-post-cost exited with ${code}`);
    return (JSON.parse(out) as { usPerPost: number[] }).usPerPost;
  } catch (error) {
    log(`  webhook-post-cost: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/**
 * No event waits to be fanned out and no delivery is pending, read by the bench's own connection through
 * the outbox's indexes. A check through the admin API (which counts the endpoint's deliveries by state)
 * would charge the server a scan of every delivery so far, several times per run, to the webhook side;
 * on PostgreSQL these two index reads still run in the cluster, whose CPU that side counts.
 */
let outboxIdle: () => Promise<boolean> = () => Promise.resolve(true);

// --- (b) inbox reads at 100 vs 100k notices ----------------------------------------------------------

async function seedNotices(store: Store, recipient: number, count: number, s: Seed): Promise<void> {
  const now = Math.floor(Date.now() / 1000) - 10;
  // 9 columns a row: 2,000 rows stay under SQLite's 32,766 bound variables per statement.
  const CHUNK = 2000;
  for (let from = 0; from < count; from += CHUNK) {
    const rows: NewNotice[] = [];
    for (let i = from; i < Math.min(count, from + CHUNK); i++) {
      const c = s.comments[i % s.comments.length]!;
      rows.push({
        recipient_mid: recipient,
        kind: NoticeKind.Reply,
        // Oldest first, ~one notice every 3 s, the newest 10 s ago.
        time: now - (count - 1 - i) * 3,
        actor_mid: c.mid,
        type: 1,
        oid: s.aid,
        root: c.root,
        source_rpid: c.rpid,
        target_rpid: c.root,
      });
    }
    await store.transaction((tx) => tx.notices.insertMany(rows));
  }
}

interface Seed {
  aid: number;
  comments: { rpid: number; root: number; mid: number }[];
}

async function benchInbox(
  wrk: string,
  setup: Setup,
  target: string,
  opts: Options,
  lines: string[],
): Promise<void> {
  const { node, users, archive, own } = setup;
  // Real comments for the notices to point at: the page builder reads their text, authors and the root.
  const small = users[users.length - 2]!;
  const big = users[users.length - 1]!;
  const rootOf = new Map<number, number>();
  for (const owner of [small, big]) {
    const data = await call<{ rpid: number }>(node, owner, {
      method: 'POST',
      path: '/x/v2/reply/add',
      headers: { 'Content-Type': FORM },
      body: form({ type: 1, oid: archive.aid, message: `我的评论 ${owner.mid}`, plat: 1, csrf: owner.csrf }),
    });
    rootOf.set(owner.mid, data.rpid);
  }
  const seeds = new Map<number, Seed>();
  for (const owner of [small, big]) {
    const root = rootOf.get(owner.mid)!;
    const comments: Seed['comments'] = [];
    for (let i = 0; i < 20; i++) {
      const actor = users[i]!;
      const data = await call<{ rpid: number }>(node, actor, {
        method: 'POST',
        path: '/x/v2/reply/add',
        headers: { 'Content-Type': FORM },
        body: form({
          type: 1,
          oid: archive.aid,
          root,
          parent: root,
          message: `回复第 ${i} 条，说得好`,
          plat: 1,
          csrf: actor.csrf,
        }),
      });
      comments.push({ rpid: data.rpid, root, mid: actor.mid });
    }
    seeds.set(owner.mid, { aid: archive.aid, comments });
  }
  const store = new Store(createDb(target));
  const t0 = performance.now();
  try {
    await seedNotices(store, small.mid, 100 - 20, seeds.get(small.mid)!);
    await seedNotices(store, big.mid, opts.notices - 20, seeds.get(big.mid)!);
  } finally {
    await store.close();
  }
  log(`  seeded ${f0(opts.notices + 80)} notices in ${f0(performance.now() - t0)} ms`);

  // A deep cursor: the notice in the middle of each inbox (feed order is time desc, id desc).
  const cursorOf = async (user: BenchUser, depth: number): Promise<string> => {
    let cursor = '';
    let seen = 0;
    for (let pages = 0; pages < 20 && seen < depth; pages++) {
      const page = await call<{ items: { id: number; reply_time: number }[]; cursor: { is_end: boolean } }>(
        node,
        user,
        { method: 'GET', path: `/x/msgfeed/reply?platform=web&build=0&mobi_app=web${cursor}` },
      );
      const last = page.items.at(-1);
      if (!last) break;
      cursor = `&id=${last.id}&reply_time=${last.reply_time}`;
      seen += page.items.length;
    }
    return cursor;
  };

  const get = (user: BenchUser, path: string): RequestSpec[] => [
    { method: 'GET', path, headers: headers(user) },
  ];
  type Row = { what: string; inbox: string; side: Side };
  const rows: Row[] = [];
  const run = async (what: string, inbox: string, user: BenchUser, path: string): Promise<void> => {
    // A first second unmeasured: the first scenario would otherwise also pay for compiling its code path.
    await measure(wrk, node, own, get(user, path), 1, 8, `warm-${inbox}`);
    const sides: Side[] = [];
    for (let r = 0; r < opts.runs; r++) {
      sides.push(
        await measure(wrk, node, own, get(user, path), Math.min(opts.duration, 3), 8, `${inbox}-${r}`),
      );
    }
    const side: Side = {
      cpuMs: median(sides.map((s) => s.cpuMs)),
      requests: median(sides.map((s) => s.requests)),
      rps: median(sides.map((s) => s.rps)),
      p50Ms: median(sides.map((s) => s.p50Ms)),
      failures: sides.reduce((n, s) => n + s.failures, 0),
    };
    side.cpuMs = median(sides.map(cpuPerAnswer)) * side.requests;
    rows.push({ what, inbox, side });
    log(`  ${what} ${inbox}: ${f3(cpuPerAnswer(side))} ms/answer, p50 ${f2(side.p50Ms)} ms`);
  };
  const inboxes: [string, BenchUser][] = [
    ['100', small],
    [f0(opts.notices), big],
  ];
  const unread = '/x/msgfeed/unread?build=0&mobi_app=web';
  for (const [label, user] of inboxes) await run('unread, every notice unread', label, user, unread);
  const deep = new Map<string, string>();
  for (const [label, user] of inboxes) deep.set(label, await cursorOf(user, 50));
  for (const [label, user] of inboxes) {
    await run('reply feed page 1', label, user, '/x/msgfeed/reply?platform=web&build=0&mobi_app=web');
  }
  for (const [label, user] of inboxes) {
    await run(
      'reply feed, page after 60 items (cursor)',
      label,
      user,
      `/x/msgfeed/reply?platform=web&build=0&mobi_app=web${deep.get(label)!}`,
    );
  }
  for (const [label, user] of inboxes) await run('unread, after the feed was opened', label, user, unread);

  lines.push(
    '',
    `#### Inbox reads: 100 vs ${f0(opts.notices)} notices (${opts.runs} × ${Math.min(opts.duration, 3)} s each, 8 connections)`,
    '',
    '| request | notices | CPU ms / answer | p50 ms | req/s | failures |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.inbox} | ${f3(cpuPerAnswer(r.side))} | ${f2(r.side.p50Ms)} | ${f0(r.side.rps)} | ${r.side.failures} |`,
    ),
  );
  const pairs = new Map<string, Row[]>();
  for (const r of rows) pairs.set(r.what, [...(pairs.get(r.what) ?? []), r]);
  lines.push(
    '',
    `${f0(opts.notices)} / 100, CPU per answer: ${[...pairs.entries()]
      .map(([what, [a, b]]) => `${what} **${f2(cpuPerAnswer(b!.side) / cpuPerAnswer(a!.side))}**`)
      .join('; ')}.`,
  );
}

async function main(): Promise<void> {
  const opts = program.parse(process.argv).opts<Options>();
  mkdirSync(WORK, { recursive: true });
  pinPid(process.pid, LOAD_CORE);
  const wrk = ensureWrk(log);
  const machine = machineInfo();
  const lines: string[] = [
    '### Message center',
    '',
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; server (and PostgreSQL) pinned to one core, ` +
      'wrk and this script on the other. CPU is the server tree’s user+system time per answered request.',
  ];
  let pg: { cluster: PgCluster; postmaster: number } | null = null;
  try {
    for (const dialect of opts.db) {
      if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`unknown --db ${dialect}`);
      if (dialect === 'postgres' && !pg) {
        pg = await startBenchPostgres();
        if (!pg) {
          log('no PostgreSQL binaries: skipping postgres');
          continue;
        }
      }
      log(`${dialect}: starting`);
      const database = await createBenchDatabase(dialect, WORK, pg?.cluster.url ?? null);
      let node: ReplayNode | null = null;
      try {
        node = await startReplay({
          name: `msgcenter-${dialect}`,
          db: database.target,
          workDir: WORK,
          ...(opts.cpuProf ? { cpuProfileDir: opts.cpuProf } : {}),
        });
        const started = node;
        const users = await createBenchUsers(node.admin, 64);
        const [archive] = await createBenchArchives(node.admin, 1, users[0]!.mid, '消息中心');
        const postmaster = pg?.postmaster;
        const own = () => [started.server.pid, ...(dialect === 'postgres' && postmaster ? [postmaster] : [])];
        const setup: Setup = { node, users, archive: archive!, own };
        const probe = new Store(createDb(database.target, { poolSize: 1 }));
        outboxIdle = async () => {
          // Events first: one fanned out between the two reads is a pending delivery by the second.
          const unfanned = await probe.db
            .selectFrom('outbox_events')
            .select('id')
            .where('fanned', '=', 0)
            .limit(1)
            .executeTakeFirst();
          if (unfanned) return false;
          const pending = await probe.db
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('state', '=', 'pending')
            .limit(1)
            .executeTakeFirst();
          return pending === undefined;
        };
        lines.push('', `#### ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
        try {
          if (opts.part.includes('add')) await benchAdd(wrk, setup, opts, lines);
          if (opts.part.includes('inbox')) await benchInbox(wrk, setup, database.target, opts, lines);
        } finally {
          await probe.close();
        }
      } finally {
        await node?.server.stop();
        await database.drop();
      }
      if (opts.cpuProf && opts.part.includes('add')) {
        writeFileSync(join(opts.cpuProf, `windows-${dialect}.json`), JSON.stringify(windows));
        for (const load of ['saturated', ...PACED_SHARES.map((share) => `paced${Math.round(share * 100)}`)]) {
          log(`profile, ${load}:`);
          for (const line of profileBreakdown(opts.cpuProf, [`none-${load}`, `hook-${load}`])) log(line);
        }
      }
    }
  } finally {
    pg?.cluster.stop();
  }
  lines.push('', commandLine('bench/message-center.ts'));
  console.log(lines.join('\n'));
}

await main();
