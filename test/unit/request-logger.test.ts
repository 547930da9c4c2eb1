import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyRequestLogger } from '../../src/http/plugins/logging.ts';

/** A pino logger writing JSON lines into an array, with the time left out so lines compare. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level, timestamp: false, base: undefined }, stream) };
}

describe('request logger made on first use (childLoggerFactory)', () => {
  it('writes what a pino child with the same bindings writes, and nothing below the level', () => {
    const lazy = capture('warn');
    const eager = capture('warn');
    const request = lazyRequestLogger(lazy.logger, { reqId: 'req-7' }, {});
    const child = eager.logger.child({ reqId: 'req-7' }, {});
    expect(request.level).toBe('warn');
    for (const log of [request, child]) {
      log.info('not written');
      log.debug({ a: 1 }, 'not written either');
      log.warn({ code: -500 }, 'written');
      log.error(new Error('boom'), 'failed');
      log.child({ part: 'db' }).error('nested');
    }
    expect(lazy.lines.length).toBe(3);
    const withoutStack = (l: Record<string, unknown>) => ({ ...l, err: undefined });
    expect(lazy.lines.map(withoutStack)).toEqual(eager.lines.map(withoutStack));
    expect(lazy.lines[0]).toMatchObject({ reqId: 'req-7', code: -500, msg: 'written', level: 40 });
    expect(lazy.lines[2]).toMatchObject({ reqId: 'req-7', part: 'db', msg: 'nested' });
  });

  it('reports the level of the route option, and a level set on it applies to what it writes', () => {
    const { lines, logger } = capture('warn');
    const request = lazyRequestLogger(logger, { reqId: 'req-8' }, { level: 'debug' });
    expect(request.level).toBe('debug');
    request.debug('route at debug');
    request.level = 'error';
    request.warn('now below the level');
    expect(lines.map((l) => l['msg'])).toEqual(['route at debug']);
  });
});
