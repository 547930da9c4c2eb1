import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReplay } from 'replay/testing';
import type { ReplayInstance, SignedInUser } from 'replay/testing';
import { MentionBot } from './bot.ts';

// The bot is tested against Replay with the toolkit alone: startReplay, fault injection, the journal.
describe('MentionBot against Replay', () => {
  let replay: ReplayInstance;
  let botUser: SignedInUser;
  let fan: SignedInUser;
  let aid: number;
  let bot: MentionBot;

  beforeAll(async () => {
    replay = await startReplay();
    botUser = await replay.signedIn('pingbot');
    fan = await replay.signedIn('fan');
    const video = await replay.admin.createArchive({
      title: 'a video',
      owner_mid: fan.mid,
      pages: [{ part: 'p1', duration: 60 }],
    });
    aid = video.aid;
    bot = new MentionBot({ baseUrl: replay.url, cookies: botUser.cookies });
  });
  afterAll(async () => replay.stop());
  beforeEach(async () => replay.faults.clear());

  const mention = async (text: string) => {
    const body = await fan.client.reply.add({ type: 1, oid: aid, message: text });
    expect(body.code).toBe(0);
    return body.data!.rpid;
  };

  it('answers a mention under the comment that mentioned it', async () => {
    const since = (await replay.journal.list()).at(-1)?.id ?? 0;
    const rpid = await mention('@pingbot ping');
    expect(await bot.poll()).toBe(1);
    const posted = await replay.journal.wait(
      { since, path: '/x/v2/reply/add', mid: botUser.mid, event: 'comment.posted' },
      2000,
    );
    expect(posted).not.toBeNull();
    expect(posted!.params).toMatchObject({ oid: aid, root: rpid, parent: rpid, message: 'pong' });
    expect(posted!.params['csrf']).toBe('[redacted]');
    // A second poll finds nothing new.
    expect(await bot.poll()).toBe(0);
  });

  it('survives a -412 on one poll and answers on the next', async () => {
    await mention('@pingbot are you there');
    const rule = await replay.faults.add({ path: '/x/msgfeed/at', code: -412, count: 1 });
    expect(await bot.poll()).toBe(0);
    const refused = await replay.journal.list({ path: '/x/msgfeed/at', code: -412 });
    expect(refused.at(-1)!.fault).toEqual({ id: rule.id, kind: 'code' });
    expect(await bot.poll()).toBe(1);
  });

  it('retries a mention whose answer was refused (12051 injected on the reply)', async () => {
    await mention('@pingbot once more');
    await replay.faults.add({ path: '/x/v2/reply/add', mid: botUser.mid, code: 12051, count: 1 });
    expect(await bot.poll()).toBe(0);
    // The faulted answer stored nothing: the journal shows the fault and no comment.posted event.
    const refused = (
      await replay.journal.list({ path: '/x/v2/reply/add', mid: botUser.mid, code: 12051 })
    ).at(-1);
    expect(refused!.events.map((e) => e.type)).toEqual(['fault.applied']);
    expect(await bot.poll()).toBe(1);
  });
});
