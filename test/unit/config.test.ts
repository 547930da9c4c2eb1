import { describe, expect, it } from 'vitest';
import { cliOption, ConfigError, environmentHelp, loadConfig } from '../../src/config.ts';

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

  it('names a setting with a flag by both (--port / REPLAY_PORT), others by the variable', () => {
    expect(() => loadConfig({}, { REPLAY_PORT: 'x' })).toThrow(/^invalid setting --port \/ REPLAY_PORT: /);
    expect(() => loadConfig({}, { REPLAY_DEMO: 'x' })).toThrow(/^invalid setting --no-demo \/ REPLAY_DEMO: /);
    expect(() => loadConfig({}, { REPLAY_BODY_LIMIT: 'x' })).toThrow(/^invalid setting REPLAY_BODY_LIMIT: /);
  });

  it('help comes from the same declarations: every variable once, flags with their variable and default', () => {
    const variables = environmentHelp()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[0]);
    expect(variables).toContain('REPLAY_PORT');
    expect(variables).toContain('REPLAY_DUPLICATE_WINDOW_SECONDS');
    expect(new Set(variables).size).toBe(variables.length);
    for (const variable of variables) expect(variable).toMatch(/^REPLAY_[A-Z0-9_]+$/);
    expect(cliOption('port')).toEqual({
      flags: '--port <port>',
      description: 'port to listen on (env REPLAY_PORT, default 8080)',
    });
    expect(cliOption('demo').flags).toBe('--no-demo');
  });
});
