import { describe, expect, it } from 'vitest';
import { analyzePlan } from './plan-findings';
import { buildPlanTree, orphanFindings } from './plan-tree';

// The demo's lead search without an index, as EXPLAIN (FORMAT JSON) returns it (trimmed).
const leadSearch = [
  {
    Plan: {
      'Node Type': 'Limit',
      'Startup Cost': 9000,
      'Total Cost': 9002.5,
      'Plan Rows': 20,
      'Plan Width': 120,
      Plans: [
        {
          'Node Type': 'Gather Merge',
          'Parent Relationship': 'Outer',
          'Startup Cost': 9000,
          'Total Cost': 9100,
          'Plan Rows': 300,
          'Plan Width': 120,
          'Workers Planned': 2,
          Plans: [
            {
              'Node Type': 'Sort',
              'Parent Relationship': 'Outer',
              'Startup Cost': 8000,
              'Total Cost': 8001,
              'Plan Rows': 150,
              'Sort Key': ['leads.created_at DESC', 'leads.id DESC'],
              Plans: [
                {
                  'Node Type': 'Seq Scan',
                  'Parent Relationship': 'Outer',
                  'Parallel Aware': true,
                  'Relation Name': 'leads',
                  Schema: 'public',
                  Alias: 'leads',
                  'Startup Cost': 0,
                  'Total Cost': 7900,
                  'Plan Rows': 150,
                  'Plan Width': 120,
                  Filter: '((created_at >= $2) AND (created_at < $3) AND (status = $1))',
                },
              ],
            },
          ],
        },
      ],
    },
  },
];

describe('buildPlanTree', () => {
  it('builds a node per plan node with costs, rows, details and the finding on the seq scan', () => {
    const findings = analyzePlan(leadSearch, { tableRows: { 'public.leads': 300_000 } });
    expect(findings.map((f) => f.kind)).toEqual(['seq_scan_filter']);
    const tree = buildPlanTree(leadSearch, findings)!;
    expect(tree.nodeCount).toBe(4);
    expect(tree.flaggedCount).toBe(1);
    expect(tree.analyzed).toBe(false);
    expect(tree.totalCost).toBe(9002.5);
    const scan = tree.root.children[0].children[0].children[0];
    expect(scan).toMatchObject({ id: '0.0.0', depth: 3, nodeType: 'Seq Scan', relation: 'public.leads', planRows: 150, totalCost: 7900 });
    expect(scan.label).toBe('Seq Scan on leads');
    expect(scan.findings[0].message).toContain('Seq Scan on public.leads is estimated to keep 150 of 300000 rows');
    expect(scan.details).toEqual(
      expect.arrayContaining([
        { label: 'Filter', value: '((created_at >= $2) AND (created_at < $3) AND (status = $1))' },
        { label: 'Parallel', value: 'yes' },
      ]),
    );
    expect(tree.root.children[0].children[0].details).toContainEqual({ label: 'Sort key', value: 'leads.created_at DESC, leads.id DESC' });
    // the seq scan is where the cost is
    expect(scan.selfCostShare).toBeCloseTo(7900 / 9002.5, 6);
    expect(tree.root.selfCostShare).toBe(0);
  });

  it('reads ANALYZE figures and the timing summary', () => {
    const analyzed = [{ Plan: { 'Node Type': 'Index Scan', 'Index Name': 'leads_status_created_at_idx', 'Relation Name': 'leads', 'Total Cost': 8.4, 'Plan Rows': 20, 'Actual Rows': 20, 'Actual Loops': 1, 'Actual Total Time': 0.05 }, 'Planning Time': 0.2, 'Execution Time': 0.09 }];
    const t = buildPlanTree(analyzed)!;
    expect(t.analyzed).toBe(true);
    expect(t.executionMs).toBe(0.09);
    expect(t.planningMs).toBe(0.2);
    expect(t.root.actual).toEqual({ rows: 20, loops: 1, totalMs: 0.05 });
    expect(t.root.index).toBe('leads_status_created_at_idx');
  });

  it('returns null for anything that is not a plan, and caps huge plans without losing findings', () => {
    expect(buildPlanTree('nonsense')).toBeNull();
    expect(buildPlanTree({})).toBeNull();
    let n: Record<string, unknown> = { 'Node Type': 'Seq Scan', 'Total Cost': 1 };
    for (let i = 0; i < 20; i++) n = { 'Node Type': 'Limit', 'Total Cost': 1, Plans: [n] };
    const deep = buildPlanTree({ Plan: n }, [{ kind: 'sort_spill', severity: 'high', path: Array(20).fill(0), trail: '', relation: null, message: 'm', detail: {} }], { maxNodes: 5 })!;
    expect(deep.nodeCount).toBe(5);
    expect(orphanFindings(deep, [{ kind: 'sort_spill', severity: 'high', path: Array(20).fill(0), trail: '', relation: null, message: 'm', detail: {} }])).toHaveLength(1);
  });
});
