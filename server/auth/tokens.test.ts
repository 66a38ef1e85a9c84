import { describe, expect, it } from 'vitest';
import { generateApiToken, hashApiToken, parseBearer } from './tokens';

describe('API tokens', () => {
  it('generates distinct tokens whose hash is stored, not the token', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashApiToken(a.token));
    expect(a.hash).not.toContain(a.token);
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });
  it('parses only well-formed bearer headers', () => {
    const { token } = generateApiToken();
    expect(parseBearer(`Bearer ${token}`)).toBe(token);
    expect(parseBearer(`bearer ${token}`)).toBe(token); // the scheme is case-insensitive (RFC 9110)
    expect(parseBearer('Bearer abc')).toBeNull();
    expect(parseBearer(null)).toBeNull();
  });
});
