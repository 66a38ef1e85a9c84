import { describe, expect, it } from 'vitest';
import { analyzePlan, nodeAt, planSummary, rootPlan } from './plan-findings';

const seq = (extra: Record<string, unknown> = {}) => ({
  'Node Type': 'Seq Scan',
  'Relation Name': 'leads',
  Schema: 'public',
  Alias: 'leads',
  'Total Cost': 7000,
  'Plan Rows': 20,
  Filter: "(status = 'qualified'::text)",
  ...extra,
});

describe('analyzePlan', () => {
  it('finds a selective Seq Scan from ANALYZE data and points at its node', () => {
    const plan = [
      {
        Plan: {
          'Node Type': 'Limit',
          'Total Cost': 7100,
          'Plan Rows': 20,
          'Actual Rows': 20,
          'Actual Loops': 1,
          Plans: [
            {
              'Node Type': 'Sort',
              'Parent Relationship': 'Outer',
              'Plan Rows': 20,
              'Actual Rows': 20,
              'Actual Loops': 1,
              'Sort Key': ['created_at DESC'],
              'Sort Method': 'top-N heapsort',
              'Sort Space Type': 'Memory',
              Plans: [seq({ 'Actual Rows': 25, 'Actual Loops': 1, 'Rows Removed by Filter': 299_975, 'Plan Rows': 30 })],
            },
          ],
        },
        'Execution Time': 40,
      },
    ];
    const f = analyzePlan(plan);
    expect(f.map((x) => x.kind)).toEqual(['seq_scan_filter']);
    expect(f[0].path).toEqual([0, 0]);
    expect(f[0].trail).toBe('Limit → Sort → Seq Scan on leads');
    expect(f[0].relation).toBe('public.leads');
    expect(f[0].severity).toBe('high');
    expect(nodeAt(plan, f[0].path)?.['Node Type']).toBe('Seq Scan');
  });

  it('uses table sizes for plain EXPLAIN and ignores small tables', () => {
    expect(analyzePlan({ Plan: seq() }, { tableRows: { 'public.leads': 300_000 } }).map((x) => x.kind)).toEqual(['seq_scan_filter']);
    expect(analyzePlan({ Plan: seq() }, { tableRows: { 'public.leads': 500 } })).toEqual([]);
    expect(analyzePlan({ Plan: seq() })).toEqual([]);
  });

  it('reports ×10 row-estimate misses only with ANALYZE data', () => {
    const off = { 'Node Type': 'Index Scan', 'Index Name': 'i', 'Relation Name': 't', 'Plan Rows': 10, 'Actual Rows': 5000, 'Actual Loops': 1 };
    const f = analyzePlan({ Plan: off });
    expect(f.map((x) => x.kind)).toEqual(['row_estimate_miss']);
    expect(f[0].detail.factor).toBe(500);
    expect(analyzePlan({ Plan: { ...off, 'Actual Rows': 50 } })).toEqual([]); // off ×5
    const { 'Actual Rows': _a, 'Actual Loops': _l, ...planOnly } = off;
    expect(analyzePlan({ Plan: planOnly })).toEqual([]);
  });

  it('reports sorts and hashes that spill to disk', () => {
    const f = analyzePlan({
      Plan: {
        'Node Type': 'Sort',
        'Sort Key': ['created_at'],
        'Sort Method': 'external merge',
        'Sort Space Used': 12000,
        'Sort Space Type': 'Disk',
        Plans: [{ 'Node Type': 'Hash', 'Hash Batches': 8, 'Plan Rows': 1 }],
      },
    });
    expect(f.map((x) => `${x.kind}@${x.path.join('.')}`)).toEqual(['sort_spill@', 'hash_spill@0']);
  });

  it('flags a nested loop whose inner side seq-scans per outer row (missing join index)', () => {
    const plan = {
      Plan: {
        'Node Type': 'Nested Loop',
        'Join Filter': '(p.lead_id = l.id)',
        'Plan Rows': 5000,
        Plans: [
          { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'leads', 'Plan Rows': 5000 },
          { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Inner', 'Relation Name': 'policies', 'Plan Rows': 1 },
        ],
      },
    };
    const f = analyzePlan(plan);
    expect(f.map((x) => x.kind)).toEqual(['missing_join_index']);
    expect(f[0].message).toContain('policies');
    // With an index lookup inside, only a very large outer side is worth a note.
    const indexed = structuredClone(plan);
    indexed.Plan.Plans[1] = { 'Node Type': 'Index Scan', 'Parent Relationship': 'Inner', 'Relation Name': 'policies', 'Plan Rows': 1 };
    expect(analyzePlan(indexed)).toEqual([]);
    indexed.Plan.Plans[0]['Plan Rows'] = 200_000;
    expect(analyzePlan(indexed).map((x) => x.kind)).toEqual(['nested_loop_large']);
  });

  it('accepts the JSON text and pg row shapes; summarizes cost and index names', () => {
    const text = JSON.stringify([{ Plan: { 'Node Type': 'Index Scan', 'Index Name': '<13556>btree_t_n', 'Total Cost': 8.3, 'Startup Cost': 0.29 } }]);
    expect(rootPlan(text)?.['Node Type']).toBe('Index Scan');
    expect(rootPlan({ 'QUERY PLAN': JSON.parse(text) })?.['Node Type']).toBe('Index Scan');
    expect(planSummary(text)).toEqual({ totalCost: 8.3, startupCost: 0.29, indexes: ['<13556>btree_t_n'] });
    expect(analyzePlan('not json')).toEqual([]);
  });
});
