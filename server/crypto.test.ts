import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, sha256Hex } from './crypto';

const KEY = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

describe('secret envelope (AES-256-GCM)', () => {
  it('round-trips and never contains the plaintext', () => {
    const dsn = 'postgresql://admin:s3cret@db:5432/app';
    const enc = encryptSecret(dsn, KEY);
    expect(enc.startsWith('v1.')).toBe(true);
    expect(enc).not.toContain('s3cret');
    expect(decryptSecret(enc, KEY)).toBe(dsn);
  });
  it('uses a fresh IV each time', () => {
    expect(encryptSecret('x', KEY)).not.toBe(encryptSecret('x', KEY));
  });
  it('rejects a wrong key or a tampered ciphertext', () => {
    const enc = encryptSecret('hello', KEY);
    expect(() => decryptSecret(enc, OTHER)).toThrow();
    const parts = enc.split('.');
    parts[3] = Buffer.from('jello').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), KEY)).toThrow();
    expect(() => decryptSecret('garbage', KEY)).toThrow(/envelope/);
  });
  it('hashes tokens with sha256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
