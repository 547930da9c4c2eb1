import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { AdminApiError } from '../../src/client/admin-client.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { MailSettingsData } from '../../src/wire/notify-settings.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

interface Mail {
  from: string;
  to: string[];
  raw: string;
  at: number;
}

/** A real SMTP server on loopback (the `smtp-server` package), recording every message it accepts. */
async function startSmtp(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The decoded text of a quoted-printable or plain body (nodemailer picks the encoding). */
function text(mail: Mail): string {
  const joined = mail.raw.slice(mail.raw.search(/\r?\n\r?\n/));
  return Buffer.from(
    joined
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

function subject(mail: Mail): string {
  const line = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1] ?? '';
  // RFC 2047 encoded words, as nodemailer writes non-ASCII subjects.
  return line
    .replace(/\r?\n[ \t]/g, '')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    )
    .replace(/\?=\s*=\?/g, '');
}

interface Actor {
  client: BiliClient;
  mid: number;
  uname: string;
}

const DIGEST_SECONDS = 2;

describe.each(dialects())('notification e-mail (%s)', (dialect) => {
  let s: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let counter = 0;
  let aid: number;
  let owner: Actor;

  const actor = async (prefix: string): Promise<Actor> => {
    const uname = `${prefix}${++counter}${dialect[0]}`;
    const { client, mid } = await s.signedIn(uname);
    return { client, mid, uname };
  };
  const add = async (who: Actor, message: string, extra: { root?: number; parent?: number } = {}) => {
    const body = await who.client.reply.add({ type: 1, oid: aid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const waitFor = async (predicate: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; ${smtp.mails.length} mails`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    s = await startTestServer(dialect, {
      smtpUrl: smtp.url,
      smtpFrom: 'Replay <noreply@replay.test>',
      mailDigestSeconds: DIGEST_SECONDS,
      outboxPollMs: 20,
      commentBurstLimit: 0,
      commentHourlyLimit: 0,
      duplicateWindowSeconds: 0,
      webhookCacheMs: 0,
    });
    owner = await actor('owner');
    aid = (
      await s.admin.createArchive({
        title: 'mail',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 60 }],
      })
    ).aid;
  });
  afterAll(async () => {
    await s.close();
    await smtp.close();
  });

  it('the signed-in user reads and sets the address and opt-out; bad input is -400 and stores nothing', async () => {
    const me = await actor('self');
    const read = await me.client.notify.mail();
    expect(read.code).toBe(0);
    expectWire(MailSettingsData, read.data);
    expect(read.data).toEqual({ email: '', opt_out: false, enabled: true });

    const set = await me.client.notify.setMail({ email: 'self@example.test' });
    expect(set.code).toBe(0);
    expect(set.data).toEqual({ email: 'self@example.test', opt_out: false, enabled: true });
    const bad = await me.client.post<{ code: number; message: string }>('/x/replay/notify/mail', {
      email: 'nope',
    });
    expect(bad.code).toBe(-400);
    expect(bad.message).toContain('email');
    const badFlag = await me.client.post<{ code: number }>('/x/replay/notify/mail', { opt_out: 7 });
    expect(badFlag.code).toBe(-400);
    expect(await s.admin.webhooks.userMail(me.mid)).toEqual({
      mid: me.mid,
      email: 'self@example.test',
      opt_out: false,
    });

    const signedOut = await s.anonymous().get<{ code: number }>('/x/replay/notify/mail');
    expect(signedOut.code).toBe(-101);
    // Cookie writes need the csrf token like every other write.
    const noCsrf = await fetch(`${s.url}/x/replay/notify/mail`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'opt_out=1',
    });
    expect(((await noCsrf.json()) as { code: number }).code).toBe(-101);
    await expect(s.admin.webhooks.setUserMail(999_999_999, { email: 'x@y.test' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('mails the person replied to and the person mentioned, never the author', async () => {
    const alice = await actor('alice');
    const bob = await actor('bob');
    await s.admin.webhooks.setUserMail(alice.mid, { email: 'alice@example.test' });
    await s.admin.webhooks.setUserMail(bob.mid, { email: 'bob@example.test' });
    await s.admin.webhooks.setUserMail(owner.mid, { email: 'owner@example.test' });
    const before = smtp.mails.length;

    const root = await add(alice, 'alice writes');
    await add(bob, `bob answers, cc @${owner.uname}`, { root, parent: root });
    await waitFor(
      () => mailsTo('alice@example.test').length >= 1 && mailsTo('owner@example.test').length >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const toAlice = mailsTo('alice@example.test');
    expect(toAlice).toHaveLength(1);
    expect(toAlice[0]!.from).toBe('noreply@replay.test');
    expect(subject(toAlice[0]!)).toBe(`${bob.uname} replied to you`);
    expect(text(toAlice[0]!)).toContain(`bob answers, cc @${owner.uname}`);
    expect(text(toAlice[0]!)).toMatch(new RegExp(`/video/av${aid}#reply\\d+`));
    // The owner: the root comment on their video (a reply notice) and the @mention. Both go out, in one
    // mail or, when the first was sent before the mention was committed, in two a digest window apart.
    const ownerText = () => mailsTo('owner@example.test').map(text).join('\n');
    await waitFor(() => ownerText().includes(`${bob.uname} mentioned you:`), DIGEST_SECONDS * 1000 + 5000);
    expect(ownerText()).toContain(`${alice.uname} replied to you:`);
    expect(ownerText()).toContain('alice writes');
    const toOwner = mailsTo('owner@example.test');
    expect(toOwner.length).toBeLessThanOrEqual(2);
    if (toOwner.length === 1) expect(subject(toOwner[0]!)).toBe('2 new replies and mentions');
    else expect(toOwner[1]!.at - toOwner[0]!.at).toBeGreaterThanOrEqual(DIGEST_SECONDS * 1000 - 50);
    expect(mailsTo('bob@example.test')).toHaveLength(0);
    expect(smtp.mails.length - before).toBe(1 + toOwner.length);
  });

  it('digest limit: one mail per window; what comes meanwhile is folded into the next mail', async () => {
    const carol = await actor('carol');
    const dave = await actor('dave');
    await s.admin.webhooks.setUserMail(carol.mid, { email: 'carol@example.test' });
    const root = await add(carol, 'carol starts a thread');
    await add(dave, 'first answer', { root, parent: root });
    await waitFor(() => mailsTo('carol@example.test').length >= 1);
    const first = mailsTo('carol@example.test')[0]!;
    expect(subject(first)).toBe(`${dave.uname} replied to you`);

    for (let i = 1; i <= 5; i++) await add(dave, `busy thread answer ${i}`, { root, parent: root });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo('carol@example.test')).toHaveLength(1);
    await waitFor(() => mailsTo('carol@example.test').length >= 2, DIGEST_SECONDS * 1000 + 5000);
    const second = mailsTo('carol@example.test')[1]!;
    expect(second.at - first.at).toBeGreaterThanOrEqual(DIGEST_SECONDS * 1000 - 50);
    expect(subject(second)).toBe('5 new replies and mentions');
    for (let i = 1; i <= 5; i++) expect(text(second)).toContain(`busy thread answer ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailsTo('carol@example.test')).toHaveLength(2);
  });

  it('opt-out stops the mail, also for items queued before it; opting in again resumes', async () => {
    const erin = await actor('erin');
    const frank = await actor('frank');
    await erin.client.notify.setMail({ email: 'erin@example.test' });
    const opted = await erin.client.notify.setMail({ optOut: true });
    expect(opted.data).toEqual({ email: 'erin@example.test', opt_out: true, enabled: true });
    const root = await add(erin, 'erin posts');
    await add(frank, `@${erin.uname} hello`, { root, parent: root });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(mailsTo('erin@example.test')).toHaveLength(0);

    await erin.client.notify.setMail({ optOut: false });
    await add(frank, 'after opting in again', { root, parent: root });
    await waitFor(() => mailsTo('erin@example.test').length >= 1);
    expect(text(mailsTo('erin@example.test')[0]!)).toContain('after opting in again');
    expect(text(mailsTo('erin@example.test')[0]!)).not.toContain('hello');
  });

  it('a deleted account: its queued mail goes with it, it is mailed nothing more, and no address can be set', async () => {
    const ivy = await actor('ivy');
    const jack = await actor('jack');
    await s.admin.webhooks.setUserMail(ivy.mid, { email: 'ivy@example.test' });
    const root = await add(ivy, 'ivy writes');
    // A reply waiting in ivy's queue for her digest window (her last mail was just sent).
    await s.handle.db
      .insertInto('mail_recipients')
      .values({ mid: ivy.mid, last_sent_at: Date.now(), lease_until: 0 })
      .onConflict((oc) => oc.column('mid').doUpdateSet({ last_sent_at: Date.now() }))
      .execute();
    await s.handle.db
      .insertInto('mail_queue')
      .values({ recipient_mid: ivy.mid, event_id: 'queued-before-deletion', kind: 'reply', payload: '{}' })
      .execute();
    expect((await ivy.client.accountSelf.deleteAccount('secret-pass')).code).toBe(0);
    const left = async (table: 'mail_queue' | 'mail_recipients' | 'user_mail') =>
      (
        await s.handle.db
          .selectFrom(table)
          .selectAll()
          .where(table === 'mail_queue' ? 'recipient_mid' : 'mid', '=', ivy.mid)
          .execute()
      ).length;
    expect([await left('mail_queue'), await left('mail_recipients'), await left('user_mail')]).toEqual([
      0, 0, 0,
    ]);
    await add(jack, 'reply to ivy after she left', { root, parent: root });
    await new Promise((resolve) => setTimeout(resolve, DIGEST_SECONDS * 1000 + 500));
    expect(mailsTo('ivy@example.test')).toHaveLength(0);
    expect(await left('mail_queue')).toBe(0);
    const refused = await s.admin.webhooks
      .setUserMail(ivy.mid, { email: 'ivy@example.test' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminApiError);
    expect((refused as AdminApiError).status).toBe(404);
    // A change that passed that check just before the deletion: its write is refused too.
    expect(await s.store.outbox.setUserMail(ivy.mid, { email: 'ivy@example.test' }, 1)).toBe(false);
    expect(await left('user_mail')).toBe(0);
  });

  it('users without an address get no mail and queue nothing', async () => {
    const gina = await actor('gina');
    const hank = await actor('hank');
    const root = await add(gina, 'gina has no address');
    await add(hank, 'reply to gina', { root, parent: root });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const queued = await s.handle.db
      .selectFrom('mail_queue')
      .select('id')
      .where('recipient_mid', '=', gina.mid)
      .execute();
    expect(queued).toHaveLength(0);
  });
});
