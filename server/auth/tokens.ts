import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../crypto';

// API tokens: "pd_" + 32 random bytes (base64url). Only the SHA-256 hash is stored, plus a short prefix to recognise it.
export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const token = `pd_${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, 10), hash: sha256Hex(token) };
}

export function hashApiToken(token: string): string {
  return sha256Hex(token);
}

export function parseBearer(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(pd_[A-Za-z0-9_-]{20,})\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}
