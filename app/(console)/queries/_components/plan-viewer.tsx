import type { PlanFinding } from '@/server/queries/plan-findings';
import { buildPlanTree, orphanFindings, type PlanTreeNode } from '@/server/queries/plan-tree';

// The plan viewer: EXPLAIN (FORMAT JSON) as a tree of nodes with their costs and row counts, the node each finding
// points at highlighted with the finding beside it. A server component (no client JS): nodes with children are
// <details> elements, open by default, so a large plan can be folded without scripts.

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

function Node({ n }: { n: PlanTreeNode }) {
  const flagged = n.findings.length > 0;
  const head = (
    <div
      className={`rounded-md border px-2 py-1.5 ${flagged ? 'border-red-300 bg-red-50' : 'border-slate-200 bg-white'}`}
      data-testid="plan-node"
      data-node-type={n.nodeType}
      data-flagged={flagged ? 'yes' : 'no'}
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
        <span className={`text-sm font-medium ${flagged ? 'text-red-900' : 'text-slate-900'}`}>{n.label}</span>
        <span className="font-mono text-[11px] text-slate-600" title="startup cost .. total cost (planner units)">
          cost {fmt(n.startupCost)}..{fmt(n.totalCost)}
        </span>
        <span className="font-mono text-[11px] text-slate-600">rows {Math.round(n.planRows).toLocaleString('en-US')}</span>
        {n.actual && (
          <span className="font-mono text-[11px] text-emerald-800" title="actual rows per loop × loops, time of the last row">
            actual {Math.round(n.actual.rows).toLocaleString('en-US')} × {n.actual.loops} · {n.actual.totalMs.toFixed(3)} ms
          </span>
        )}
        {n.selfCostShare >= 0.01 && (
          <span className="inline-flex items-center gap-1 text-[11px] text-slate-500" title="this node's own share of the plan's total cost">
            <span className="inline-block h-1.5 w-16 overflow-hidden rounded bg-slate-200">
              <span className="block h-full bg-amber-500" style={{ width: `${Math.round(n.selfCostShare * 100)}%` }} />
            </span>
            {Math.round(n.selfCostShare * 100)}%
          </span>
        )}
      </div>
      {n.details.length > 0 && (
        <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-2 text-[11px] text-slate-600">
          {n.details.map((d) => (
            <div key={d.label} className="contents">
              <dt className="text-slate-500">{d.label}</dt>
              <dd className="break-all font-mono">{d.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {n.findings.map((f, i) => (
        <p key={i} className="mt-1 text-xs font-medium text-red-800" data-testid="plan-finding" data-kind={f.kind}>
          ⚠ {f.message}
        </p>
      ))}
    </div>
  );
  if (n.children.length === 0) return <li className="mt-1">{head}</li>;
  return (
    <li className="mt-1">
      <details open>
        <summary className="cursor-pointer list-none marker:hidden [&::-webkit-details-marker]:hidden">{head}</summary>
        <ul className="ml-4 border-l border-slate-200 pl-3">
          {n.children.map((c) => (
            <Node key={c.id} n={c} />
          ))}
        </ul>
      </details>
    </li>
  );
}

export function PlanViewer({ plan, findings, testId = 'plan-viewer' }: { plan: unknown; findings: PlanFinding[]; testId?: string }) {
  const tree = buildPlanTree(plan, findings);
  if (!tree) return <p className="text-sm text-slate-500">This is not an EXPLAIN (FORMAT JSON) plan.</p>;
  const orphans = orphanFindings(tree, findings);
  return (
    <div data-testid={testId}>
      <p className="mb-2 text-xs text-slate-600">
        {tree.nodeCount} node{tree.nodeCount === 1 ? '' : 's'} · total cost {fmt(tree.totalCost)}
        {tree.executionMs !== null && ` · executed in ${tree.executionMs.toFixed(3)} ms`}
        {tree.planningMs !== null && ` · planned in ${tree.planningMs.toFixed(3)} ms`}
        {tree.flaggedCount > 0 && <span className="font-medium text-red-800"> · {tree.flaggedCount} flagged</span>}
      </p>
      <ul className="text-sm">
        <Node n={tree.root} />
      </ul>
      {orphans.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-xs text-red-800">
          {orphans.map((f, i) => (
            <li key={i}>{f.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
