import { describe, expect, it } from 'vitest';
import { Journal, addEvent, eventsJson, keepRequest } from '../../src/services/toolkit/journal.ts';
import type { ParamsValidator } from '../../src/services/toolkit/journal.ts';

/**
 * Stands in for a route's compiled validator, which coerces in place and fills defaults (the HTTP tests
 * check the real ones: test/http/toolkit-journal.test.ts).
 */
const validator: ParamsValidator = (params) => {
  const p = params as Record<string, unknown>;
  for (const key of ['aid', 'play_type']) if (typeof p[key] === 'string') p[key] = Number(p[key]);
  p['ps'] ??= 20;
  return true;
};

function answered(
  journal: Journal,
  caller: object,
  request: { url: string; form?: string; body?: unknown; validate?: ParamsValidator; merged?: boolean },
): void {
  const at = request.url.indexOf('?');
  const entry = journal.start('POST', at === -1 ? request.url : request.url.slice(0, at), Date.now(), caller);
  keepRequest(
    entry,
    request.url,
    request.form ?? null,
    request.body,
    request.validate ?? null,
    request.merged ?? true,
  );
  entry.status = 200;
  journal.finish(entry);
}

describe('toolkit journal', () => {
  it('params: query and form merged (the form wins), validated as the route did, secrets redacted', () => {
    const journal = new Journal(10);
    answered(
      journal,
      {},
      {
        url: '/x/click-interface/web/heartbeat?aid=1&csrf=abc',
        form: 'aid=42&play_type=2&access_key=k&msg=%E4%BD%A0%E5%A5%BD+x',
        validate: validator,
      },
    );
    const [entry] = journal.query();
    expect(entry!.params).toEqual({
      aid: 42,
      play_type: 2,
      ps: 20,
      csrf: '[redacted]',
      access_key: '[redacted]',
      msg: '你好 x',
    });
    expect(entry!.path).toBe('/x/click-interface/web/heartbeat');
  });

  it('secrets are redacted at every depth and under bracketed or padded names', () => {
    const journal = new Journal(10);
    answered(
      journal,
      {},
      {
        url: '/x/a',
        form: 'extra%5Bpassword%5D=p1&csrf%5B%5D=c1&pwd%00=p2&old_password=p4&qrcode_key=q1&aid=1',
      },
    );
    answered(
      journal,
      {},
      { url: '/x/b', body: { extra: { password: 'p3', list: [{ csrf: 'c2' }] }, aid: 2 } },
    );
    const [form, json] = journal.query();
    expect(form!.params).toEqual({
      'extra[password]': '[redacted]',
      'csrf[]': '[redacted]',
      'pwd\u0000': '[redacted]',
      old_password: '[redacted]',
      qrcode_key: '[redacted]',
      aid: '1',
    });
    expect(json!.params).toEqual({
      extra: { password: '[redacted]', list: [{ csrf: '[redacted]' }] },
      aid: 2,
    });
    expect(JSON.stringify(journal.query())).not.toMatch(/p1|p2|p3|p4|q1|c1|c2/);
  });

  it('a body of any depth or size is kept bounded: reads, waits and serialisation never overflow', () => {
    const journal = new Journal(10);
    let deep: unknown = 1;
    for (let i = 0; i < 40_000; i++) deep = { a: deep };
    answered(journal, {}, { url: '/x/deep', body: deep });
    const long = 'x'.repeat(300_000);
    answered(journal, {}, { url: '/x/long', form: `aid=3&message=${long}` });
    answered(journal, {}, { url: '/x/wide', body: { list: Array.from({ length: 1000 }, (_, i) => i) } });
    const [kept, cut, wide] = journal.query({ since: 0 });
    let level = kept!.params;
    for (let i = 0; i < 7; i++) level = level['a'] as Record<string, unknown>;
    expect(level).toEqual({ a: '[nested too deep]' });
    expect(cut!.params['aid']).toBe('3');
    expect(cut!.params['message']).toBe(`${'x'.repeat(1024)}…[${300_000 - 1024} more characters]`);
    expect((wide!.params['list'] as unknown[]).length).toBe(101);
    expect((wide!.params['list'] as unknown[])[100]).toBe('[900 more items]');
    expect(JSON.stringify(journal.query()).length).toBeLessThan(10_000);
  });

  it('a wide body is kept within one budget of values and characters, long names cut', () => {
    const journal = new Journal(10);
    const row = (i: number) =>
      Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`k${i}_${k}`, 'v'.repeat(100)]));
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`r${i}`, row(i)]));
    answered(journal, {}, { url: '/x/wide', body: { ...wide, ['n'.repeat(5000)]: 1 } });
    const [entry] = journal.query();
    const text = JSON.stringify(entry!.params);
    expect(text.length).toBeLessThan(20_000);
    expect(text).toMatch(/\[\d+ more keys\]/);
    expect(Object.keys(entry!.params).some((key) => key.length > 257)).toBe(false);
  });

  it('params of a request that never reached validation are the strings the client sent', () => {
    const journal = new Journal(10);
    answered(journal, {}, { url: '/x/v2/reply/add?oid=7', form: 'type=1' });
    answered(journal, {}, { url: '/x/v2/reply/add', body: { type: 1, nested: { a: 1 } } });
    const [form, json] = journal.query();
    expect(form!.params).toEqual({ oid: '7', type: '1' });
    expect(json!.params).toEqual({ type: 1, nested: { a: 1 } });
  });

  it('events are attributed to the caller and read back; the actor is not part of them', () => {
    const journal = new Journal(10);
    const caller = {};
    const entry = journal.start('POST', '/x/v2/reply/add', Date.now(), caller);
    // Before its handler runs an entry collects nothing, not even an anonymous caller's events.
    const waiting = journal.start('POST', '/x/v2/reply/add', Date.now(), {});
    journal.event({ type: 'too.early', actor: 5, data: {} });
    journal.handling(entry, 5);
    journal.event({ type: 'comment.posted', actor: 5, data: { rpid: 9, text: '弹幕' } });
    journal.event({ type: 'anonymous', actor: 0, data: {} });
    journal.event({ type: 'not.mine', actor: 6, data: {} });
    addEvent(entry, { type: 'fault.applied', data: { rule: 1, kind: 'delay' } });
    keepRequest(entry, '/x/v2/reply/add', 'message=hi', undefined, null, true);
    journal.finish(entry);
    const [read] = journal.query({ event: 'comment.posted' });
    expect(read!.events).toEqual([
      { type: 'comment.posted', data: { rpid: 9, text: '弹幕' } },
      { type: 'fault.applied', data: { rule: 1, kind: 'delay' } },
    ]);
    expect(journal.query({ event: 'not.mine' })).toEqual([]);
    keepRequest(waiting, '/x/v2/reply/add', 'message=hi', undefined, null, true);
    journal.finish(waiting);
    expect(journal.query().map((e) => e.events.map((event) => event.type))).toEqual([
      ['comment.posted', 'fault.applied'],
      [],
    ]);
  });

  it('reuses entries pushed out of the ring, but what a reader got stays as it was', () => {
    const journal = new Journal(3);
    for (let i = 1; i <= 3; i++)
      answered(journal, {}, { url: `/p?n=${i}`, form: `long=${'x'.repeat(i * 300)}` });
    const before = journal.query();
    expect(before.map((e) => e.params['n'])).toEqual(['1', '2', '3']);
    const waited = journal.wait({ path: '/p', since: 3 }, 1000);
    for (let i = 4; i <= 9; i++) answered(journal, {}, { url: `/p?n=${i}`, form: `long=${'y'.repeat(10)}` });
    // The copies handed out earlier did not change when their entries served later requests.
    expect(before.map((e) => [e.id, e.params['n'], (e.params['long'] as string).length])).toEqual([
      [1, '1', 300],
      [2, '2', 600],
      [3, '3', 900],
    ]);
    return waited.then((entry) => {
      expect(entry!.id).toBe(4);
      expect(entry!.params['n']).toBe('4');
      expect(journal.query().map((e) => [e.id, e.params['n'], e.params['long']])).toEqual([
        [7, '7', 'yyyyyyyyyy'],
        [8, '8', 'yyyyyyyyyy'],
        [9, '9', 'yyyyyyyyyy'],
      ]);
    });
  });

  it('a cleared journal starts over with its entries reused', () => {
    const journal = new Journal(2);
    answered(journal, {}, { url: '/a?x=1' });
    journal.clear();
    expect(journal.query()).toEqual([]);
    answered(journal, {}, { url: '/b' });
    const [entry] = journal.query();
    expect(entry).toMatchObject({ path: '/b', params: {}, events: [], id: 2 });
  });

  it('a route that did not merge its body: the validator saw the query alone, the body is laid over it', () => {
    const journal = new Journal(10);
    answered(journal, {}, { url: '/p?aid=1', form: 'aid=2&play_type=3', validate: validator, merged: false });
    expect(journal.query()[0]!.params).toEqual({ aid: '2', play_type: '3', ps: 20 });
  });

  it('one reused entry keeps any text exactly, whatever its length and script (seed 7)', () => {
    const journal = new Journal(1);
    // A fixed linear congruential sequence: a failure shows the same texts again.
    let seed = 7;
    const rng = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['a', '长', '😀', '%20', 'é', '+'];
    for (let i = 0; i < 300; i++) {
      const message = Array.from({ length: rng(400) }, () => pieces[rng(pieces.length)]).join('');
      const entry = journal.start('POST', '/x/v2/reply/add', Date.now(), {});
      journal.handling(entry, 0);
      journal.event({ type: 'comment.posted', actor: 0, data: { text: message } });
      // URLs arrive as latin1 text (Node's parser): one byte per character there, two in UTF-8 here.
      const url = `/x/v2/reply/add?n=${i}&l=${'\u00e9'.repeat(rng(5))}`;
      keepRequest(entry, url, `message=${encodeURIComponent(message)}&raw=${message}`, undefined, null, true);
      entry.status = 200;
      journal.finish(entry);
      const [read] = journal.query();
      expect(read!.params['n']).toBe(String(i));
      expect(read!.params['l']).toBe(url.slice(url.indexOf('&l=') + 3));
      expect(read!.params['message']).toBe(message);
      expect(read!.events).toEqual([{ type: 'comment.posted', data: { text: message } }]);
    }
  });

  it('events as JSON: what JSON.stringify writes of their type and data, for every kind of value', () => {
    const data = {
      n: 3,
      big: 3493118000,
      float: -0.5,
      zero: -0,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      s: 'q"\\\n长😀\u2028',
      t: true,
      f: false,
      none: null,
      missing: undefined,
      fn: () => 1,
      list: [1, 'a', undefined, { x: 1 }],
      nested: { a: { b: [] }, c: undefined },
      date: new Date(0),
      '键 "quoted"': 1,
    };
    const events = [
      { type: 'heartbeat.stored', data: { aid: 1, cid: 2, played_time: 15, play_type: 0 } },
      { type: 'odd "type"', data },
      { type: 'empty', data: {} },
      // Not the usual shape: whatever JSON.stringify makes of it.
      { type: 'list', data: [1, 'a'] as unknown as Record<string, unknown> },
      { type: 'date', data: new Date(0) as unknown as Record<string, unknown> },
      { type: 'none', data: null as unknown as Record<string, unknown> },
      { type: 'boxed', data: new String('ab') as unknown as Record<string, unknown> },
      { type: 'boxed', data: new Number(1) as unknown as Record<string, unknown> },
      { type: 'map', data: new Map([['a', 1]]) as unknown as Record<string, unknown> },
      {
        type: 'bare',
        data: Object.assign(Object.create(null) as object, { a: 1 }) as Record<string, unknown>,
      },
    ];
    expect(eventsJson(events)).toBe(JSON.stringify(events));
    expect(eventsJson([])).toBe('[]');
    // A type seen again with other keys, another order, fewer or more keys, or a value that is not flat.
    const again = [
      { type: 'heartbeat.stored', data: { aid: 3, cid: 4, played_time: -1, play_type: 4 } },
      { type: 'heartbeat.stored', data: { cid: 4, aid: 3, played_time: 1, play_type: 0 } },
      { type: 'heartbeat.stored', data: { aid: 3, cid: 4 } },
      { type: 'heartbeat.stored', data: { aid: 3, cid: 4, played_time: 1, play_type: 0, extra: 's' } },
      { type: 'heartbeat.stored', data: { aid: 3, cid: 4, played_time: undefined, play_type: [0] } },
      { type: 'heartbeat.stored', data: {} },
      { type: 'empty', data: { now: 'some' } },
      { type: 'odd "type"', data: { ...data } },
    ];
    expect(eventsJson(again)).toBe(JSON.stringify(again));
  });

  it('a URL without a query string is read back as the path', () => {
    const journal = new Journal(2);
    answered(journal, {}, { url: '/x/report', form: 'aid=7', validate: validator });
    answered(journal, {}, { url: '/x/report?aid=8&play_type=1', validate: validator });
    const [first, second] = journal.query();
    expect(first!.params).toEqual({ aid: 7, ps: 20 });
    expect(second!.params).toEqual({ aid: 8, play_type: 1, ps: 20 });
  });

  it('every entry still in the ring reads back its own text while later ones wrap the log (seed 11)', () => {
    const size = 5;
    const journal = new Journal(size);
    let seed = 11;
    const rng = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const sent: string[] = [];
    for (let i = 0; i < 400; i++) {
      // Mostly texts that take most of a slot of the log (1 KiB), now and then one far over it (in bytes:
      // each 长 is three; a value is kept up to 1,024 characters).
      const text =
        rng(10) === 0
          ? `${i}${'长'.repeat(300 + rng(700))}`
          : `${i}长${'xy'.repeat((600 + rng(350)) >> 1)}`.slice(0, 600 + rng(350));
      sent.push(text);
      const entry = journal.start('POST', '/x/v2/reply/add', Date.now(), {});
      journal.handling(entry, 0);
      journal.event({ type: 'comment.posted', actor: 0, data: { i } });
      keepRequest(
        entry,
        `/x/v2/reply/add?i=${i}`,
        `message=${encodeURIComponent(text)}`,
        undefined,
        null,
        true,
      );
      entry.status = 200;
      journal.finish(entry);
      const kept = journal.query();
      expect(kept).toHaveLength(Math.min(i + 1, size));
      kept.forEach((read, k) => {
        const n = i - (kept.length - 1) + k;
        expect(read.params).toEqual({ i: String(n), message: sent[n] });
        expect(read.events).toEqual([{ type: 'comment.posted', data: { i: n } }]);
      });
    }
  });

  it('an entry finished (or reused) is no longer held by the request that had it', () => {
    const journal = new Journal(1);
    const first = {};
    const entry = journal.start('GET', '/a', Date.now(), first);
    expect(journal.holds(entry, first)).toBe(true);
    keepRequest(entry, '/a', null, undefined, null, false);
    journal.finish(entry);
    expect(journal.holds(entry, first)).toBe(false);
    answered(journal, {}, { url: '/b' });
    const second = {};
    const reused = journal.start('GET', '/c', Date.now(), second);
    expect(reused).toBe(entry);
    expect(journal.holds(reused, first)).toBe(false);
    expect(journal.holds(reused, second)).toBe(true);
  });
});
