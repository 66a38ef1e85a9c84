import { describe, expect, it } from 'vitest';
import { createTar, readTar, splitTarPath } from './tar';

describe('createTar', () => {
  it('writes directories and files that read back, in 512-byte blocks', () => {
    const sql = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "leads_status_created_at_idx" ON "public"."leads" USING btree ("status", "created_at");\n';
    const tar = createTar([{ path: 'prisma/migrations/20261204200000_add_index_leads_status_created_at/migration.sql', content: sql }], { mtime: new Date('2026-12-04T20:00:00Z') });
    expect(tar.length % 512).toBe(0);
    expect(readTar(tar)).toEqual([
      { path: 'prisma/', type: 'dir', content: '' },
      { path: 'prisma/migrations/', type: 'dir', content: '' },
      { path: 'prisma/migrations/20261204200000_add_index_leads_status_created_at/', type: 'dir', content: '' },
      { path: 'prisma/migrations/20261204200000_add_index_leads_status_created_at/migration.sql', type: 'file', content: sql },
    ]);
    // ustar magic at offset 257 of the first header
    expect(new TextDecoder().decode(tar.subarray(257, 262))).toBe('ustar');
  });

  it('splits long paths into prefix and name', () => {
    const long = `prisma/migrations/${'x'.repeat(90)}/migration.sql`;
    expect(splitTarPath(long)).toEqual({ prefix: `prisma/migrations/${'x'.repeat(90)}`, name: 'migration.sql' });
    const tar = createTar([{ path: long, content: 'a' }]);
    expect(readTar(tar).at(-1)).toEqual({ path: long, type: 'file', content: 'a' });
    expect(() => splitTarPath('y'.repeat(300))).toThrow(RangeError);
  });

  it('refuses unsafe paths', () => {
    for (const p of ['/etc/passwd', '../x', 'a/../b', 'a//b', '', 'naïve.sql']) expect(() => createTar([{ path: p, content: '' }])).toThrow(/unsafe path/);
  });

  it('detects a corrupted header', () => {
    const tar = createTar([{ path: 'a.sql', content: 'x' }]);
    tar[0] = 'b'.charCodeAt(0);
    expect(() => readTar(tar)).toThrow(/checksum/);
  });
});
