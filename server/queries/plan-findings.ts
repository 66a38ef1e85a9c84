// Findings over EXPLAIN (FORMAT JSON) output, with or without ANALYZE. Pure. Each finding points at the plan node
// by path (child indexes from the root) and by a readable trail ("Limit → Sort → Seq Scan on leads").

type PlanNode = Record<string, any> & { 'Node Type': string; Plans?: PlanNode[] };

export type FindingKind =
  | 'seq_scan_filter'
  | 'row_estimate_miss'
  | 'sort_spill'
  | 'hash_spill'
  | 'nested_loop_large'
  | 'missing_join_index';

export interface PlanFinding {
  kind: FindingKind;
  severity: 'high' | 'medium' | 'low';
  /** Child indexes from the root: [] is the root, [0, 1] its first child's second child. */
  path: number[];
  /** "Limit → Sort → Seq Scan on leads" */
  trail: string;
  relation: string | null;
  message: string;
  detail: Record<string, number | string>;
}

export interface PlanFindingOptions {
  /** A scan over at least this many rows is "large". */
  largeRows?: number;
  /** Row estimates off by this factor (either way) are reported. */
  estimateFactor?: number;
  /** Outer rows above which a nested loop is suspicious. */
  nestedLoopRows?: number;
  /** reltuples per relation ("schema.table" or "table"), used when there is no ANALYZE data. */
  tableRows?: Record<string, number>;
}

/** Accepts what EXPLAIN (FORMAT JSON) returns: the array, its first element, a bare plan, or the JSON text. */
export function rootPlan(explain: unknown): PlanNode | null {
  let x: any = explain;
  if (typeof x === 'string') {
    try {
      x = JSON.parse(x);
    } catch {
      return null;
    }
  }
  if (Array.isArray(x)) x = x[0];
  if (x && typeof x === 'object' && 'QUERY PLAN' in x) return rootPlan(x['QUERY PLAN']);
  if (x && typeof x === 'object' && x.Plan) x = x.Plan;
  return x && typeof x === 'object' && typeof x['Node Type'] === 'string' ? (x as PlanNode) : null;
}

export function nodeLabel(n: PlanNode): string {
  const rel = n['Relation Name'] ? ` on ${n['Relation Name']}${n.Alias && n.Alias !== n['Relation Name'] ? ` ${n.Alias}` : ''}` : '';
  const idx = n['Index Name'] ? ` using ${n['Index Name']}` : '';
  return `${n['Node Type']}${idx}${rel}`;
}

const hasAnalyze = (n: PlanNode) => typeof n['Actual Rows'] === 'number';
const loops = (n: PlanNode) => (typeof n['Actual Loops'] === 'number' ? n['Actual Loops'] : 1);
/** Rows a node produced in total (ANALYZE: per-loop average × loops), else the estimate. */
const totalRows = (n: PlanNode) => (hasAnalyze(n) ? n['Actual Rows'] * loops(n) : (n['Plan Rows'] ?? 0));

function subtreeHas(n: PlanNode, pred: (x: PlanNode) => boolean): PlanNode | null {
  if (pred(n)) return n;
  for (const c of n.Plans ?? []) {
    // Do not look below a nested join: its own inner side is judged on its own.
    const hit = subtreeHas(c, pred);
    if (hit) return hit;
  }
  return null;
}

function relKey(n: PlanNode): string | null {
  if (!n['Relation Name']) return null;
  return n.Schema ? `${n.Schema}.${n['Relation Name']}` : n['Relation Name'];
}

export function analyzePlan(explain: unknown, opts: PlanFindingOptions = {}): PlanFinding[] {
  const root = rootPlan(explain);
  if (!root) return [];
  const largeRows = opts.largeRows ?? 10_000;
  const factor = opts.estimateFactor ?? 10;
  const nlRows = opts.nestedLoopRows ?? 1_000;
  const out: PlanFinding[] = [];

  const visit = (n: PlanNode, path: number[], trail: string[]) => {
    const here = [...trail, nodeLabel(n)];
    const add = (kind: FindingKind, severity: PlanFinding['severity'], message: string, detail: PlanFinding['detail']) =>
      out.push({ kind, severity, path, trail: here.join(' → '), relation: relKey(n), message, detail });
    const type = n['Node Type'];

    if (type === 'Seq Scan' && n.Filter) {
      const rel = relKey(n) ?? '?';
      if (hasAnalyze(n)) {
        const removed = (n['Rows Removed by Filter'] ?? 0) * loops(n);
        const kept = n['Actual Rows'] * loops(n);
        if (removed + kept >= largeRows && removed >= 10 * Math.max(kept, 1)) {
          add(
            'seq_scan_filter',
            removed >= 100 * Math.max(kept, 1) ? 'high' : 'medium',
            `Seq Scan on ${rel} reads ${removed + kept} rows to return ${kept} (filter ${n.Filter}): an index on the filtered columns would read only those`,
            { rowsRemoved: removed, rowsReturned: kept, filter: n.Filter },
          );
        }
      } else {
        const tableRows = opts.tableRows?.[rel] ?? opts.tableRows?.[n['Relation Name']];
        const est = n['Plan Rows'] ?? 0;
        if (tableRows !== undefined && tableRows >= largeRows && est * 10 <= tableRows) {
          add(
            'seq_scan_filter',
            est * 100 <= tableRows ? 'high' : 'medium',
            `Seq Scan on ${rel} is estimated to keep ${est} of ${Math.round(tableRows)} rows (filter ${n.Filter})`,
            { estimatedRows: est, tableRows, filter: n.Filter },
          );
        }
      }
    }

    if (hasAnalyze(n) && loops(n) > 0) {
      const actual = n['Actual Rows'];
      const planned = n['Plan Rows'] ?? 0;
      const ratio = Math.max(actual, 1) / Math.max(planned, 1);
      if ((ratio >= factor || ratio <= 1 / factor) && Math.abs(actual - planned) >= 100) {
        add(
          'row_estimate_miss',
          ratio >= 100 || ratio <= 0.01 ? 'high' : 'medium',
          `${nodeLabel(n)}: estimated ${planned} rows, got ${actual} (×${(ratio >= 1 ? ratio : 1 / ratio).toFixed(0)} ${ratio >= 1 ? 'under' : 'over'}-estimate); stale statistics or correlated columns (ANALYZE, CREATE STATISTICS)`,
          { planRows: planned, actualRows: actual, factor: ratio >= 1 ? ratio : 1 / ratio },
        );
      }
    }

    if (type === 'Sort' && n['Sort Space Type'] === 'Disk') {
      add(
        'sort_spill',
        'high',
        `Sort spilled ${n['Sort Space Used'] ?? '?'} kB to disk (${n['Sort Method'] ?? 'external'}) on ${(n['Sort Key'] ?? []).join(', ')}: raise work_mem or serve the order from an index`,
        { spaceKb: n['Sort Space Used'] ?? 0, sortKey: (n['Sort Key'] ?? []).join(', ') },
      );
    }
    if (type === 'Hash' && (n['Hash Batches'] ?? 1) > 1) {
      add('hash_spill', 'medium', `Hash used ${n['Hash Batches']} batches (spilled to disk): raise work_mem or hash_mem_multiplier`, {
        batches: n['Hash Batches'],
        peakKb: n['Peak Memory Usage'] ?? 0,
      });
    }

    if (type === 'Nested Loop' && n.Plans?.length === 2) {
      const outer = n.Plans.find((p) => p['Parent Relationship'] === 'Outer') ?? n.Plans[0];
      const inner = n.Plans.find((p) => p['Parent Relationship'] === 'Inner') ?? n.Plans[1];
      const outerRows = totalRows(outer);
      const innerSeq = subtreeHas(inner, (x) => x['Node Type'] === 'Seq Scan');
      if (outerRows >= nlRows && innerSeq && inner['Node Type'] !== 'Materialize' && inner['Node Type'] !== 'Hash') {
        add(
          'missing_join_index',
          'high',
          `Nested Loop runs a Seq Scan on ${relKey(innerSeq)} for each of ${Math.round(outerRows)} outer rows${n['Join Filter'] ? ` (join filter ${n['Join Filter']})` : ''}: index the join key`,
          { outerRows, inner: relKey(innerSeq) ?? '?', joinFilter: n['Join Filter'] ?? innerSeq.Filter ?? '' },
        );
      } else if (outerRows >= nlRows * 10) {
        add(
          'nested_loop_large',
          'medium',
          `Nested Loop over ${Math.round(outerRows)} outer rows: one inner lookup each; a hash or merge join may be cheaper (check the row estimates)`,
          { outerRows },
        );
      }
    }

    (n.Plans ?? []).forEach((c, i) => visit(c, [...path, i], here));
  };
  visit(root, [], []);
  return out;
}

/** The node at `path` (from analyzePlan's findings). */
export function nodeAt(explain: unknown, path: number[]): PlanNode | null {
  let n = rootPlan(explain);
  for (const i of path) n = n?.Plans?.[i] ?? null;
  return n;
}

/** Total cost and the names of the indexes a plan reads (for verification and HypoPG usage). */
export function planSummary(explain: unknown): { totalCost: number; indexes: string[]; startupCost: number } {
  const root = rootPlan(explain);
  const indexes = new Set<string>();
  const visit = (n: PlanNode) => {
    if (n['Index Name']) indexes.add(n['Index Name']);
    (n.Plans ?? []).forEach(visit);
  };
  if (root) visit(root);
  return { totalCost: root?.['Total Cost'] ?? 0, startupCost: root?.['Startup Cost'] ?? 0, indexes: [...indexes] };
}
