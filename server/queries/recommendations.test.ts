import { describe, expect, it } from 'vitest';
import { readTar } from './tar';
import { applyProgressLabel, migrationDownload, recommendationActions, type StoredRecommendation } from './recommendations';

const rec: StoredRecommendation = {
  kind: 'create',
  schema: 'public',
  table: 'leads',
  name: 'leads_status_created_at_idx',
  method: 'btree',
  keys: [{ name: 'status' }, { name: 'created_at' }],
  include: [],
  predicate: null,
  queries: [{ queryid: '1', query: 'SELECT id FROM leads WHERE status = $1 AND created_at >= $2\nORDER BY created_at DESC LIMIT $3' }],
};

describe('recommendationActions', () => {
  it('lets an approver approve or reject a proposal, and tells an operator why not', () => {
    const a = recommendationActions({ state: 'proposed', kind: 'create' }, 'approver');
    expect(a.approve).toEqual({ enabled: true, reason: null });
    expect(a.reject.enabled).toBe(true);
    expect(a.rollback.enabled).toBe(false);
    expect(a.approveLabel).toBe('Approve and apply');
    const o = recommendationActions({ state: 'proposed', kind: 'create' }, 'operator');
    expect(o.approve).toEqual({ enabled: false, reason: 'Needs the approver role (you are an operator)' });
    expect(recommendationActions({ state: 'proposed', kind: 'create' }, 'viewer').reject.reason).toBe('Needs the approver role (you are a viewer)');
  });

  it('follows the state: retry after failure, rollback only for applied creations', () => {
    expect(recommendationActions({ state: 'failed', kind: 'create' }, 'admin').approveLabel).toBe('Retry apply');
    expect(recommendationActions({ state: 'applying', kind: 'create' }, 'admin').approve).toEqual({ enabled: false, reason: 'Not possible while applying' });
    expect(recommendationActions({ state: 'applied', kind: 'create' }, 'approver').rollback.enabled).toBe(true);
    expect(recommendationActions({ state: 'applied', kind: 'drop' }, 'approver').rollback.enabled).toBe(false);
    expect(recommendationActions({ state: 'proposed', kind: 'drop' }, 'approver').approveLabel).toBe('Approve and drop');
  });
});

describe('migrationDownload', () => {
  const now = new Date('2026-12-04T20:00:00Z');
  it('renders the CREATE INDEX migration as SQL and as a Prisma folder in a tar', () => {
    const m = migrationDownload(rec, { now });
    expect(m.name).toBe('20261204200000_add_index_leads_status_created_at');
    expect(m.sqlFileName).toBe(`${m.name}.sql`);
    expect(m.sql).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "leads_status_created_at_idx" ON "public"."leads"');
    expect(m.sql.split('\n').filter((l) => l && !l.startsWith('--'))).toHaveLength(1); // one statement, alone
    const files = readTar(m.tar).filter((f) => f.type === 'file');
    expect(files).toEqual([{ path: `prisma/migrations/${m.name}/migration.sql`, type: 'file', content: m.sql }]);
  });

  it('renders a hygiene drop with its reason, newlines in names neutralised', () => {
    const m = migrationDownload({ ...rec, kind: 'drop', name: 'old\nidx', dropReason: 'duplicate of\n"leads_pkey"' }, { now });
    expect(m.sql).toContain('DROP INDEX CONCURRENTLY IF EXISTS "public"."old\nidx";');
    expect(m.sql.split('\n').filter((l) => l.startsWith('-- Why'))).toEqual(['-- Why: duplicate of "leads_pkey"']);
    expect(m.name).toMatch(/^20261204200000_drop_index_old/);
  });
});

describe('applyProgressLabel', () => {
  it('says what is happening', () => {
    expect(applyProgressLabel('approved', null)).toBe('Approved, waiting for a worker');
    expect(applyProgressLabel('applying', 'building index: scanning table')).toBe('Building index: scanning table');
    expect(applyProgressLabel('applying', 'starting')).toBe('Starting CREATE INDEX CONCURRENTLY');
    expect(applyProgressLabel('did_not_help', null)).toBe('did not help');
  });
});
