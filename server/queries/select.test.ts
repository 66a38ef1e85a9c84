import { describe, expect, it } from 'vitest';
import { findCoveringIndex, selectIndexes, type CandidateInput, type TableWriteStats, type WorkloadQuery } from './select';
import type { ExistingIndex, IndexColumn } from './types';

const MB = 1 << 20;
const t = (name: string) => ({ schema: 'public', name });

function cand(
  table: string,
  columns: (string | IndexColumn)[],
  sizeBytes: number,
  costs: Record<string, number | [number, boolean]>,
  extra: Partial<CandidateInput> = {},
): CandidateInput {
  return {
    table: t(table),
    method: 'btree',
    columns: columns.map((c) => (typeof c === 'string' ? { name: c } : c)),
    include: [],
    where: null,
    sizeBytes,
    costs: Object.fromEntries(
      Object.entries(costs).map(([q, v]) => [q, Array.isArray(v) ? { cost: v[0], used: v[1] } : { cost: v, used: true }]),
    ),
    ...extra,
  };
}

const q = (id: string, baselineCost: number, callsPerDay: number, meanMs: number): WorkloadQuery => ({
  id,
  query: `q${id}`,
  baselineCost,
  callsPerDay,
  meanMs,
});

const quiet = (name: string, extra: Partial<TableWriteStats> = {}): TableWriteStats => ({
  table: t(name),
  insertsPerDay: 0,
  updatesPerDay: 0,
  deletesPerDay: 0,
  rowWidth: 100,
  ...extra,
});

const shape = (r: ReturnType<typeof selectIndexes>) => r.chosen.map((c) => `${c.candidate.table.name}(${c.candidate.columns.map((x) => x.name).join(',')})`);

describe('selectIndexes', () => {
  it('takes the most valuable indexes first and stops at the index budget', () => {
    const queries = [q('1', 10_000, 1000, 50), q('2', 10_000, 100, 50), q('3', 10_000, 10, 50)];
    const cands = [cand('a', ['x'], MB, { 1: 10 }), cand('b', ['y'], MB, { 2: 10 }), cand('c', ['z'], MB, { 3: 10 })];
    const tables = [quiet('a'), quiet('b'), quiet('c')];
    expect(shape(selectIndexes(queries, cands, tables))).toEqual(['a(x)', 'b(y)', 'c(z)']);
    const r = selectIndexes(queries, cands, tables, { maxIndexes: 2 });
    expect(shape(r)).toEqual(['a(x)', 'b(y)']);
    expect(r.rejected.find((x) => x.candidate.table.name === 'c')?.reason).toBe('budget_indexes');
  });

  it('respects the byte budget and the per-table budget', () => {
    const queries = [q('1', 10_000, 1000, 50), q('2', 10_000, 500, 50), q('3', 10_000, 400, 50)];
    const cands = [cand('a', ['x'], 80 * MB, { 1: 10 }), cand('a', ['y'], 10 * MB, { 2: 10 }), cand('a', ['z'], 10 * MB, { 3: 10 })];
    const tables = [quiet('a')];
    expect(shape(selectIndexes(queries, cands, tables, { maxTotalBytes: 50 * MB }))).toEqual(['a(y)', 'a(z)']);
    const perTable = selectIndexes(queries, cands, tables, { maxIndexesPerTable: 1 });
    expect(shape(perTable)).toEqual(['a(x)']);
    expect(perTable.rejected.map((x) => x.reason)).toEqual(['budget_table', 'budget_table']);
  });

  it('a higher write rate yields fewer indexes', () => {
    const queries = [q('1', 10_000, 10_000, 5), q('2', 10_000, 2_000, 5), q('3', 10_000, 200, 5)];
    const cands = [cand('a', ['x'], MB, { 1: 10 }), cand('a', ['y'], MB, { 2: 10 }), cand('a', ['z'], MB, { 3: 10 })];
    // Savings 50 s, 10 s and 1 s a day; each index costs 0.0108 ms per written row.
    const counts = [0, 50_000, 500_000, 2_000_000, 10_000_000].map(
      (updatesPerDay) => selectIndexes(queries, cands, [quiet('a', { updatesPerDay })]).chosen.length,
    );
    expect(counts).toEqual([3, 3, 2, 1, 0]);
    const heavy = selectIndexes(queries, cands, [quiet('a', { updatesPerDay: 10_000_000 })]);
    expect(heavy.rejected.every((r) => r.reason === 'write_overhead')).toBe(true);
    expect(heavy.rejected[0].detail).toMatch(/saves .* but costs .* in index writes/);
  });

  it('updates that do not touch the indexed columns stay HOT and cost (almost) nothing', () => {
    const queries = [q('1', 10_000, 1000, 5)];
    const cands = [cand('a', ['x'], MB, { 1: 10 })];
    const touching = quiet('a', { updatesPerDay: 50_000_000, hotUpdatesPerDay: 50_000_000, updatedColumnsPerDay: { x: 50_000_000 } });
    const other = quiet('a', { updatesPerDay: 50_000_000, hotUpdatesPerDay: 50_000_000, updatedColumnsPerDay: { balance: 50_000_000 } });
    expect(selectIndexes(queries, cands, [touching]).chosen).toHaveLength(0);
    expect(selectIndexes(queries, cands, [other]).chosen).toHaveLength(1);
  });

  it('credits only the improvement over the best chosen index (marginal benefit) and explains the losers', () => {
    const queries = [q('lead', 20_000, 10_000, 40), q('recent', 20_000, 100, 40)];
    const cands = [
      cand('leads', ['status'], 6 * MB, { lead: 7_600, recent: [20_000, false] }),
      cand('leads', ['status', 'created_at'], 9 * MB, { lead: 400, recent: [20_000, false] }),
      cand('leads', ['status', 'created_at', 'state'], 49 * MB, { lead: 340, recent: [20_000, false] }),
      cand('leads', ['created_at'], 6 * MB, { lead: 15_000, recent: 100 }),
    ];
    const r = selectIndexes(queries, cands, [quiet('leads')]);
    expect(shape(r)).toEqual(['leads(status,created_at)', 'leads(created_at)']);
    const first = r.chosen[0];
    expect(first.queries.map((x) => x.id)).toEqual(['lead']);
    expect(first.costReductionPct).toBeCloseTo(98, 0);
    expect(first.competitors).toContain('(status) alone: 62% reduction vs 98%');
    expect(first.competitors.some((s) => /^\(status, created_at, state\) adds 40 MB for \+0\.3%$/.test(s))).toBe(true);
    // (created_at) is credited with the query it is best for, not with the lead search it only slightly improves.
    expect(r.chosen[1].queries.map((x) => x.id)).toEqual(['recent']);
    expect(r.rejected.find((x) => x.candidate.columns.length === 1 && x.candidate.columns[0].name === 'status')?.reason).toBe(
      'no_marginal_benefit',
    );
  });

  it('drops an index made redundant by a later, broader pick', () => {
    // (u) is best for q1 alone by a hair, but (u, b) serves q1, q2 and q3: (u) adds nothing worth keeping.
    const queries = [q('1', 10_000, 1000, 10), q('2', 10_000, 900, 10), q('3', 10_000, 900, 10)];
    const cands = [
      cand('posts', ['u'], MB, { 1: 8 }),
      cand('posts', ['u', 'b'], 2 * MB, { 1: 9, 2: 9, 3: 30 }),
    ];
    expect(shape(selectIndexes(queries, cands, [quiet('posts')]))).toEqual(['posts(u,b)']);
  });

  it('enforces the minimum improvement and ignores plans that do not use the index', () => {
    const queries = [q('1', 1000, 1000, 10)];
    const small = cand('a', ['x'], MB, { 1: 850 });
    const unused = cand('a', ['y'], MB, { 1: [100, false] });
    const r = selectIndexes(queries, [small, unused], [quiet('a')]);
    expect(r.chosen).toHaveLength(0);
    expect(r.rejected.map((x) => x.reason)).toEqual(['below_min_improvement', 'below_min_improvement']);
    expect(selectIndexes(queries, [small], [quiet('a')], { minImprovementPct: 10 }).chosen).toHaveLength(1);
  });

  it('suppresses candidates an existing index already serves (prefix, direction, INCLUDE)', () => {
    const existing: ExistingIndex = {
      schema: 'public',
      table: 'leads',
      name: 'leads_status_created_at_idx',
      method: 'btree',
      columns: [{ name: 'status' }, { name: 'created_at' }],
      include: ['email'],
      where: null,
      unique: false,
      primary: false,
      constraint: false,
      valid: true,
      sizeBytes: MB,
      scans: 10,
    };
    const queries = [q('1', 10_000, 1000, 10)];
    const c1 = cand('leads', ['status'], MB, { 1: 10 });
    const c2 = cand('leads', ['status', 'created_at'], MB, { 1: 10 }, { include: ['email'] });
    const c3 = cand('leads', ['status', { name: 'created_at', desc: true }], MB, { 1: 10 });
    const c4 = cand('leads', [{ name: 'status', desc: true }, { name: 'created_at', desc: true }], MB, { 1: 10 });
    const c5 = cand('leads', ['created_at'], MB, { 1: 10 });
    const c6 = cand('leads', ['status', 'created_at'], MB, { 1: 10 }, { include: ['phone'] });
    expect(findCoveringIndex(c1, [existing])?.name).toBe('leads_status_created_at_idx');
    expect(findCoveringIndex(c2, [existing])).not.toBeNull();
    expect(findCoveringIndex(c3, [existing])).toBeNull();
    expect(findCoveringIndex(c4, [existing])).not.toBeNull(); // fully inverted = backward scan
    expect(findCoveringIndex(c5, [existing])).toBeNull();
    expect(findCoveringIndex(c6, [existing])).toBeNull();
    expect(findCoveringIndex(c1, [{ ...existing, valid: false }])).toBeNull();
    expect(findCoveringIndex(c1, [{ ...existing, method: 'hash' }])).toBeNull();
    const r = selectIndexes(queries, [c1, c5], [quiet('leads')], { existing: [existing] });
    expect(shape(r)).toEqual(['leads(created_at)']);
    expect(r.rejected[0]).toMatchObject({ reason: 'suppressed_by_existing' });
    expect(r.rejected[0].detail).toContain('leads_status_created_at_idx');
  });

  it('adds savings on different tables of a join, and never picks unverified candidates', () => {
    const queries = [q('j', 30_000, 1000, 100)];
    const cands = [
      cand('leads', ['status'], MB, { j: 20_000 }),
      cand('policies', ['lead_id'], MB, { j: 12_000 }),
      cand('policies', ['email'], MB, { j: 100 }, { method: 'gin', unverified: true }),
    ];
    const r = selectIndexes(queries, cands, [quiet('leads'), quiet('policies')]);
    expect(shape(r).sort()).toEqual(['leads(status)', 'policies(lead_id)']);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0].reason).toBe('unverified');
    expect(r.workload.before).toBe(30_000_000);
    expect(r.workload.after).toBe(1000 * (30_000 - 10_000 - 18_000));
  });
});

describe('selectIndexes — robustness tie-break', () => {
  it('among near-equal candidates prefers the one that seeks on the equality predicates, then the smaller', () => {
    const queries: WorkloadQuery[] = [
      { ...q('renewals', 3000, 10_000, 15), equalityColumns: { 'public.policies': ['status'] } },
    ];
    const sortOnly = cand('policies', ['expiration_date'], 2 * MB, { renewals: 37 });
    const seek = cand('policies', ['status', 'expiration_date'], 4 * MB, { renewals: 38 });
    const r = selectIndexes(queries, [sortOnly, seek], [quiet('policies')]);
    expect(shape(r)).toEqual(['policies(status,expiration_date)']);
    expect(r.chosen[0].competitors[0]).toMatch(/^\(expiration_date\): about as cheap .* post-filters/);
    // Without equality information the smaller one wins the tie.
    const plain = selectIndexes([q('renewals', 3000, 10_000, 15)], [sortOnly, seek], [quiet('policies')]);
    expect(shape(plain)).toEqual(['policies(expiration_date)']);
    // A clearly cheaper candidate still wins on cost.
    const cheaper = cand('policies', ['expiration_date'], 2 * MB, { renewals: 5 });
    const seekWorse = cand('policies', ['status', 'expiration_date'], 4 * MB, { renewals: 400 });
    expect(shape(selectIndexes(queries, [cheaper, seekWorse], [quiet('policies')]))).toEqual(['policies(expiration_date)']);
  });
});
