import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient, BiliEnvelope, EmotePackageWire } from '../../src/client/index.ts';
import { EmotePanelData, EmoteSettingPanelData } from '../../src/wire/emote.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const DONE = '{"code":0,"message":"0","ttl":1}';

describe.each(dialects())('emote settings (%s)', (dialect) => {
  let s: TestServer;
  let vipPackage: number;
  let boughtPackage: number;
  let n = 0;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const image = { data: PNG_1PX };
    vipPackage = (
      await s.admin.emotes.create({ text: '会员包', type: 2, emotes: [{ text: '[会员包_耶]', image }] })
    ).id;
    boughtPackage = (
      await s.admin.emotes.create({ text: '装扮包', type: 3, emotes: [{ text: '[装扮包_哇]', image }] })
    ).id;
  });
  afterAll(async () => s.close());

  const ids = (packages: readonly EmotePackageWire[]) => packages.map((p) => p.id);
  const fresh = (extra: Record<string, unknown> = {}) => s.signedIn(`emoset_${dialect}_${++n}`, extra);
  const vip = () => fresh({ vip_type: 2, vip_due_date: s.clock.nowMs() + 86400_000 });

  /** A POST as bilibili-api (Python) sends it: params in the URL, `csrf` and `csrf_token` in the body. */
  const pythonStylePost = async (
    client: BiliClient,
    path: string,
    query: Record<string, string>,
    body: Record<string, string>,
  ) => {
    const cookie = Object.entries(client.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const response = await fetch(`${s.url}${path}?${new URLSearchParams(query).toString()}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  describe('GET /x/emote/setting/panel', () => {
    it('a user who never changed anything: every package, all added, panel = all', async () => {
      const { client } = await fresh();
      const body = await client.emote.settings('reply');
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data!;
      expectWire(EmoteSettingPanelData, d);
      expect(Object.keys(d)).toEqual(['user_panel_packages', 'all_packages', 'mall']);
      expect(ids(d.all_packages)).toEqual([1, 4, vipPackage, boughtPackage]);
      expect(d.user_panel_packages).toEqual(d.all_packages);
      for (const p of d.all_packages) expect(p.flags).toEqual({ added: true });
      // The non-VIP sees the VIP-only emotes locked, as in the panel.
      expect(d.all_packages.find((p) => p.id === vipPackage)!.emote[0]!.flags).toEqual({ no_access: true });
      expect(d.mall).toEqual({ title: '表情商城', url: `${s.config.publicUrl}/` });
      // The same packages as the panel itself.
      expect((await client.emote.panel('reply')).data!.packages).toEqual(d.user_panel_packages);
    });

    it('signed out, with an empty or unknown SESSDATA: -101 without data', async () => {
      for (const cookie of [undefined, 'SESSDATA=; bili_jct=', 'SESSDATA=nope']) {
        const response = await fetch(
          `${s.url}/x/emote/setting/panel?business=reply`,
          cookie ? { headers: { cookie } } : {},
        );
        expect(await response.json()).toEqual({ code: -101, message: '账号未登录', ttl: 1 });
      }
    });

    it('business is required: reply or dynamic (-400 naming it)', async () => {
      const { client } = await fresh();
      for (const params of [{}, { business: 'danmaku' }, { business: '' }]) {
        const body = await client.get<BiliEnvelope>('/x/emote/setting/panel', params);
        expect(body.code).toBe(-400);
        expect(body.message).toContain('business');
      }
      expect((await client.emote.settings('dynamic')).code).toBe(0);
    });
  });

  describe('POST /x/emote/package/add and /remove', () => {
    it('remove takes a package out of this user panel for this business only; add puts it back', async () => {
      const { client, mid } = await fresh();
      const other = (await fresh()).client;

      const removed = await client.emote.removePackage(4, 'reply');
      expect(removed).toEqual({ code: 0, message: '0', ttl: 1 });

      const panel = (await client.emote.panel('reply')).data!;
      expectWire(EmotePanelData, panel);
      expect(ids(panel.packages)).toEqual([1, vipPackage, boughtPackage]);
      const settings = (await client.emote.settings('reply')).data!;
      expect(ids(settings.user_panel_packages)).toEqual([1, vipPackage, boughtPackage]);
      expect(settings.all_packages.map((p) => [p.id, p.flags.added])).toEqual([
        [1, true],
        [4, false],
        [vipPackage, true],
        [boughtPackage, true],
      ]);
      // /x/emote/package tells the same.
      const asked = (await client.emote.packages([4, 1], 'reply')).data!.packages;
      expect(asked.map((p) => [p.id, p.flags.added])).toEqual([
        [4, false],
        [1, true],
      ]);

      // The dynamic panel, another user and anonymous callers are untouched.
      expect(ids((await client.emote.panel('dynamic')).data!.packages)).toEqual([
        1,
        4,
        vipPackage,
        boughtPackage,
      ]);
      expect(ids((await other.emote.panel('reply')).data!.packages)).toEqual([
        1,
        4,
        vipPackage,
        boughtPackage,
      ]);
      expect(ids((await s.anonymous().emote.panel('reply')).data!.packages)).toEqual([1, 4]);
      expect(await s.store.emotes.panelSettings(mid, 'reply')).toEqual(new Map([[4, false]]));

      // Removing twice is still success; adding back restores the catalogue order.
      expect((await client.emote.removePackage(4, 'reply')).code).toBe(0);
      expect(await client.emote.addPackage(4, 'reply')).toEqual({ code: 0, message: '0', ttl: 1 });
      expect(ids((await client.emote.panel('reply')).data!.packages)).toEqual([
        1,
        4,
        vipPackage,
        boughtPackage,
      ]);
      expect(await s.store.emotes.panelSettings(mid, 'reply')).toEqual(new Map([[4, true]]));
      // Adding what is already there is success too.
      expect((await client.emote.addPackage(1, 'reply')).code).toBe(0);
    });

    it('the success body is exactly {code,message,ttl}, with params in the URL and csrf + csrf_token in the body', async () => {
      const { client } = await fresh();
      const csrf = client.cookies['bili_jct']!;
      const text = await pythonStylePost(
        client,
        '/x/emote/package/remove',
        { package_id: '1', business: 'reply', csrf },
        { csrf, csrf_token: csrf },
      );
      expect(text).toBe(DONE);
      expect(ids((await client.emote.panel('reply')).data!.packages)).not.toContain(1);
      // `csrf_token` alone is accepted as the csrf.
      const alias = await pythonStylePost(
        client,
        '/x/emote/package/add',
        { package_id: '1', business: 'reply' },
        { csrf_token: csrf },
      );
      expect(alias).toBe(DONE);
      expect(ids((await client.emote.panel('reply')).data!.packages)).toContain(1);
    });

    it('csrf: missing, wrong, or a wrong csrf_token alone is -111 and stores nothing', async () => {
      const { client, mid } = await fresh();
      const bodies: Record<string, string>[] = [
        {},
        { csrf: 'wrong' },
        { csrf_token: 'wrong' },
        { csrf: 'wrong', csrf_token: client.cookies['bili_jct']! },
      ];
      for (const body of bodies) {
        const text = await pythonStylePost(
          client,
          '/x/emote/package/remove',
          { package_id: '1', business: 'reply' },
          body,
        );
        expect(JSON.parse(text), JSON.stringify(body)).toEqual({
          code: -111,
          message: 'csrf 校验失败',
          ttl: 1,
        });
      }
      expect((await s.store.emotes.panelSettings(mid, 'reply')).size).toBe(0);
    });

    it('APP mode (access_key) needs no csrf', async () => {
      const { accessKey, mid } = await fresh();
      const app = s.anonymous();
      app.accessKey = accessKey;
      expect((await app.emote.removePackage(boughtPackage, 'dynamic')).code).toBe(0);
      expect(await s.store.emotes.panelSettings(mid, 'dynamic')).toEqual(new Map([[boughtPackage, false]]));
    });

    it('signed out: -101 for both', async () => {
      for (const path of ['/x/emote/package/add', '/x/emote/package/remove']) {
        const body = await s
          .anonymous()
          .post<BiliEnvelope>(path, { package_id: 1, business: 'reply', csrf: 'x' });
        expect(body).toEqual({ code: -101, message: '账号未登录', ttl: 1 });
      }
    });

    it('entitlement: a VIP-only package needs an active membership to be added (-403); removing is free', async () => {
      const plain = await fresh();
      expect(await plain.client.emote.addPackage(vipPackage)).toMatchObject({ code: -403, ttl: 1 });
      expect((await s.store.emotes.panelSettings(plain.mid, 'reply')).size).toBe(0);
      // It is in the default panel (locked) and can be removed, but not added back without membership.
      expect((await plain.client.emote.removePackage(vipPackage)).code).toBe(0);
      expect(ids((await plain.client.emote.panel()).data!.packages)).not.toContain(vipPackage);
      expect((await plain.client.emote.addPackage(vipPackage)).code).toBe(-403);
      expect(ids((await plain.client.emote.panel()).data!.packages)).not.toContain(vipPackage);
      // Purchased-type and free packages are everyone's in Replay.
      expect((await plain.client.emote.addPackage(boughtPackage)).code).toBe(0);
      expect((await plain.client.emote.addPackage(4)).code).toBe(0);

      const member = await vip();
      expect((await member.client.emote.removePackage(vipPackage)).code).toBe(0);
      expect((await member.client.emote.addPackage(vipPackage)).code).toBe(0);
      const pkg = (await member.client.emote.panel()).data!.packages.find((p) => p.id === vipPackage)!;
      expect(pkg.emote[0]!.flags).toEqual({});

      const expired = await fresh({ vip_type: 1, vip_due_date: s.clock.nowMs() - 1000 });
      expect((await expired.client.emote.addPackage(vipPackage)).code).toBe(-403);
    });

    it('-400 for a missing, malformed or unknown package_id or business; nothing stored', async () => {
      const { client, mid } = await fresh();
      for (const params of [
        { business: 'reply' },
        { package_id: 'x', business: 'reply' },
        { package_id: '0', business: 'reply' },
        { package_id: '-1', business: 'reply' },
        { package_id: '1' },
        { package_id: '1', business: 'danmaku' },
        { package_id: '999999', business: 'reply' },
      ]) {
        for (const path of ['/x/emote/package/add', '/x/emote/package/remove']) {
          const body = await client.post<BiliEnvelope>(path, params);
          expect(body.code, `${path} ${JSON.stringify(params)}`).toBe(-400);
          expect(body.message).toMatch(/package_id|business/);
        }
      }
      expect((await s.store.emotes.panelSettings(mid, 'reply')).size).toBe(0);
    });

    it('a banned account is refused (-102)', async () => {
      const { client, mid } = await fresh();
      await s.admin.updateUser(mid, { banned: true });
      expect((await client.emote.removePackage(1)).code).toBe(-102);
      expect((await s.store.emotes.panelSettings(mid, 'reply')).size).toBe(0);
    });

    it('deleting a package through the admin API forgets every user setting for it', async () => {
      const extra = await s.admin.emotes.create({
        text: '临时包',
        emotes: [{ text: '[临时包_嗨]', image: { data: PNG_1PX } }],
      });
      const { client, mid } = await fresh();
      expect((await client.emote.removePackage(extra.id)).code).toBe(0);
      expect((await s.store.emotes.panelSettings(mid, 'reply')).get(extra.id)).toBe(false);
      await s.admin.emotes.delete(extra.id);
      expect((await s.store.emotes.panelSettings(mid, 'reply')).has(extra.id)).toBe(false);
      // A package added later is in every panel by default, also of users who changed theirs.
      const later = await s.admin.emotes.create({
        text: '新包',
        emotes: [{ text: '[新包_好]', image: { data: PNG_1PX } }],
      });
      expect(ids((await client.emote.panel()).data!.packages)).toContain(later.id);
      await s.admin.emotes.delete(later.id);
    });
  });
});
