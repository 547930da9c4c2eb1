import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWbi } from '../../src/client/index.ts';
import type { BiliClient, BiliEnvelope, SpaceInfoData } from '../../src/client/index.ts';
import { MyInfoData, SpaceInfoData as SpaceInfoSchema, UserCardData } from '../../src/wire/space.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

/** myinfo's keys in the order of Bilibili's example (docs/api/account.md). */
const MYINFO_KEYS = [
  'mid', 'name', 'sex', 'face', 'sign', 'rank', 'level', 'jointime', 'moral', 'silence', 'email_status',
  'tel_status', 'identification', 'vip', 'pendant', 'nameplate', 'official', 'birthday', 'is_tourist',
  'is_fake_account', 'pin_prompting', 'is_deleted', 'in_reg_audit', 'is_rip_user', 'profession', 'level_exp',
  'coins', 'following', 'follower',
]; // prettier-ignore

const ACC_INFO_KEYS = [
  'mid', 'name', 'sex', 'face', 'face_nft', 'face_nft_type', 'sign', 'rank', 'level', 'jointime', 'moral',
  'silence', 'coins', 'fans_badge', 'fans_medal', 'official', 'vip', 'pendant', 'nameplate', 'user_honour_info',
  'is_followed', 'top_photo', 'theme', 'sys_notice', 'live_room', 'birthday', 'school', 'profession', 'tags',
  'series', 'is_senior_member', 'mcn_info', 'gaia_res_type', 'gaia_data', 'is_risk', 'elec', 'contract',
  'certificate_show', 'name_render',
]; // prettier-ignore

const CARD_KEYS = [
  'mid', 'approve', 'name', 'sex', 'rank', 'face', 'DisplayRank', 'regtime', 'spacesta', 'birthday', 'place',
  'description', 'article', 'attentions', 'fans', 'friend', 'attention', 'sign', 'level_info', 'pendant',
  'nameplate', 'Official', 'official_verify', 'vip',
]; // prettier-ignore

describe.each(dialects())('account reads (%s)', (dialect) => {
  let s: TestServer;
  let vipMid: number;
  let vipClient: BiliClient;
  let vipAccessKey: string;
  let due: number;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    due = s.clock.nowMs() + 30 * 86400_000;
    const signed = await s.signedIn(`acct_vip_${dialect}`, {
      sex: '女',
      sign: '你好，Replay',
      level: 5,
      vip_type: 2,
      vip_due_date: due,
      official_type: 0,
      official_desc: '知名测试员',
      face: 'https://img.example.test/face.png',
    });
    vipMid = signed.mid;
    vipClient = signed.client;
    vipAccessKey = signed.accessKey;
  });
  afterAll(async () => s.close());

  /** The keys the server hands out today, as a client reads them from nav. */
  const keys = () => s.services.wbi.keys();
  const signedQuery = (params: Record<string, string | number>) =>
    new URLSearchParams(
      Object.entries(signWbi(params, keys().imgKey, keys().subKey, Math.floor(s.clock.nowMs() / 1000))).map(
        ([k, v]) => [k, String(v)],
      ),
    ).toString();
  const getJson = async (path: string, cookie?: string) => {
    const response = await fetch(`${s.url}${path}`, cookie ? { headers: { cookie } } : {});
    expect(response.status).toBe(200);
    return (await response.json()) as BiliEnvelope<Record<string, unknown>>;
  };

  describe('GET /x/space/myinfo', () => {
    it('signed in with cookies: every field from the user record, in order', async () => {
      const body = await vipClient.account.myInfo();
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data!;
      expectWire(MyInfoData, d);
      expect(Object.keys(d)).toEqual(MYINFO_KEYS);
      expect(d).toMatchObject({
        mid: vipMid,
        name: `acct_vip_${dialect}`,
        sex: '女',
        face: 'https://img.example.test/face.png',
        sign: '你好，Replay',
        rank: 10000,
        level: 5,
        moral: 70,
        silence: 0,
        birthday: 0,
        is_rip_user: false,
        coins: 0,
        following: 0,
        follower: 0,
        official: { role: 1, title: '知名测试员', desc: '', type: 0 },
        level_exp: { current_level: 5, current_min: 10800, current_exp: 10800, next_exp: 28800 },
      });
      expect(d.vip).toEqual({
        type: 2,
        status: 1,
        due_date: due,
        vip_pay_type: 0,
        theme_type: 0,
        label: {
          path: '',
          text: '年度大会员',
          label_theme: 'annual_vip',
          text_color: '#FFFFFF',
          bg_style: 1,
          bg_color: '#FB7299',
          border_color: '',
        },
        avatar_subscript: 1,
        nickname_color: '#FB7299',
        role: 3,
        avatar_subscript_url: '',
      });
    });

    it('with access_key (APP mode) answers the same user', async () => {
      const body = await s.anonymous().get<BiliEnvelope<{ mid: number }>>('/x/space/myinfo', {
        access_key: vipAccessKey,
      });
      expect(body.code).toBe(0);
      expect(body.data!.mid).toBe(vipMid);
    });

    it('a plain account: no vip, no verification, default face, level 0', async () => {
      const { client, mid } = await s.signedIn(`acct_plain_${dialect}`);
      const d = (await client.account.myInfo()).data!;
      expectWire(MyInfoData, d);
      expect(d).toMatchObject({
        mid,
        sex: '保密',
        sign: '',
        level: 0,
        face: `${s.config.publicUrl}/static/noface.png`,
        official: { role: 0, title: '', desc: '', type: -1 },
        level_exp: { current_level: 0, current_min: 0, current_exp: 0, next_exp: 1 },
      });
      expect(d.vip).toMatchObject({ type: 0, status: 0, role: 0, label: { text: '', label_theme: '' } });
    });

    it('signed out, an empty SESSDATA or an unknown one: -101 without data', async () => {
      for (const cookie of [undefined, 'SESSDATA=; bili_jct=; buvid3=', 'SESSDATA=no-such-session']) {
        const body = await getJson('/x/space/myinfo', cookie);
        expect(body).toEqual({ code: -101, message: '账号未登录', ttl: 1 });
      }
    });

    it('a banned user still reads itself, with silence 1', async () => {
      const { client, mid } = await s.signedIn(`acct_banned_${dialect}`);
      await s.admin.updateUser(mid, { banned: true });
      const body = await client.account.myInfo();
      expect(body.code).toBe(0);
      expect(body.data!.silence).toBe(1);
    });
  });

  describe('GET /x/space/wbi/acc/info', () => {
    it('signed by the typed client, anonymous: the public card of any user', async () => {
      const body = await s.anonymous().account.spaceInfo(vipMid);
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data!;
      expectWire(SpaceInfoSchema, d);
      expect(Object.keys(d)).toEqual(ACC_INFO_KEYS);
      expect(d).toMatchObject({
        mid: vipMid,
        name: `acct_vip_${dialect}`,
        sex: '女',
        face: 'https://img.example.test/face.png',
        sign: '你好，Replay',
        level: 5,
        rank: 10000,
        moral: 0,
        silence: 0,
        coins: 0,
        is_followed: false,
        birthday: '',
        fans_medal: { show: false, wear: false, medal: null },
        official: { role: 1, title: '知名测试员', desc: '', type: 0 },
        live_room: null,
        tags: null,
      });
      expect(d.vip).toMatchObject({
        type: 2,
        status: 1,
        due_date: due,
        label: { text: '年度大会员', label_theme: 'annual_vip', use_img_label: true },
        avatar_icon: { icon_type: 0, icon_resource: {} },
      });
      expect(d.pendant).toEqual({
        pid: 0,
        name: '',
        image: '',
        expire: 0,
        image_enhance: '',
        image_enhance_frame: '',
        n_pid: 0,
      });
    });

    it('accepts what bilibili-api (Python) adds and signs: web_location, dm_* and w_webid', async () => {
      const query = signedQuery({
        mid: vipMid,
        w_webid: 'eyJhbGciOiJIUzI1NiJ9.eyJpYXQiOjE3MDAwMDAwMDAsInR0bCI6ODY0MDB9.c2ln',
        dm_img_list: '[]',
        dm_img_str: 'AB',
        dm_cover_img_str: 'JK',
        dm_img_inter: '{"ds":[],"wh":[0,0,0],"of":[0,0,0]}',
        web_location: 1550101,
      });
      const body = await getJson(`/x/space/wbi/acc/info?${query}`, 'SESSDATA=; bili_jct=; buvid3=');
      expect(body.code).toBe(0);
      expect((body.data as SpaceInfoData).mid).toBe(vipMid);
    });

    it('signed in, an organisation account reads as official type 1', async () => {
      const { mid } = await s.signedIn(`acct_org_${dialect}`, { official_type: 1, official_desc: '官方' });
      const d = (await vipClient.account.spaceInfo(mid)).data!;
      expect(d.official).toEqual({ role: 3, title: '官方', desc: '', type: 1 });
    });

    it('no signature: -352; a wrong or tampered one: -403; neither reads the user', async () => {
      const missing = await getJson(`/x/space/wbi/acc/info?mid=${vipMid}`);
      expect(missing).toMatchObject({ code: -352, ttl: 1 });
      expect(missing.message).toMatch(/^风控校验失败/);
      const onlyTs = await getJson(
        `/x/space/wbi/acc/info?mid=${vipMid}&wts=${Math.floor(s.clock.nowMs() / 1000)}`,
      );
      expect(onlyTs.code).toBe(-352);

      const good = signedQuery({ mid: vipMid });
      const wrong = good.replace(/w_rid=[0-9a-f]{32}/, `w_rid=${'0'.repeat(32)}`);
      expect(await getJson(`/x/space/wbi/acc/info?${wrong}`)).toEqual({
        code: -403,
        message: '访问权限不足',
        ttl: 1,
      });
      // A parameter added after signing breaks the signature.
      expect((await getJson(`/x/space/wbi/acc/info?${good}&extra=1`)).code).toBe(-403);
      // Signed with yesterday's keys (a client that cached them across midnight) still verifies.
      const yesterday = s.clock.nowMs();
      const oldKeys = keys();
      s.clock.advance(24 * 3600);
      try {
        const stale = new URLSearchParams(
          Object.entries(
            signWbi({ mid: vipMid }, oldKeys.imgKey, oldKeys.subKey, Math.floor(yesterday / 1000)),
          ).map(([k, v]) => [k, String(v)]),
        ).toString();
        expect((await getJson(`/x/space/wbi/acc/info?${stale}`)).code).toBe(0);
      } finally {
        s.clock.advance(-24 * 3600);
      }
    });

    it('an unknown mid is -404; a malformed one -400 naming mid', async () => {
      const unknown = await getJson(`/x/space/wbi/acc/info?${signedQuery({ mid: 987654321 })}`);
      expect(unknown).toMatchObject({ code: -404, ttl: 1 });
      expect(unknown.message).toMatch(/^啥都木有/);
      expect(unknown).not.toHaveProperty('data');
      for (const mid of ['abc', '0', '-5', '9007199254740993']) {
        const body = await getJson(`/x/space/wbi/acc/info?${signedQuery({ mid })}`);
        expect(body.code).toBe(-400);
        expect(body.message).toContain('mid');
      }
      const none = await getJson(`/x/space/wbi/acc/info?${signedQuery({})}`);
      expect(none.code).toBe(-400);
    });
  });

  describe('GET /x/web-interface/card', () => {
    it('card with string mid, archive_count from the user archives, no space without photo', async () => {
      await s.admin.createArchive({
        title: 'card 1',
        owner_mid: vipMid,
        pages: [{ part: 'P1', duration: 60 }],
      });
      await s.admin.createArchive({
        title: 'card 2',
        owner_mid: vipMid,
        pages: [{ part: 'P1', duration: 60 }],
      });
      const body = await s.anonymous().account.card(vipMid);
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data!;
      expectWire(UserCardData, d);
      expect(Object.keys(d)).toEqual([
        'card',
        'following',
        'archive_count',
        'article_count',
        'follower',
        'like_num',
      ]);
      expect(Object.keys(d.card)).toEqual(CARD_KEYS);
      expect(d).toMatchObject({
        following: false,
        archive_count: 2,
        article_count: 0,
        follower: 0,
        like_num: 0,
      });
      expect(d.card).toMatchObject({
        mid: String(vipMid),
        name: `acct_vip_${dialect}`,
        sex: '女',
        rank: '10000',
        DisplayRank: '0',
        spacesta: 0,
        sign: '你好，Replay',
        fans: 0,
        friend: 0,
        attention: 0,
        attentions: [],
        level_info: { current_level: 5 },
        Official: { role: 1, title: '知名测试员', desc: '', type: 0 },
        official_verify: { type: 0, desc: '知名测试员' },
      });
      expect(d.card.vip).toMatchObject({ type: 2, status: 1, vipType: 2, vipStatus: 1, due_date: due });
      expect(Object.keys(d.card.vip.label)).toHaveLength(7);
    });

    it('photo=true or 1 adds space after card; a bad photo is -400', async () => {
      for (const photo of ['true', '1']) {
        const body = await getJson(`/x/web-interface/card?mid=${vipMid}&photo=${photo}`);
        expect(body.code).toBe(0);
        expectWire(UserCardData, body.data);
        expect(Object.keys(body.data!).slice(0, 2)).toEqual(['card', 'space']);
        expect(body.data!['space']).toEqual({ s_img: '', l_img: '' });
      }
      expect((await getJson(`/x/web-interface/card?mid=${vipMid}&photo=false`)).data).not.toHaveProperty(
        'space',
      );
      const bad = await getJson(`/x/web-interface/card?mid=${vipMid}&photo=maybe`);
      expect(bad.code).toBe(-400);
      expect(bad.message).toContain('photo');
    });

    it('a banned user has spacesta -2; unknown mid -404; missing or malformed mid -400', async () => {
      const { mid } = await s.signedIn(`acct_card_banned_${dialect}`);
      await s.admin.updateUser(mid, { banned: true });
      expect((await s.anonymous().account.card(mid)).data!.card.spacesta).toBe(-2);
      expect((await getJson('/x/web-interface/card?mid=987654321')).code).toBe(-404);
      for (const q of ['', '?mid=', '?mid=x', '?mid=1.5']) {
        const body = await getJson(`/x/web-interface/card${q}`);
        expect(body.code).toBe(-400);
        expect(body.message).toContain('mid');
      }
    });
  });
});
