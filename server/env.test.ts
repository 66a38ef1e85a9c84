import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('fills local defaults in development', () => {
    const e = parseEnv({ NODE_ENV: 'development' });
    expect(e.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/perfdeck');
    expect(e.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(e.PERFDECK_ENCRYPTION_KEY).toMatch(/^[0-9a-f]{64}$/);
  });
  it('names the variable that is wrong', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => parseEnv({ PERFDECK_ENCRYPTION_KEY: 'short' })).toThrow(/PERFDECK_ENCRYPTION_KEY: must be 64 hex/);
    expect(() => parseEnv({ DEMO_PORT: '70000' })).toThrow(/DEMO_PORT/);
  });
  it('refuses to start in production without an encryption key or auth secret', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(40) })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(40) })).toThrow(/Missing environment variable PERFDECK_ENCRYPTION_KEY/);
    expect(() => parseEnv({ NODE_ENV: 'production', PERFDECK_ENCRYPTION_KEY: 'a'.repeat(64) })).toThrow(/BETTER_AUTH_SECRET/);
    const ok = parseEnv({ NODE_ENV: 'production', PERFDECK_ENCRYPTION_KEY: 'a'.repeat(64), BETTER_AUTH_SECRET: 'x'.repeat(40) });
    expect(ok.PERFDECK_ENCRYPTION_KEY).toBe('a'.repeat(64));
  });
});
