import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      db: './data/replay.db',
      demo: true,
      adminTokenGenerated: true,
    });
    expect(c.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
  });

  it('reads the environment; flags win over it', () => {
    const env = {
      REPLAY_PORT: '9000',
      REPLAY_HOST: '0.0.0.0',
      REPLAY_DB: 'postgres://u@h/db',
      REPLAY_ADMIN_TOKEN: 'x'.repeat(20),
    };
    expect(loadConfig({}, env)).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      db: 'postgres://u@h/db',
      adminToken: 'x'.repeat(20),
      adminTokenGenerated: false,
    });
    expect(loadConfig({ port: '9100' }, env).port).toBe(9100);
  });

  it.each([
    [{ REPLAY_PORT: 'eighty' }, /REPLAY_PORT/],
    [{ REPLAY_PORT: '70000' }, /REPLAY_PORT/],
    [{ REPLAY_DB: 'mysql://x' }, /REPLAY_DB/],
    [{ REPLAY_ADMIN_TOKEN: 'short' }, /REPLAY_ADMIN_TOKEN/],
    [{ REPLAY_LOG_LEVEL: 'loud' }, /REPLAY_LOG_LEVEL/],
    [{ REPLAY_DEMO: 'maybe' }, /REPLAY_DEMO/],
  ])('rejects %o naming the setting', (env, name) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    expect(() => loadConfig({}, env)).toThrow(name);
  });
});
