import { describe, expect, it } from 'vitest';
import { applyDdl, progressFraction, renderMigration, type ApplyRecommendation } from './apply-render';

const rec: ApplyRecommendation = {
  schema: 'public',
  table: 'leads',
  name: 'leads_status_created_at_idx',
  method: 'btree',
  keys: [{ name: 'status' }, { name: 'created_at', desc: true }],
  include: ['id'],
  predicate: null,
  queries: [{ queryid: '1', query: 'SELECT id FROM leads\nWHERE status = $1 ORDER BY created_at DESC LIMIT 20' }],
};

describe('applyDdl / renderMigration', () => {
  it('renders quoted DDL from the structured fields', () => {
    expect(applyDdl(rec)).toBe(
      'CREATE INDEX CONCURRENTLY "leads_status_created_at_idx" ON "public"."leads" USING btree ("status", "created_at" DESC) INCLUDE ("id")',
    );
    const evil = { ...rec, table: 'x"; DROP TABLE leads; --', name: 'n"', predicate: { column: 'st"atus', op: '=' as const, value: "a'b" } };
    expect(applyDdl(evil)).toBe(
      `CREATE INDEX CONCURRENTLY "n""" ON "public"."x""; DROP TABLE leads; --" USING btree ("status", "created_at" DESC) INCLUDE ("id") WHERE "st""atus" = 'a''b'`,
    );
    expect(() => applyDdl({ ...rec, method: 'btree; DROP' })).toThrow(/unsupported index method/);
  });

  it('produces a Prisma migration folder with a single CONCURRENTLY statement', () => {
    const m = renderMigration(rec, { now: new Date(Date.UTC(2026, 11, 24, 9, 5, 7)) });
    expect(m.prismaFolder.name).toBe('20261224090507_add_index_leads_status_created_at');
    expect(m.prismaFolder['migration.sql']).toBe(m.sql);
    const statements = m.sql.split('\n').filter((l) => l && !l.startsWith('--'));
    expect(statements).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "leads_status_created_at_idx" ON "public"."leads" USING btree ("status", "created_at" DESC) INCLUDE ("id");',
    ]);
    expect(m.sql).toContain('--   SELECT id FROM leads WHERE status = $1');
    // A newline in a catalog name cannot end the comment and smuggle in a statement.
    const sneaky = renderMigration({ ...rec, table: 'a\nDROP TABLE x;' });
    expect(sneaky.sql.split('\n')[0]).toBe('-- Perfdeck index recommendation for public.a DROP TABLE x; (index leads_status_created_at_idx).');
    // In the DDL the newline stays inside the quoted identifier.
    expect(sneaky.sql).toContain('ON "public"."a\nDROP TABLE x;" USING btree');
  });
});

describe('progressFraction', () => {
  it('maps CREATE INDEX CONCURRENTLY phases onto a monotonic 0–1 scale', () => {
    const seq = [
      { phase: 'initializing' },
      { phase: 'waiting for writers before build' },
      { phase: 'building index: scanning table', blocks_done: 0, blocks_total: 100 },
      { phase: 'building index: scanning table', blocks_done: 50, blocks_total: 100 },
      { phase: 'building index: scanning table', blocks_done: 100, blocks_total: 100 },
      { phase: 'building index: sorting live tuples' },
      { phase: 'building index: loading tuples in tree', tuples_done: 10, tuples_total: 20 },
      { phase: 'waiting for writers before validation' },
      { phase: 'index validation: scanning index', blocks_done: 5, blocks_total: 10 },
      { phase: 'index validation: sorting tuples' },
      { phase: 'index validation: scanning table', blocks_done: 10, blocks_total: 10 },
      { phase: 'waiting for old snapshots' },
    ];
    const f = seq.map(progressFraction);
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeGreaterThanOrEqual(f[i - 1]);
    expect(f[3]).toBeCloseTo(0.275, 6);
    expect(f[f.length - 1]).toBeLessThan(1);
    expect(progressFraction({ phase: 'something new' })).toBe(0);
  });
});
