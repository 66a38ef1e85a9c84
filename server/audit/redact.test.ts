import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('removes secrets at any depth and keeps the rest', () => {
    const out = redactSecrets({
      name: 'demo',
      baseUrl: 'http://127.0.0.1:4010',
      postgresDsnEnc: 'v1.abc',
      nested: { password: 'hunter2', tokenHash: 'x', keep: 1 },
      list: [{ redisUrl: 'redis://:pw@h' }],
      postgresHint: 'h:5432/db',
    });
    expect(out).toEqual({
      name: 'demo',
      baseUrl: 'http://127.0.0.1:4010',
      postgresDsnEnc: '[redacted]',
      nested: { password: '[redacted]', tokenHash: '[redacted]', keep: 1 },
      list: [{ redisUrl: '[redacted]' }],
      postgresHint: 'h:5432/db',
    });
  });
  it('keeps nulls as null so "removed" is visible', () => {
    expect(redactSecrets({ postgresDsnEnc: null })).toEqual({ postgresDsnEnc: null });
  });
  it('serialises dates and bigints', () => {
    expect(redactSecrets({ at: new Date(0), id: 5n })).toEqual({ at: '1970-01-01T00:00:00.000Z', id: '5' });
  });
});
