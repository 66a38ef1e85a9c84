import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { ago } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { listRuns, listScenarios } from '@/server/loadtest/service';
import type { RunListItemDto } from '@/server/loadtest/types';
import { listTargets } from '@/server/targets/service';
import { describeSpec, fmtInt, fmtMs, fmtPct } from './_components/format';

export const metadata: Metadata = { title: 'Load tests' };

export default async function LoadTestsPage() {
  const actor = await requireActor();
  const [targets, scenarios, runs] = await Promise.all([listTargets(actor), listScenarios(actor), listRuns(actor, { limit: 15 })]);
  const canEdit = roleAtLeast(actor.role, 'operator');
  return (
    <>
      <PageHeader
        title="Load tests"
        description="Scenarios per target, launched on the BullMQ workers (split over as many worker processes as you like), followed live, compared with a pinned baseline. Percentiles come from merged HDR histograms and measure from each request's intended start."
        actions={
          canEdit ? (
            <Link href="/load-tests/scenarios/new" className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-sky-800">
              New scenario
            </Link>
          ) : (
            <span className="text-xs text-slate-600">Creating scenarios and launching runs needs the operator role.</span>
          )
        }
      />
      <div className="space-y-6">
        {targets.length === 0 && <EmptyState title="No targets registered">An admin registers targets first; only a registered target&apos;s host can receive load.</EmptyState>}
        {targets.map((t) => {
          // The team's own scenarios first, the preset copies after them.
          const mine = scenarios.filter((s) => s.targetId === t.id).sort((a, b) => Number(!!a.preset) - Number(!!b.preset) || a.name.localeCompare(b.name));
          return (
            <Card
              key={t.id}
              title={
                <span>
                  {t.name} <span className="font-mono text-xs font-normal text-slate-500">{t.baseUrl}</span>
                </span>
              }
              actions={
                canEdit ? (
                  <Link href={`/load-tests/scenarios/new?target=${t.id}`} className="text-xs font-medium text-sky-800 hover:underline">
                    + Scenario on {t.name}
                  </Link>
                ) : null
              }
            >
              {mine.length === 0 ? (
                <p className="text-sm text-slate-500">No scenarios for this target yet.</p>
              ) : (
                <Table head={['Scenario', 'Workload', 'Baseline', 'Last run']} caption={`Scenarios of ${t.name}`}>
                  {mine.map((s) => (
                    <tr key={s.id} data-testid={`scenario-${s.name}`}>
                      <Td>
                        <Link href={`/load-tests/scenarios/${s.id}`} className="font-medium text-sky-800 hover:underline">
                          {s.name}
                        </Link>
                        {s.preset && <span className="ml-2 text-xs text-slate-500">preset {s.preset}</span>}
                      </Td>
                      <Td className="text-xs text-slate-600">{describeSpec(s.spec)}</Td>
                      <Td>{s.baselineRunId ? <Badge tone="info">pinned</Badge> : <span className="text-xs text-slate-400">none</span>}</Td>
                      <Td>{s.lastRun ? <RunCell run={s.lastRun} /> : <span className="text-xs text-slate-400">never run</span>}</Td>
                    </tr>
                  ))}
                </Table>
              )}
            </Card>
          );
        })}
        <Card title="Recent runs">
          {runs.length === 0 ? (
            <p className="text-sm text-slate-500">No runs yet.</p>
          ) : (
            <Table head={['Started', 'Scenario', 'Status', 'Requests', 'p95', 'Errors', 'vs baseline']} caption="Recent runs">
              {runs.map((r) => (
                <tr key={r.id}>
                  <Td className="whitespace-nowrap text-xs">
                    <Link href={`/load-tests/runs/${r.id}`} className="text-sky-800 hover:underline">
                      {ago(r.createdAt)}
                    </Link>
                  </Td>
                  <Td className="text-sm">
                    {r.scenarioName} <span className="text-xs text-slate-500">· {r.targetName}</span>
                    {r.isBaseline && (
                      <span className="ml-1">
                        <Badge tone="info">baseline</Badge>
                      </span>
                    )}
                  </Td>
                  <Td>
                    <StatusBadge status={r.status} />
                  </Td>
                  <Td className="tabular-nums">{fmtInt(r.requests)}</Td>
                  <Td className="tabular-nums">{fmtMs(r.p95Ms)}</Td>
                  <Td className="tabular-nums">{fmtPct(r.errorRate)}</Td>
                  <Td>{r.verdict ? <StatusBadge status={r.verdict} /> : <span className="text-xs text-slate-400">—</span>}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}

function RunCell({ run }: { run: RunListItemDto }) {
  return (
    <Link href={`/load-tests/runs/${run.id}`} className="flex flex-wrap items-center gap-2 text-xs hover:underline">
      <StatusBadge status={run.status} />
      {run.p95Ms !== null && <span className="tabular-nums text-slate-700">p95 {fmtMs(run.p95Ms)}</span>}
      {run.verdict && <StatusBadge status={run.verdict} />}
      <span className="text-slate-500">{ago(run.createdAt)}</span>
    </Link>
  );
}
