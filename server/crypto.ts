import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { env } from './env';

// AES-256-GCM for target secrets (DSNs, URLs with credentials). Format: v1.<iv>.<tag>.<ciphertext>, base64url.
// node:crypto is the well-kept library here; this file only fixes the envelope format.

function key(hex = env().PERFDECK_ENCRYPTION_KEY): Buffer {
  return Buffer.from(hex, 'hex');
}

export function encryptSecret(plain: string, keyHex?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(keyHex), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function decryptSecret(envelope: string, keyHex?: string): string {
  const [v, iv, tag, data] = envelope.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised secret envelope');
  const decipher = createDecipheriv('aes-256-gcm', key(keyHex), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
