// EXPLAIN (FORMAT JSON) → the tree the console's plan viewer draws: one node per plan node with its costs, row
// estimates (and actual rows/time with ANALYZE), the details worth reading, and the findings (plan-findings.ts) that
// point at it. Pure; written for this console (no third-party visualiser code).
import { nodeLabel, rootPlan, type PlanFinding } from './plan-findings';

export interface PlanTreeNode {
  /** Child indexes from the root joined with '.', '' for the root (matches PlanFinding.path). */
  id: string;
  depth: number;
  label: string;
  nodeType: string;
  relation: string | null;
  index: string | null;
  startupCost: number;
  totalCost: number;
  /** This node's own share of the root's total cost (total cost minus its children's), 0..1. */
  selfCostShare: number;
  planRows: number;
  planWidth: number | null;
  actual: { rows: number; loops: number; totalMs: number } | null;
  /** Readable details: Filter, Index Cond, Sort Key, Rows Removed by Filter … in a fixed order. */
  details: { label: string; value: string }[];
  findings: PlanFinding[];
  children: PlanTreeNode[];
}

export interface PlanTree {
  root: PlanTreeNode;
  totalCost: number;
  nodeCount: number;
  flaggedCount: number;
  analyzed: boolean;
  planningMs: number | null;
  executionMs: number | null;
}

const DETAIL_KEYS: [string, string][] = [
  ['Index Cond', 'Index cond'],
  ['Recheck Cond', 'Recheck cond'],
  ['Filter', 'Filter'],
  ['Rows Removed by Filter', 'Rows removed by filter'],
  ['Hash Cond', 'Hash cond'],
  ['Merge Cond', 'Merge cond'],
  ['Join Filter', 'Join filter'],
  ['Sort Key', 'Sort key'],
  ['Sort Method', 'Sort method'],
  ['Sort Space Used', 'Sort space (kB)'],
  ['Sort Space Type', 'Sort space type'],
  ['Group Key', 'Group key'],
  ['Scan Direction', 'Scan direction'],
  ['Workers Planned', 'Workers planned'],
  ['Hash Batches', 'Hash batches'],
  ['Shared Hit Blocks', 'Shared hit blocks'],
  ['Shared Read Blocks', 'Shared read blocks'],
];

const str = (v: unknown): string => (Array.isArray(v) ? v.map(str).join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Null when the input is not EXPLAIN JSON. Limits depth and node count so a pathological plan cannot blow up a page. */
export function buildPlanTree(explain: unknown, findings: readonly PlanFinding[] = [], opts: { maxNodes?: number } = {}): PlanTree | null {
  const root = rootPlan(explain);
  if (!root) return null;
  const top = Array.isArray(explain) ? (explain[0] as Record<string, unknown>) : typeof explain === 'object' && explain ? (explain as Record<string, unknown>) : {};
  const maxNodes = opts.maxNodes ?? 500;
  const rootCost = num(root['Total Cost']);
  const byPath = new Map<string, PlanFinding[]>();
  for (const f of findings) {
    const k = f.path.join('.');
    byPath.set(k, [...(byPath.get(k) ?? []), f]);
  }
  let count = 0;
  let flagged = 0;
  const analyzed = typeof root['Actual Rows'] === 'number';

  const build = (n: Record<string, any>, path: number[]): PlanTreeNode => {
    count++;
    const id = path.join('.');
    const kids = (n.Plans ?? []) as Record<string, any>[];
    const childCost = kids.reduce((s, c) => s + num(c['Total Cost']), 0);
    const own = byPath.get(id) ?? [];
    if (own.length) flagged++;
    const details: PlanTreeNode['details'] = [];
    for (const [key, label] of DETAIL_KEYS) if (n[key] !== undefined && n[key] !== null && n[key] !== '') details.push({ label, value: str(n[key]) });
    if (n['Parallel Aware']) details.push({ label: 'Parallel', value: 'yes' });
    const children: PlanTreeNode[] = [];
    for (const [i, c] of kids.entries()) {
      if (count >= maxNodes) break;
      children.push(build(c, [...path, i]));
    }
    return {
      id,
      depth: path.length,
      label: nodeLabel(n as never),
      nodeType: String(n['Node Type']),
      relation: n['Relation Name'] ? (n.Schema ? `${n.Schema}.${n['Relation Name']}` : String(n['Relation Name'])) : null,
      index: n['Index Name'] ? String(n['Index Name']) : null,
      startupCost: num(n['Startup Cost']),
      totalCost: num(n['Total Cost']),
      selfCostShare: rootCost > 0 ? Math.min(1, Math.max(0, (num(n['Total Cost']) - childCost) / rootCost)) : 0,
      planRows: num(n['Plan Rows']),
      planWidth: typeof n['Plan Width'] === 'number' ? n['Plan Width'] : null,
      actual:
        typeof n['Actual Rows'] === 'number'
          ? { rows: n['Actual Rows'], loops: num(n['Actual Loops']) || 1, totalMs: num(n['Actual Total Time']) }
          : null,
      details,
      findings: own,
      children,
    };
  };
  const tree = build(root as Record<string, any>, []);
  return {
    root: tree,
    totalCost: rootCost,
    nodeCount: count,
    flaggedCount: flagged,
    analyzed,
    planningMs: typeof top['Planning Time'] === 'number' ? (top['Planning Time'] as number) : null,
    executionMs: typeof top['Execution Time'] === 'number' ? (top['Execution Time'] as number) : null,
  };
}

/** Findings whose node the tree could not show (beyond maxNodes): listed separately so nothing is hidden. */
export function orphanFindings(tree: PlanTree, findings: readonly PlanFinding[]): PlanFinding[] {
  const ids = new Set<string>();
  const walk = (n: PlanTreeNode) => {
    ids.add(n.id);
    n.children.forEach(walk);
  };
  walk(tree.root);
  return findings.filter((f) => !ids.has(f.path.join('.')));
}
