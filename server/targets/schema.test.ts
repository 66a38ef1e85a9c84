import { describe, expect, it } from 'vitest';
import { TargetInputSchema, redactUrl } from './schema';

describe('TargetInputSchema', () => {
  it('accepts a full target and trims the trailing slash', () => {
    const r = TargetInputSchema.parse({
      name: ' Demo ',
      baseUrl: 'http://127.0.0.1:4010/',
      postgresDsn: 'postgresql://u:p@127.0.0.1:5432/db',
      redisUrl: '',
      prometheusUrl: '',
    });
    expect(r).toEqual({ name: 'Demo', baseUrl: 'http://127.0.0.1:4010', postgresDsn: 'postgresql://u:p@127.0.0.1:5432/db', redisUrl: undefined, prometheusUrl: undefined });
  });
  it('explains each bad field', () => {
    const r = TargetInputSchema.safeParse({ name: '', baseUrl: 'ftp://x', postgresDsn: 'mysql://x' });
    expect(r.success).toBe(false);
    const fields = Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(fields.name).toMatch(/name/);
    expect(fields.baseUrl).toMatch(/base URL/);
    expect(fields.postgresDsn).toMatch(/postgresql:\/\//);
  });
});

describe('redactUrl', () => {
  it('drops user and password', () => {
    expect(redactUrl('postgresql://admin:s3cret@db.internal:5432/app')).toBe('postgresql://db.internal:5432/app');
    expect(redactUrl('redis://:pw@127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl(undefined)).toBeNull();
  });
});
