import { describe, expect, it } from 'vitest';
import { findIndexHygiene, isPrefixCovered } from './hygiene';
import type { ExistingIndex } from './types';

function ix(name: string, cols: string[], extra: Partial<ExistingIndex> = {}): ExistingIndex {
  return {
    schema: 'public',
    table: 'leads',
    name,
    method: 'btree',
    columns: cols.map((c) => (c.endsWith(' desc') ? { name: c.slice(0, -5), desc: true } : { name: c })),
    include: [],
    where: null,
    unique: false,
    primary: false,
    constraint: false,
    valid: true,
    sizeBytes: 1 << 20,
    scans: 100,
    ...extra,
  };
}

const summary = (r: ReturnType<typeof findIndexHygiene>) => r.map((d) => `${d.kind}:${d.index}${d.coveredBy ? `<${d.coveredBy}` : ''}`);

describe('findIndexHygiene', () => {
  it('flags a prefix-covered index as duplicate with DROP INDEX CONCURRENTLY', () => {
    const r = findIndexHygiene([ix('leads_status_idx', ['status']), ix('leads_status_created_idx', ['status', 'created_at'])]);
    expect(summary(r)).toEqual(['duplicate:leads_status_idx<leads_status_created_idx']);
    expect(r[0].ddl).toBe('DROP INDEX CONCURRENTLY IF EXISTS "public"."leads_status_idx"');
    expect(r[0].reason).toMatch(/leading prefix of "leads_status_created_idx"/);
  });

  it('does not call it a duplicate when direction, predicate, method or table differ, or when the cover is invalid', () => {
    const big = ix('big', ['status', 'created_at']);
    expect(isPrefixCovered(ix('a', ['created_at']), big)).toBe(false);
    expect(isPrefixCovered(ix('a', ['status desc']), big)).toBe(false);
    expect(isPrefixCovered(ix('a', ['status'], { where: "status = 'new'" }), big)).toBe(false);
    expect(isPrefixCovered(ix('a', ['status'], { method: 'hash' }), big)).toBe(false);
    expect(isPrefixCovered(ix('a', ['status'], { table: 'policies' }), big)).toBe(false);
    expect(isPrefixCovered(ix('a', ['status']), { ...big, valid: false })).toBe(false);
    expect(isPrefixCovered(ix('a', ['status'], { include: ['email'] }), big)).toBe(false);
    expect(isPrefixCovered(ix('a', ['status'], { include: ['created_at'] }), big)).toBe(true);
  });

  it('never drops constraint-backing or unique indexes as duplicates of non-unique ones', () => {
    const pk = ix('leads_pkey', ['id'], { primary: true, unique: true, constraint: true, scans: 0 });
    const wide = ix('leads_id_status_idx', ['id', 'status']);
    const uniq = ix('leads_email_key', ['email'], { unique: true, scans: 0 });
    const wideEmail = ix('leads_email_status_idx', ['email', 'status']);
    expect(summary(findIndexHygiene([pk, wide, uniq, wideEmail]))).toEqual([]);
  });

  it('of two identical indexes drops exactly one, keeping the constraint-backed one', () => {
    expect(summary(findIndexHygiene([ix('b_idx', ['status']), ix('a_idx', ['status'])]))).toEqual(['duplicate:b_idx<a_idx']);
    const pk = ix('leads_pkey', ['id'], { primary: true, unique: true, constraint: true });
    const copy = ix('a_copy', ['id'], { unique: true });
    expect(summary(findIndexHygiene([pk, copy]))).toEqual(['duplicate:a_copy<leads_pkey']);
  });

  it('flags unused non-unique indexes and invalid ones, but not indexes still being built', () => {
    const r = findIndexHygiene(
      [
        ix('unused_idx', ['score'], { scans: 0 }),
        ix('used_idx', ['state'], { scans: 5 }),
        ix('broken_idx', ['zip'], { valid: false, scans: 0 }),
        ix('building_idx', ['phone'], { valid: false, inProgress: true, scans: 0 }),
        ix('unknown_idx', ['source'], { scans: null }),
      ],
      { statsSince: '2026-01-01T00:00:00Z' },
    );
    expect(summary(r)).toEqual(['invalid:broken_idx', 'unused:unused_idx']);
    expect(r[1].reason).toContain('since 2026-01-01T00:00:00Z');
    expect(summary(findIndexHygiene([ix('unused_idx', ['score'], { scans: 0 })], { includeUnused: false }))).toEqual([]);
    expect(summary(findIndexHygiene([ix('unused_idx', ['score'], { scans: 0, sizeBytes: 8192 })], { minUnusedBytes: 65536 }))).toEqual([]);
  });
});
