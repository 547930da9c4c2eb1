import { BROWSER_UA, FORM, OK } from './common.ts';
import { randomBytes } from 'node:crypto';
import { signWbi } from '../../src/domain/wbi.ts';
import { timeOffset } from '../../src/domain/reply-cursor.ts';
import { FLOOR_USERS, floorUser } from './floor.ts';
import type { RequestSpec } from './load.ts';
import type { BenchArchive, BenchUser } from './replay.ts';
import type { SeededArea } from './seed-comments.ts';
import { WALINE_UA } from './waline.ts';

export type SystemName = 'hello' | 'floor' | 'waline' | 'sqlite' | 'postgres';

export interface Scenario {
  /** `<system>/<name>`, what `--scenario` matches. */
  id: string;
  system: SystemName;
  /** What is measured, for the report. */
  title: string;
  /** Method and path as the report shows them. */
  request: string;
  /** A successful answer starts with this. */
  okPrefix: string;
  /** The requests wrk rotates through; built just before each load run. */
  build(): RequestSpec[];
}

/** Everything a Replay scenario addresses, set up per database. */
export interface ReplayFixture {
  users: BenchUser[];
  archives: BenchArchive[];
  /** Seeded list areas by size label ('1k', '100k', '1m'), smallest first. */
  areas: { label: string; area: SeededArea }[];
  /** The area reply/add writes to (seeded too, so a quarter of the posts can answer existing roots). */
  writeArea: SeededArea;
  wbi: { imgKey: string; subKey: string };
}

/** How many distinct requests each Replay scenario cycles through (users × objects). */
const VARIANTS = 1024;

/** A form body for wrk's Lua script. */
export function form(params: Record<string, string | number>): string {
  // `{n}` must reach wrk unescaped: it is the placeholder of the per-request unique token.
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]))
    .toString()
    .replaceAll('%7Bn%7D', '{n}');
}

function query(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

function browser(user: { cookie: string }, referer: string): Record<string, string> {
  return {
    Cookie: user.cookie,
    'User-Agent': BROWSER_UA,
    Referer: referer,
    Origin: 'https://www.bilibili.com',
  };
}

const variants = <T>(make: (i: number) => T): T[] => Array.from({ length: VARIANTS }, (_, i) => make(i));

/** One point of a web player session, as its heartbeat reports it. */
export interface HeartbeatPoint {
  video: { aid: number; cid: number; duration: number };
  /** Seconds played so far. */
  played: number;
  session: string;
  /** 1 starts a play, 0 continues it. */
  playType?: number;
  /** The signed-in viewer (`mid` field and csrf); absent for an anonymous viewer. */
  user?: { mid: number; csrf: string };
}

/** The web player's heartbeat form body at one point of a session (every bench sends this shape). */
export function playerHeartbeatForm(point: HeartbeatPoint): string {
  const { video, played, user } = point;
  return form({
    aid: video.aid,
    cid: video.cid,
    ...(user ? { mid: user.mid } : {}),
    played_time: played,
    realtime: played,
    real_played_time: played,
    refer_url: 'https://www.bilibili.com/',
    quality: 80,
    video_duration: video.duration,
    last_play_progress_time: played,
    max_play_progress_time: played,
    start_ts: Math.floor(Date.now() / 1000) - played,
    type: 3,
    sub_type: 0,
    dt: 2,
    outer: 0,
    spmid: '333.788.0.0',
    from_spmid: '333.1007.tianma.1-1-1.click',
    session: point.session,
    extra: '{"player_version":"4.8.36"}',
    play_type: point.playType ?? 0,
    ...(user ? { csrf: user.csrf } : {}),
  });
}

/** The heartbeat of request variant `i` (the same for Replay and the POST floor). */
export function heartbeatForm(
  i: number,
  video: { aid: number; cid: number; duration: number },
  user: { mid: number; csrf: string },
): string {
  const played = (i * 15) % video.duration;
  return playerHeartbeatForm({ video, played, session: randomBytes(16).toString('hex'), user });
}

/** 1,024 web player heartbeats of the bench users over the bench archives (the feature benches' load). */
export function benchHeartbeats(users: BenchUser[], archives: BenchArchive[]): RequestSpec[] {
  return Array.from({ length: 1024 }, (_, i) => {
    const user = users[i % users.length]!;
    const archive = archives[i % archives.length]!;
    return {
      method: 'POST',
      path: '/x/click-interface/web/heartbeat',
      headers: {
        Cookie: user.cookie,
        'User-Agent': BROWSER_UA,
        Referer: `https://www.bilibili.com/video/${archive.bvid}`,
        Origin: 'https://www.bilibili.com',
        'Content-Type': FORM,
      },
      body: heartbeatForm(
        i,
        { aid: archive.aid, cid: archive.cids[i % archive.cids.length]!, duration: archive.duration },
        user,
      ),
    };
  });
}

export function replayScenarios(
  system: 'sqlite' | 'postgres',
  areaLabels: readonly string[],
  fixture: () => ReplayFixture,
): Scenario[] {
  const f = fixture;
  const user = (i: number) => f().users[i % f().users.length]!;
  const list: Scenario[] = [
    {
      id: `${system}/nav`,
      system,
      title: 'nav (signed in, Cookie)',
      request: 'GET /x/web-interface/nav',
      okPrefix: OK,
      build: () =>
        variants((i) => ({
          method: 'GET',
          path: '/x/web-interface/nav',
          headers: browser(user(i), 'https://www.bilibili.com/'),
        })),
    },
    {
      id: `${system}/heartbeat`,
      system,
      title: 'web player heartbeat (Cookie + csrf, full player body)',
      request: 'POST /x/click-interface/web/heartbeat',
      okPrefix: OK,
      build: () =>
        variants((i) => {
          const u = user(i);
          const a = f().archives[(i * 7) % f().archives.length]!;
          return {
            method: 'POST',
            path: '/x/click-interface/web/heartbeat',
            headers: { ...browser(u, `https://www.bilibili.com/video/${a.bvid}`), 'Content-Type': FORM },
            body: heartbeatForm(i, { aid: a.aid, cid: a.cids[i % a.cids.length]!, duration: a.duration }, u),
          };
        }),
    },
    {
      id: `${system}/history-report`,
      system,
      title: 'progress report (half web Cookie + csrf, half APP access_key)',
      request: 'POST /x/v2/history/report',
      okPrefix: OK,
      build: () =>
        variants((i) => {
          const u = user(i);
          const a = f().archives[(i * 11) % f().archives.length]!;
          const common = { aid: a.aid, cid: a.cids[i % a.cids.length]!, progress: (i * 37) % a.duration };
          return i % 2 === 0
            ? {
                method: 'POST',
                path: '/x/v2/history/report',
                headers: { ...browser(u, `https://www.bilibili.com/video/${a.bvid}`), 'Content-Type': FORM },
                body: form({ ...common, platform: 'web', csrf: u.csrf }),
              }
            : {
                method: 'POST',
                path: '/x/v2/history/report',
                headers: { 'User-Agent': 'Bilibili Freedoooooom/MarkII', 'Content-Type': FORM },
                body: form({ access_key: u.accessKey, ...common, platform: 'android' }),
              };
        }),
    },
    {
      id: `${system}/reply-add`,
      system,
      title: 'post a comment (3/4 level-1, 1/4 replies to existing roots; with an emote)',
      request: 'POST /x/v2/reply/add',
      okPrefix: OK,
      build: () =>
        variants((i) => {
          const u = user(i);
          const w = f().writeArea;
          // Ordinary roots of a seeded area are rpidBase + 1 … rpidBase + roots − 1.
          const root = i % 4 === 3 ? w.rpidBase + 1 + ((i * 13) % (w.roots - 1)) : 0;
          return {
            method: 'POST',
            path: '/x/v2/reply/add',
            headers: { ...browser(u, 'https://www.bilibili.com/video/'), 'Content-Type': FORM },
            body: form({
              type: w.type,
              oid: w.oid,
              ...(root ? { root, parent: root } : {}),
              message: `第{n}条：UP主辛苦了[微笑] 这期讲得真清楚，收藏了`,
              plat: 1,
              csrf: u.csrf,
            }),
          };
        }),
    },
  ];
  for (const label of areaLabels) {
    const area = () => {
      const found = f().areas.find((a) => a.label === label);
      if (!found) throw new Error(`no seeded ${label} area`);
      return found.area;
    };
    list.push({
      id: `${system}/reply-page1-${label}`,
      system,
      title: `comment list page 1 (20 roots with previews, hots), ${label}-comment area`,
      request: 'GET /x/v2/reply?type=1&oid=…&sort=0&ps=20&pn=1',
      okPrefix: OK,
      build: () =>
        variants((i) => ({
          method: 'GET',
          path: `/x/v2/reply?${query({ type: area().type, oid: area().oid, sort: 0, ps: 20, pn: 1 })}`,
          headers: browser(user(i), 'https://www.bilibili.com/video/'),
        })),
    });
    list.push({
      id: `${system}/reply-deep-${label}`,
      system,
      title: `comment list by time, deep cursor (the oldest tenth of the area), ${label}-comment area`,
      request: 'GET /x/v2/reply/wbi/main?mode=2&pagination_str={…cursor…}&w_rid=…',
      okPrefix: OK,
      build: () =>
        variants((i) => {
          const a = area();
          const span = Math.max(1, Math.floor(a.roots / 10) - 21);
          const cursor = 21 + ((i * 7919) % span);
          const signed = signWbi(
            {
              oid: a.oid,
              type: a.type,
              mode: 2,
              pagination_str: JSON.stringify({ offset: timeOffset(cursor, true) }),
              plat: 1,
              web_location: 1315875,
            },
            f().wbi.imgKey,
            f().wbi.subKey,
          );
          return {
            method: 'GET',
            path: `/x/v2/reply/wbi/main?${query(signed)}`,
            headers: browser(user(i), 'https://www.bilibili.com/video/'),
          };
        }),
    });
  }
  list.push({
    id: `${system}/reply-reply`,
    system,
    title: 'replies under one root, pages 1–5 of a busy thread in the largest area',
    request: 'GET /x/v2/reply/reply?type=1&oid=…&root=…&ps=20&pn=1..5',
    okPrefix: OK,
    build: () =>
      variants((i) => {
        const a = f().areas[f().areas.length - 1]!.area;
        return {
          method: 'GET',
          path: `/x/v2/reply/reply?${query({ type: a.type, oid: a.oid, root: a.busyRoot, ps: 20, pn: 1 + (i % 5) })}`,
          headers: browser(user(i), 'https://www.bilibili.com/video/'),
        };
      }),
  });
  return list;
}

export const HELLO_SCENARIO: Scenario = {
  id: 'hello/json',
  system: 'hello',
  title: 'bare Fastify hello-world JSON (the ceiling)',
  request: 'GET /',
  okPrefix: '{"hello":"world"}',
  build: () => [{ method: 'GET', path: '/' }],
};

/** The floor reference server (bench/servers/floor.ts): a POST like the heartbeat, a GET like nav. */
export const FLOOR_POST_SCENARIO: Scenario = {
  id: 'floor/post',
  system: 'floor',
  title:
    'the POST floor: Fastify + formbody + cookie, session from a Map by SESSDATA, csrf compared, the heartbeat form body schema-validated, `{code:0,message:"0",ttl:1}` from a response schema',
  request: 'POST /x/click-interface/web/heartbeat',
  okPrefix: OK,
  build: () =>
    variants((i) => {
      const u = floorUser(i % FLOOR_USERS);
      const aid = 1_000_000 + ((i * 7) % 64);
      return {
        method: 'POST',
        path: '/x/click-interface/web/heartbeat',
        headers: { ...browser(u, `https://www.bilibili.com/video/av${aid}`), 'Content-Type': FORM },
        body: heartbeatForm(i, { aid, cid: aid * 10 + (i % 3), duration: 600 }, u),
      };
    }),
};

export const FLOOR_GET_SCENARIO: Scenario = {
  id: 'floor/get',
  system: 'floor',
  title:
    'the GET floor: Fastify + cookie, session from a Map by SESSDATA, a nav-like object (~2 KB) built per request and serialised from a response schema',
  request: 'GET /x/web-interface/nav',
  okPrefix: OK,
  build: () =>
    variants((i) => ({
      method: 'GET',
      path: '/x/web-interface/nav',
      headers: browser(floorUser(i % FLOOR_USERS), 'https://www.bilibili.com/'),
    })),
};

export const WALINE_LIST_PATH = '/bench/area-1k';
export const WALINE_POST_PATH = '/bench/post';

export function walineScenarios(): Scenario[] {
  const headers = (k: number) => ({
    'User-Agent': WALINE_UA,
    Referer: 'http://127.0.0.1/bench/',
    // Waline runs behind a proxy (`proxy: true`): the client address comes from X-Forwarded-For.
    'X-Forwarded-For': `10.1.${(k >> 8) & 255}.${k & 255}`,
  });
  return [
    {
      id: 'waline/comment-post',
      system: 'waline',
      title: 'Waline: post a comment (anonymous, distinct nick/mail/address)',
      request: 'POST /api/comment (JSON)',
      okPrefix: '{"errno":0,',
      build: () =>
        variants((i) => ({
          method: 'POST',
          path: '/api/comment?lang=zh-CN',
          headers: { ...headers(i % 500), 'Content-Type': 'application/json' },
          body: JSON.stringify({
            comment: `第{n}条：UP主辛苦了 这期讲得真清楚，收藏了`,
            nick: `u${i % 500}`,
            mail: `u${i % 500}@example.com`,
            link: '',
            ua: WALINE_UA,
            url: WALINE_POST_PATH,
          }),
        })),
    },
    {
      id: 'waline/comment-list',
      system: 'waline',
      title: 'Waline: comment list page 1 (20 roots with their replies), 1k-comment page',
      request: `GET /api/comment?path=${WALINE_LIST_PATH}&page=1&pageSize=20&sortBy=insertedAt_desc`,
      okPrefix: '{"errno":0,',
      build: () =>
        variants((i) => ({
          method: 'GET',
          path: `/api/comment?${query({ path: WALINE_LIST_PATH, page: 1, pageSize: 20, sortBy: 'insertedAt_desc', lang: 'zh-CN' })}`,
          headers: headers(i % 500),
        })),
    },
  ];
}
