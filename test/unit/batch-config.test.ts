import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('group-commit settings', () => {
  it('default to batches of 256 waiting at most 2 ms', () => {
    expect(loadConfig({}, {})).toMatchObject({ batchMaxSize: 256, batchMaxWaitMs: 2 });
  });

  it('are read from REPLAY_BATCH_MAX_SIZE and REPLAY_BATCH_MAX_WAIT_MS', () => {
    const env = { REPLAY_BATCH_MAX_SIZE: '64', REPLAY_BATCH_MAX_WAIT_MS: '0' };
    expect(loadConfig({}, env)).toMatchObject({ batchMaxSize: 64, batchMaxWaitMs: 0 });
  });

  it.each([
    [{ REPLAY_BATCH_MAX_SIZE: '0' }, /REPLAY_BATCH_MAX_SIZE/],
    [{ REPLAY_BATCH_MAX_SIZE: 'many' }, /REPLAY_BATCH_MAX_SIZE/],
    [{ REPLAY_BATCH_MAX_WAIT_MS: '-1' }, /REPLAY_BATCH_MAX_WAIT_MS/],
    [{ REPLAY_BATCH_MAX_WAIT_MS: '5000' }, /REPLAY_BATCH_MAX_WAIT_MS/],
  ])('rejects %o naming the variable', (env, name) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    expect(() => loadConfig({}, env)).toThrow(name);
  });
});
