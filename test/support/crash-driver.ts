import { createAdminClient, createClient } from '../../src/client/index.ts';
import type { BiliClient, BiliEnvelope } from '../../src/client/index.ts';
import { ADMIN_TOKEN } from './harness.ts';
import type { StoreSnapshot } from './store-invariants.ts';

/**
 * The load of the crash-consistency test (RELIABILITY.md): every actor is one user sending one request at a
 * time (comments, replies, likes and dislikes, reports, deletes, pins, heartbeats, history reports), and the
 * ledger remembers what each ACKNOWLEDGED write (code 0) implies. A request that got no answer (the server
 * was killed under it) may have committed or not: the ledger keeps both outcomes possible. After a restart
 * `check` compares the database with the ledger.
 *
 * Because an actor's requests are sequential, "the latest acknowledged state" of a key it alone writes (its
 * vote on a comment, its progress in an archive) is well defined; what other actors do to the same rows
 * (deleting a comment unpins it and hides its thread) is allowed for explicitly.
 */

export interface Actor {
  index: number;
  mid: number;
  uname: string;
  cookie: string;
  /** Owns every area: pins, and may delete anyone's comment. */
  owner: boolean;
}

export interface Fixture {
  actors: Actor[];
  archives: { aid: number; cids: number[] }[];
}

/** Users (the first is the uploader), their sessions and the archives (each is a comment area). */
export async function createFixture(url: string, users: number, archives: number): Promise<Fixture> {
  const admin = createAdminClient({ baseUrl: url, token: ADMIN_TOKEN });
  const actors: Actor[] = [];
  for (let index = 0; index < users; index++) {
    const uname = index === 0 ? 'crash_owner' : `crash_user_${index}`;
    const user = await admin.createUser({ uname });
    const session = await admin.issueSession(user.mid);
    actors.push({ index, mid: user.mid, uname, cookie: session.cookie_header, owner: index === 0 });
  }
  const list: Fixture['archives'] = [];
  for (let i = 0; i < archives; i++) {
    const archive = await admin.createArchive({
      title: `crash consistency ${i}`,
      owner_mid: actors[0]!.mid,
      pages: [
        { part: 'P1', duration: 86_400 },
        { part: 'P2', duration: 86_400 },
      ],
    });
    list.push({ aid: archive.aid, cids: archive.pages.map((p) => p.cid) });
  }
  return { actors, archives: list };
}

/** A small seeded generator, so that a failing run can be told apart by its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WRITE_KINDS = [
  'root',
  'reply',
  'vote',
  'report',
  'delete',
  'pin',
  'heartbeat',
  'history',
] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

/** How often each actor picks each write; the owner alone pins. */
const WEIGHTS: Record<WriteKind, number> = {
  root: 14,
  reply: 16,
  vote: 22,
  report: 5,
  delete: 5,
  pin: 0,
  heartbeat: 14,
  history: 14,
};
const OWNER_PIN_WEIGHT = 12;

/** A request the server does not answer within this long counts as a hang (a failure), not as a kill. */
const REQUEST_TIMEOUT_MS = 20_000;

const TOKEN = /\bk\d+n\d+\b/;

interface SentComment {
  token: string;
  mid: number;
  oid: number;
  root: number;
  parent: number;
  acked?: { rpid: number; message: string };
}

interface KnownComment {
  rpid: number;
  mid: number;
  oid: number;
  root: number;
}

interface Progress {
  next: number;
  /** Highest acknowledged position (positions only grow, one request at a time). */
  acked: number;
  /** Every position sent → the part (cid) it was sent with. */
  sent: Map<number, number>;
}

const VOTE_NONE = 0;

/** The vote a user has after `kind`/`action`, from the one it had (DESIGN.md §4 "Votes"). */
function applyVote(current: number, kind: 'like' | 'hate', action: 0 | 1): number {
  const mine = kind === 'like' ? 1 : 2;
  if (action === 1) return mine;
  return current === mine ? VOTE_NONE : current;
}

export class CrashLoad {
  private readonly comments = new Map<string, SentComment>();
  private readonly known: KnownComment[] = [];
  /** `${mid}:${rpid}` → the votes the database may hold (0 none, 1 like, 2 dislike). */
  private readonly votes = new Map<string, Set<number>>();
  private readonly deleteSent = new Set<number>();
  private readonly deleteAcked = new Set<number>();
  /** area oid → the rpids that may be pinned (0: none). */
  private readonly pins = new Map<number, Set<number>>();
  private readonly reportsSent = new Set<string>();
  private readonly reportsAcked = new Set<string>();
  /** `${mid}:${aid}` → history position. */
  private readonly progress = new Map<string, Progress>();
  /** `${mid}\0${session}` → heartbeats acknowledged and sent. */
  private readonly sessions = new Map<string, { acked: number; sent: number }>();
  private readonly playsAcked = new Set<string>();
  private seq = 0;
  private phase = 0;

  /** Answers no request should ever get (a 5xx, a -500, a code outside the action's documented ones). */
  readonly unexpected: string[] = [];
  readonly acked: Record<WriteKind, number> = {
    root: 0,
    reply: 0,
    vote: 0,
    report: 0,
    delete: 0,
    pin: 0,
    heartbeat: 0,
    history: 0,
  };
  /** Requests that got no answer because the server died under them. */
  unanswered = 0;
  /**
   * Set while the server drains after SIGTERM: Fastify then refuses new requests with a plain HTTP 503
   * before routing them (nothing is written), which counts here instead of as unexpected.
   */
  draining = false;
  refusedWhileClosing = 0;

  constructor(
    private readonly fixture: Fixture,
    private readonly seed: number,
  ) {}

  get ackedTotal(): number {
    return Object.values(this.acked).reduce((a, b) => a + b, 0);
  }

  /**
   * Runs every actor until `stopped()` or until the server stops answering. With several node URLs each
   * request goes to a random node (an actor's requests stay sequential, so the ledger stays exact).
   */
  async runPhase(urls: readonly string[], stopped: () => boolean): Promise<void> {
    this.phase++;
    const startTs = Math.floor(Date.now() / 1000);
    await Promise.all(
      this.fixture.actors.map(async (actor) => {
        const rng = mulberry32(this.seed ^ Math.imul(actor.index + 1, 0x9e3779b1) ^ (this.phase << 20));
        const clients = urls.map((baseUrl) =>
          createClient({
            baseUrl,
            cookies: actor.cookie,
            fetch: (input, init) =>
              fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
          }),
        );
        while (!stopped()) {
          if (!(await this.step(actor, pick(rng, clients), rng, startTs))) return;
        }
      }),
    );
  }

  /** One write; false when the server did not answer (it is gone). */
  private step(actor: Actor, client: BiliClient, rng: () => number, startTs: number): Promise<boolean> {
    const weights = { ...WEIGHTS, pin: actor.owner ? OWNER_PIN_WEIGHT : 0 };
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    let roll = rng() * total;
    let kind: WriteKind = 'root';
    for (const k of WRITE_KINDS) {
      roll -= weights[k];
      if (roll < 0) {
        kind = k;
        break;
      }
    }
    switch (kind) {
      case 'root':
        return this.comment(actor, client, rng, null);
      case 'reply': {
        const target = this.liveTarget(rng, () => true);
        return this.comment(actor, client, rng, target);
      }
      case 'vote':
        return this.vote(actor, client, rng);
      case 'report':
        return this.report(actor, client, rng);
      case 'delete':
        return this.del(actor, client, rng);
      case 'pin':
        return this.pin(client, rng);
      case 'heartbeat':
        return this.watch(actor, client, rng, startTs, 'heartbeat');
      case 'history':
        return this.watch(actor, client, rng, startTs, 'history');
    }
  }

  // --- writes --------------------------------------------------------------------------------------

  private async comment(
    actor: Actor,
    client: BiliClient,
    rng: () => number,
    target: KnownComment | null,
  ): Promise<boolean> {
    const oid = target ? target.oid : pick(rng, this.fixture.archives).aid;
    const token = `k${actor.index}n${++this.seq}`;
    const root = target ? target.root || target.rpid : 0;
    const parent = target ? target.rpid : 0;
    const sent: SentComment = { token, mid: actor.mid, oid, root, parent };
    this.comments.set(token, sent);
    const message = `crash ${token} ${target ? 'reply' : 'comment'} by ${actor.uname}`;
    const body = await this.call(`add ${token}`, () =>
      client.reply.add({ type: 1, oid, message, ...(target ? { root, parent } : {}) }),
    );
    if (!body) return false;
    if (this.settle(target ? 'reply' : 'root', `add ${token}`, body, target ? [12006] : [])) {
      const data = body.data!;
      sent.acked = { rpid: data.rpid, message: data.reply?.content.message ?? '' };
      this.known.push({ rpid: data.rpid, mid: actor.mid, oid, root });
    }
    return true;
  }

  private async vote(actor: Actor, client: BiliClient, rng: () => number): Promise<boolean> {
    const target = this.liveTarget(rng, () => true);
    if (!target) return this.comment(actor, client, rng, null);
    const kind = rng() < 0.5 ? 'like' : 'hate';
    const action: 0 | 1 = rng() < 0.7 ? 1 : 0;
    const key = `${actor.mid}:${target.rpid}`;
    const before = this.votes.get(key) ?? new Set([VOTE_NONE]);
    const after = new Set([...before].map((v) => applyVote(v, kind, action)));
    this.votes.set(key, before);
    const params = { type: 1, oid: target.oid, rpid: target.rpid, action };
    const what = `${kind} ${action} on ${target.rpid} by ${actor.mid}`;
    const body = await this.call(what, () =>
      kind === 'like' ? client.reply.like(params) : client.reply.hate(params),
    );
    if (!body) {
      this.votes.set(key, new Set([...before, ...after]));
      return false;
    }
    if (this.settle('vote', what, body, [12006])) this.votes.set(key, after);
    return true;
  }

  private async report(actor: Actor, client: BiliClient, rng: () => number): Promise<boolean> {
    const target = this.liveTarget(rng, (c) => !this.reportsSent.has(`${actor.mid}:${c.rpid}`));
    if (!target) return this.comment(actor, client, rng, null);
    const key = `${actor.mid}:${target.rpid}`;
    this.reportsSent.add(key);
    const what = `report ${target.rpid} by ${actor.mid}`;
    const body = await this.call(what, () =>
      client.reply.report({
        type: 1,
        oid: target.oid,
        rpid: target.rpid,
        reason: 1 + Math.floor(rng() * 17),
      }),
    );
    if (!body) return false;
    // Each report is sent once, so 12008 (already reported) would mean a write appeared from nowhere.
    if (this.settle('report', what, body, [12006])) this.reportsAcked.add(key);
    return true;
  }

  private async del(actor: Actor, client: BiliClient, rng: () => number): Promise<boolean> {
    const othersToo = actor.owner && rng() < 0.4;
    const target = this.liveTarget(rng, (c) => othersToo || c.mid === actor.mid);
    if (!target) return this.comment(actor, client, rng, null);
    this.deleteSent.add(target.rpid);
    const what = `delete ${target.rpid} by ${actor.mid}`;
    const body = await this.call(what, () =>
      client.reply.del({ type: 1, oid: target.oid, rpid: target.rpid }),
    );
    if (!body) return false;
    // 12022: already deleted, with its thread's root by someone else.
    if (this.settle('delete', what, body, [12022])) this.deleteAcked.add(target.rpid);
    return true;
  }

  private async pin(client: BiliClient, rng: () => number): Promise<boolean> {
    const area = pick(rng, this.fixture.archives).aid;
    const before = this.pins.get(area) ?? new Set([0]);
    const pinned = [...before].filter((r) => r !== 0);
    let rpid: number;
    let action: 0 | 1;
    if (pinned.length > 0 && rng() < 0.35) {
      rpid = pick(rng, pinned);
      action = 0;
    } else {
      const root = this.liveTarget(rng, (c) => c.root === 0 && c.oid === area);
      if (!root) return true;
      rpid = root.rpid;
      action = 1;
    }
    const after = action === 1 ? new Set([rpid]) : new Set([...before].map((r) => (r === rpid ? 0 : r)));
    this.pins.set(area, before);
    const what = `pin ${action} ${rpid}`;
    const body = await this.call(what, () => client.reply.top({ type: 1, oid: area, rpid, action }));
    if (!body) {
      this.pins.set(area, new Set([...before, ...after]));
      return false;
    }
    // 12006: deleted meanwhile; 12029: another comment is pinned (ours was not).
    if (this.settle('pin', what, body, [12006, 12029])) this.pins.set(area, after);
    return true;
  }

  private async watch(
    actor: Actor,
    client: BiliClient,
    rng: () => number,
    startTs: number,
    kind: 'heartbeat' | 'history',
  ): Promise<boolean> {
    const archive = pick(rng, this.fixture.archives);
    const cid = pick(rng, archive.cids);
    const key = `${actor.mid}:${archive.aid}`;
    const progress = this.progress.get(key) ?? { next: 0, acked: 0, sent: new Map<number, number>() };
    this.progress.set(key, progress);
    const position = ++progress.next;
    progress.sent.set(position, cid);
    const what = `${kind} ${key} at ${position}`;
    if (kind === 'history') {
      const body = await this.call(what, () =>
        client.history.report({ aid: archive.aid, cid, progress: position }),
      );
      if (!body) return false;
      if (this.settle('history', what, body, [])) progress.acked = Math.max(progress.acked, position);
      return true;
    }
    const session = `c${actor.index}p${this.phase}a${archive.aid}`;
    const sessionKey = `${actor.mid}\u0000${session}`;
    const counts = this.sessions.get(sessionKey) ?? { acked: 0, sent: 0 };
    this.sessions.set(sessionKey, counts);
    const first = counts.sent === 0;
    counts.sent++;
    const body = await this.call(what, () =>
      client.history.heartbeat({
        aid: archive.aid,
        cid,
        played_time: position,
        realtime: position,
        real_played_time: position,
        start_ts: startTs,
        session,
        play_type: first ? 1 : 0,
        dt: 2,
      }),
    );
    if (!body) return false;
    if (this.settle('heartbeat', what, body, [])) {
      progress.acked = Math.max(progress.acked, position);
      counts.acked++;
      if (first) this.playsAcked.add(key);
    }
    return true;
  }

  // --- plumbing ------------------------------------------------------------------------------------

  private async call<T>(
    what: string,
    request: () => Promise<BiliEnvelope<T>>,
  ): Promise<BiliEnvelope<T> | null> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        this.unexpected.push(`${what}: no answer in ${REQUEST_TIMEOUT_MS} ms`);
      }
      this.unanswered++;
      return null;
    }
  }

  /** True on code 0; any code outside `allowed` is recorded as unexpected. */
  private settle(kind: WriteKind, what: string, body: BiliEnvelope, allowed: number[]): boolean {
    if (body.code === 0) {
      this.acked[kind]++;
      return true;
    }
    if (this.draining && (body as { statusCode?: unknown }).statusCode === 503) {
      this.refusedWhileClosing++;
      return false;
    }
    if (!allowed.includes(body.code)) this.unexpected.push(`${what}: code ${body.code} ${body.message}`);
    return false;
  }

  /** A random acknowledged comment that, as far as anyone here knows, is still visible. */
  private liveTarget(rng: () => number, accept: (c: KnownComment) => boolean): KnownComment | null {
    for (let attempt = 0; attempt < 12 && this.known.length > 0; attempt++) {
      const c = this.known[Math.floor(rng() * this.known.length)]!;
      if (!this.deleteSent.has(c.rpid) && !this.deleteSent.has(c.root) && accept(c)) return c;
    }
    return null;
  }

  // --- the check -----------------------------------------------------------------------------------

  /** Differences between the database and what was acknowledged; [] when every promise was kept. */
  check(s: StoreSnapshot): string[] {
    const problems: string[] = [];
    const byRpid = new Map(s.replies.map((r) => [r.rpid, r]));

    // Comments: each acknowledged one is there as answered; every stored one was sent, once.
    const seen = new Map<string, number>();
    for (const row of s.replies) {
      const token = TOKEN.exec(row.message)?.[0];
      const sent = token === undefined ? undefined : this.comments.get(token);
      if (!token || !sent) {
        problems.push(`comment ${row.rpid} ("${row.message}") was never sent`);
        continue;
      }
      if (seen.has(token)) problems.push(`${token} stored twice: ${seen.get(token)} and ${row.rpid}`);
      seen.set(token, row.rpid);
      if (
        row.mid !== sent.mid ||
        row.oid !== sent.oid ||
        row.root !== sent.root ||
        row.parent !== sent.parent
      ) {
        problems.push(
          `${token} (${row.rpid}) stored as mid ${row.mid} oid ${row.oid} root ${row.root} parent ${row.parent}, sent as ${sent.mid}/${sent.oid}/${sent.root}/${sent.parent}`,
        );
      }
      if (sent.acked && sent.acked.rpid !== row.rpid) {
        problems.push(`${token} acknowledged as ${sent.acked.rpid} but stored as ${row.rpid}`);
      }
      const root = row.root || row.rpid;
      const mustBeDeleted = this.deleteAcked.has(row.rpid) || this.deleteAcked.has(root);
      const mayBeDeleted = mustBeDeleted || this.deleteSent.has(row.rpid) || this.deleteSent.has(root);
      if (mustBeDeleted && row.state !== 1) problems.push(`${token} (${row.rpid}): acknowledged delete lost`);
      if (!mayBeDeleted && row.state !== 0)
        problems.push(`${token} (${row.rpid}): deleted, but no delete was sent`);
    }
    for (const sent of this.comments.values()) {
      if (!sent.acked) continue;
      const row = byRpid.get(sent.acked.rpid);
      if (!row) problems.push(`${sent.token}: acknowledged comment ${sent.acked.rpid} is missing`);
      else if (row.message !== sent.acked.message) {
        problems.push(`${sent.token}: message "${row.message}", acknowledged "${sent.acked.message}"`);
      }
    }

    // Votes: the stored vote of each (user, comment) is one the acknowledged history allows.
    const stored = new Map(s.votes.map((v) => [`${v.mid}:${v.rpid}`, v.value]));
    for (const [key, value] of stored) {
      const possible = this.votes.get(key);
      if (!possible) problems.push(`vote ${key} = ${value} was never sent`);
      else if (!possible.has(value))
        problems.push(`vote ${key} = ${value}, expected one of ${[...possible].join('/')}`);
    }
    for (const [key, possible] of this.votes) {
      if (!stored.has(key) && !possible.has(VOTE_NONE)) {
        problems.push(`vote ${key} missing, expected one of ${[...possible].join('/')}`);
      }
    }

    // Pins: the pinned comment is one an acknowledged (or unanswered) pin named, or none when every
    // comment that may be pinned has been deleted since.
    for (const { aid } of this.fixture.archives) {
      const possible = this.pins.get(aid) ?? new Set([0]);
      const pinned = s.replies.filter((r) => r.oid === aid && r.pinned === 1).map((r) => r.rpid);
      for (const rpid of pinned) {
        if (!possible.has(rpid))
          problems.push(`area ${aid}: ${rpid} pinned, expected one of ${[...possible].join('/')}`);
      }
      if (pinned.length === 0 && !possible.has(0)) {
        const stillVisible = [...possible].filter((rpid) => byRpid.get(rpid)?.state === 0);
        if (stillVisible.length > 0)
          problems.push(`area ${aid}: acknowledged pin of ${stillVisible.join('/')} lost`);
      }
    }

    // Reports: acknowledged ones are stored; stored ones were sent.
    const reports = new Set(s.reports.map((r) => `${r.mid}:${r.rpid}`));
    for (const key of this.reportsAcked)
      if (!reports.has(key)) problems.push(`acknowledged report ${key} lost`);
    for (const key of reports) if (!this.reportsSent.has(key)) problems.push(`report ${key} was never sent`);

    // History: the stored position is at least the last acknowledged one, is one that was sent, and has
    // the part it was sent with (the row is never a mix of two reports).
    const history = new Map(s.history.map((h) => [`${h.mid}:${h.kid}`, h]));
    for (const [key, row] of history) {
      const progress = this.progress.get(key);
      if (row.business !== 'archive') problems.push(`history ${key}: business ${row.business}`);
      if (!progress) {
        problems.push(`history ${key} was never reported`);
        continue;
      }
      if (row.progress < progress.acked) {
        problems.push(`history ${key}: progress ${row.progress}, acknowledged ${progress.acked}`);
      }
      const cid = progress.sent.get(row.progress);
      if (cid === undefined) problems.push(`history ${key}: progress ${row.progress} was never sent`);
      else if (row.cid !== cid)
        problems.push(
          `history ${key}: progress ${row.progress} stored with cid ${row.cid}, sent with ${cid}`,
        );
    }
    for (const [key, progress] of this.progress) {
      if (progress.acked > 0 && !history.has(key))
        problems.push(`history ${key}: acknowledged entry missing`);
    }

    // Play sessions: between the acknowledged and the sent number of heartbeats.
    const sessions = new Map(s.sessions.map((w) => [`${w.mid}\u0000${w.session_key}`, w]));
    for (const [key, row] of sessions) {
      const counts = this.sessions.get(key);
      if (!counts) problems.push(`play session ${key.replace('\u0000', ' ')} was never sent`);
      else if (row.heartbeats < counts.acked || row.heartbeats > counts.sent) {
        problems.push(
          `play session ${key.replace('\u0000', ' ')}: ${row.heartbeats} heartbeats, ${counts.acked} acknowledged of ${counts.sent} sent`,
        );
      }
    }
    for (const [key, counts] of this.sessions) {
      if (counts.acked > 0 && !sessions.has(key))
        problems.push(`play session ${key.replace('\u0000', ' ')} missing`);
    }
    const plays = new Set(s.plays.map((p) => `${p.viewer}:${p.aid}`));
    for (const key of this.playsAcked) {
      if (!plays.has(`m:${key}`)) problems.push(`acknowledged play ${key} not counted`);
    }
    return problems;
  }

  /** What was checked, for the test log and RELIABILITY.md. */
  summary(): Record<string, number> {
    return {
      ...this.acked,
      acknowledged: this.ackedTotal,
      unanswered: this.unanswered,
      refusedWhileClosing: this.refusedWhileClosing,
      commentsAcked: [...this.comments.values()].filter((c) => c.acked).length,
      voteKeys: this.votes.size,
      historyKeys: this.progress.size,
      sessions: this.sessions.size,
    };
  }
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]!;
}
