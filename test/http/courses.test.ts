import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { HistoryList, PlayerData } from '../../src/wire/history.schema.ts';
import { CourseSeasonData } from '../../src/wire/season.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const OK = { code: 0, message: '0', ttl: 1 };

/** The community docs' course example: ss61, lessons ep790/795/797 on av76973173/77114885/77120689. */
const COURSE = {
  season_id: 61,
  title: '唐盾：0-N4日语精讲',
  cover: 'https://img.example/ss61.jpg',
  desc: '从零开始的日语课',
  total: 66,
  lessons: [
    { epid: 790, aid: 76973173, cid: 132105993, title: '一起从0基础学日语吧', duration: 2223 },
    { epid: 795, aid: 77114885, cid: 132110244, title: '50音あ行假名', duration: 3003 },
    { epid: 797, aid: 77120689, cid: 131913553, title: '50音图的か行、さ行、た行假名', duration: 3253 },
  ],
};

describe.each(dialects())('course lessons: watch reporting and history (%s)', (dialect) => {
  let s: TestServer;
  let teacher: number;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    teacher = (await s.signedIn('course-teacher', { sign: '日语老师', face: 'https://img.example/t.png' }))
      .mid;
    for (const l of COURSE.lessons) {
      await s.admin.createArchive({
        aid: l.aid,
        title: l.title,
        owner_mid: teacher,
        cover: `https://img.example/ep${l.epid}.jpg`,
        pages: [{ cid: l.cid, part: l.title, duration: l.duration }],
      });
    }
    const created = await s.admin.seasons.createCourse({
      season_id: COURSE.season_id,
      title: COURSE.title,
      cover: COURSE.cover,
      desc: COURSE.desc,
      total: COURSE.total,
      lessons: COURSE.lessons.map((l) => ({ epid: l.epid, aid: l.aid })),
    });
    expect(created).toMatchObject({
      business: 'cheese',
      badge: '课程',
      sub_type: 0,
      new_desc: '更新至第3课',
      episodes: COURSE.lessons.map((l, i) => ({ epid: l.epid, index: i + 1, title: l.title, cid: l.cid })),
    });
  });
  afterAll(async () => s.close());

  const lesson2 = COURSE.lessons[1]!;
  const now = () => Math.floor(s.clock.nowMs() / 1000);
  const lessonBeat = (at: number) => ({
    aid: lesson2.aid,
    cid: lesson2.cid,
    epid: lesson2.epid,
    sid: COURSE.season_id,
    type: 10,
    sub_type: 0,
    played_time: at,
    realtime: at,
    real_played_time: at,
    video_duration: lesson2.duration,
    start_ts: now() - at,
    dt: 2,
    play_type: 0 as const,
  });

  it('a type 10 heartbeat is recorded under the course (business cheese), field by field in /x/v2/history', async () => {
    const { client, mid } = await s.signedIn();
    s.clock.advance(5);
    expect(await client.history.heartbeat(lessonBeat(321))).toEqual(OK);
    const rows = await s.handle.db.selectFrom('history').selectAll().where('mid', '=', mid).execute();
    expect(rows.map((r) => [r.business, r.kid, r.oid, r.epid, r.cid, r.progress])).toEqual([
      ['cheese', 61, lesson2.aid, lesson2.epid, lesson2.cid, 321],
    ]);
    const body = await client.history.list();
    expectWire(HistoryList, body.data);
    const entry = body.data![0]!;
    expect(entry).toMatchObject({
      aid: lesson2.aid,
      title: COURSE.title,
      pic: `https://img.example/ep${lesson2.epid}.jpg`,
      owner: { mid: teacher, name: 'course-teacher', face: 'https://img.example/t.png' },
      type: 10,
      sub_type: 0,
      device: 2,
      page: { cid: lesson2.cid, page: 1, duration: lesson2.duration },
      progress: 321,
      view_at: now(),
      kid: 61,
      business: 'cheese',
      redirect_link: `${s.config.publicUrl}/cheese/play/ep795`,
    });
    expect(entry.cheese).toEqual({
      cover: `https://img.example/ep${lesson2.epid}.jpg`,
      long_title: lesson2.title,
      number: '2',
      season_id: 61,
      update_info: '更新至第3课',
    });
    expect(entry).not.toHaveProperty('bangumi');
  });

  it('courses stay out of the cursor list, whose businesses (§7.1) have no course', async () => {
    const { client } = await s.signedIn();
    await client.history.heartbeat(lessonBeat(12));
    expect((await client.history.list()).data!.map((e) => e.business)).toEqual(['cheese']);
    for (const type of ['all', 'archive'] as const) {
      expect((await client.history.cursor({ type })).data!.list).toEqual([]);
    }
  });

  it('the player resumes the lesson; the course page shows the progress; the lesson has its comment area', async () => {
    const { client } = await s.signedIn();
    await client.history.heartbeat(lessonBeat(200));
    const player = await client.player.info({ aid: lesson2.aid, cid: lesson2.cid, ep_id: lesson2.epid });
    expectWire(PlayerData, player.data);
    expect(player.data).toMatchObject({ last_play_time: 200_000, last_play_cid: lesson2.cid });

    const body = await client.history.course({ season_id: 61 });
    expect(body).toMatchObject({ code: 0, message: 'success', ttl: 1 });
    expectWire(CourseSeasonData, body.data);
    const d = body.data!;
    expect(d).toMatchObject({
      season_id: 61,
      title: COURSE.title,
      cover: COURSE.cover,
      subtitle: COURSE.desc,
      episode_page: { next: false, num: 1, size: 3, total: 3 },
      release_status: '更新至第3课',
      up_info: {
        mid: teacher,
        uname: 'course-teacher',
        brief: '日语老师',
        avatar: 'https://img.example/t.png',
      },
      user_status: { payed: 1, progress: { last_ep_id: 795, last_ep_index: '2', last_time: 200 } },
    });
    expect(
      d.episodes.map((e) => [e.id, e.index, e.aid, e.cid, e.duration, e.title, e.watched, e.watchedHistory]),
    ).toEqual(
      COURSE.lessons.map((l, i) => [
        l.epid,
        i + 1,
        l.aid,
        l.cid,
        l.duration,
        l.title,
        i === 1,
        i === 1 ? 200 : 0,
      ]),
    );
    expect((await client.history.course({ ep_id: 797 })).data).toEqual(d);
    const anonymous = (await s.anonymous().history.course({ season_id: 61 })).data!;
    expect(anonymous.user_status).not.toHaveProperty('progress');
    expect((await client.history.course({ season_id: 62 })).code).toBe(-404);
    expect((await client.history.course({ season_id: 61, ep_id: 1 })).code).toBe(-404);
    // Course ids are their own namespace: ss61 is no bangumi.
    expect((await client.history.season({ season_id: 61 })).code).toBe(-404);

    expect(await s.admin.getArea(33, lesson2.epid)).toMatchObject({ type: 33, oid: 795, owner_mid: teacher });
  });

  it('cheese_<ssid> deletes the course entry', async () => {
    const { client, mid } = await s.signedIn();
    await client.history.heartbeat(lessonBeat(30));
    expect(await client.history.delete('cheese_61')).toEqual(OK);
    expect(await s.handle.db.selectFrom('history').selectAll().where('mid', '=', mid).execute()).toEqual([]);
  });

  it('a lesson reported as a season episode, or with another course, is refused and stores nothing', async () => {
    const { client, mid } = await s.signedIn();
    const cases: [Record<string, unknown>, number][] = [
      [{ ...lessonBeat(5), type: 4 }, -404], // ep795 is no bangumi episode
      [{ aid: lesson2.aid, cid: lesson2.cid, type: 4, played_time: 5 }, -400],
      [{ ...lessonBeat(5), sid: 62 }, -400],
      [{ ...lessonBeat(5), epid: 790 }, -400],
    ];
    for (const [params, code] of cases) {
      const body = await client.post<{ code: number }>('/x/click-interface/web/heartbeat', params as never);
      expect([params, body.code]).toEqual([params, code]);
    }
    const app = createClient({ baseUrl: s.url, accessKey: (await s.admin.issueSession(mid)).access_key });
    expect(await app.history.report({ aid: lesson2.aid, cid: lesson2.cid, progress: 9, type: 10 })).toEqual(
      OK,
    );
    const rows = await s.handle.db.selectFrom('history').selectAll().where('mid', '=', mid).execute();
    expect(rows.map((r) => [r.business, r.kid, r.progress])).toEqual([['cheese', 61, 9]]);
  });
});
