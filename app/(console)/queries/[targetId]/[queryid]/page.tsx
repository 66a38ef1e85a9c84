import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card, EmptyState, Notice, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { roleAtLeast, type Role } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { NotFoundError } from '@/server/errors';
import { fmtCount, fmtMs, hitRatioPct } from '@/server/queries/deltas';
import { explainQuery, getQueryDetail } from '@/server/queries/service';
import { explainAnalyzeAction } from '../../actions';
import { ExplainAnalyzeForm } from '../../_components/explain-analyze-form';
import { IntervalChart } from '../../_components/interval-chart';
import { PlanViewer } from '../../_components/plan-viewer';

export const metadata: Metadata = { title: 'Statement' };

// The plan is fetched live from the target (up to 5 s): it streams in below everything else, into a box that keeps
// its height, so nothing above it moves.
const PLAN_MIN_HEIGHT = 'min-h-64';

async function LivePlan({ targetId, queryid, role }: { targetId: string; queryid: string; role: Role }) {
  const actor = await requireActor();
  const p = await explainQuery(actor, targetId, queryid);
  return (
    <div className="space-y-4">
      {p.error && <Notice tone={p.explainable ? 'error' : 'info'}>{p.error}</Notice>}
      {p.plan !== null && <PlanViewer plan={p.plan} findings={p.findings} />}
      {p.explainable && !p.error && (
        <div className="border-t border-slate-100 pt-3">
          <h3 className="mb-2 text-sm font-semibold text-slate-800">EXPLAIN ANALYZE</h3>
          <ExplainAnalyzeForm
            action={explainAnalyzeAction.bind(null, targetId, queryid)}
            paramCount={p.paramCount}
            suggested={p.suggestedParams}
            canRun={roleAtLeast(role, 'approver')}
          />
        </div>
      )}
    </div>
  );
}

export default async function StatementPage({ params }: { params: Promise<{ targetId: string; queryid: string }> }) {
  const { targetId, queryid: raw } = await params;
  const queryid = decodeURIComponent(raw);
  const actor = await requireActor();
  const d = await getQueryDetail(actor, targetId, queryid).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const calls = d.intervals.reduce((s, i) => s + i.calls, 0);
  const total = d.intervals.reduce((s, i) => s + i.totalExecTimeMs, 0);
  const hit = d.intervals.reduce((s, i) => s + i.sharedBlksHit, 0);
  const read = d.intervals.reduce((s, i) => s + i.sharedBlksRead, 0);
  const ratio = hitRatioPct(hit, read);
  return (
    <>
      <PageHeader
        title="Statement"
        description={
          <span>
            queryid <span className="font-mono">{d.statement.queryid}</span> · first seen <Time iso={d.statement.firstSeenAt} /> · last seen <Time iso={d.statement.lastSeenAt} />
          </span>
        }
        actions={
          <Link href={`/queries?target=${targetId}`} className="text-sm font-medium text-sky-800 hover:underline">
            ← All statements
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="SQL">
          <pre className="overflow-x-auto whitespace-pre-wrap break-words font-mono text-xs text-slate-800" data-testid="statement-sql">
            {d.statement.query}
          </pre>
        </Card>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Latency">
            {d.latency ? (
              <dl className="grid grid-cols-4 gap-2 text-sm" data-testid="latency-samples">
                {(['p50', 'p95', 'p99', 'max'] as const).map((k) => (
                  <div key={k}>
                    <dt className="text-xs text-slate-500">{k}</dt>
                    <dd className="font-medium tabular-nums">{fmtMs(d.latency![k])}</dd>
                  </div>
                ))}
                <p className="col-span-4 text-xs text-slate-500">
                  From {fmtCount(d.latency.count)} timings the application reported since <Time iso={d.latency.from} /> (mean {fmtMs(d.latency.mean)}); they include the wait
                  for a pool connection.
                </p>
              </dl>
            ) : (
              <div className="text-sm text-slate-700">
                {calls > 0 ? (
                  <p>
                    Mean {fmtMs(total / calls)} over {fmtCount(calls)} calls in the kept intervals (pg_stat_statements).
                  </p>
                ) : (
                  <p>No calls collected yet.</p>
                )}
                <p className="mt-1 text-xs text-slate-500">
                  Percentiles appear when the application reports its timings: POST /api/v1/queries (see docs/index-advisor.md).
                </p>
              </div>
            )}
          </Card>
          <Card title="Totals over the kept intervals">
            <dl className="grid grid-cols-3 gap-2 text-sm">
              <div>
                <dt className="text-xs text-slate-500">Calls</dt>
                <dd className="font-medium tabular-nums">{fmtCount(calls)}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Total time</dt>
                <dd className="font-medium tabular-nums">{fmtMs(total)}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Cache hit</dt>
                <dd className="font-medium tabular-nums">{ratio === null ? '—' : `${ratio.toFixed(1)}%`}</dd>
              </div>
            </dl>
          </Card>
        </div>

        <Card title="Per interval">
          {d.intervals.length === 0 ? (
            <EmptyState title="No interval with calls yet" />
          ) : (
            <>
              {d.intervals.length >= 2 && (
                <IntervalChart
                  label="Calls and mean time per interval"
                  msLabel="Mean"
                  points={d.intervals.map((i) => ({ label: i.takenAt.slice(11, 16), calls: i.calls, ms: i.meanExecTimeMs }))}
                />
              )}
              <Table head={['Interval ending', 'Calls', 'Total', 'Mean ± sd', 'Rows', 'Blocks hit / read', 'Samples p95 (n)']}>
                {[...d.intervals]
                  .reverse()
                  .slice(0, 24)
                  .map((i) => {
                    return (
                      <tr key={i.takenAt}>
                        <Td className="whitespace-nowrap text-xs">
                          <Time iso={i.takenAt} /> {i.reset && <Badge tone="muted">reset</Badge>}
                        </Td>
                        <Td className="tabular-nums">{fmtCount(i.calls)}</Td>
                        <Td className="tabular-nums">{fmtMs(i.totalExecTimeMs)}</Td>
                        <Td className="whitespace-nowrap tabular-nums">
                          {fmtMs(i.meanExecTimeMs)} ± {fmtMs(i.stddevExecTimeMs)}
                        </Td>
                        <Td className="tabular-nums">{fmtCount(i.rows)}</Td>
                        <Td className="tabular-nums">
                          {fmtCount(i.sharedBlksHit)} / {fmtCount(i.sharedBlksRead)}
                        </Td>
                        <Td className="tabular-nums">{i.samples ? `${fmtMs(i.samples.p95)} (${i.samples.count})` : '—'}</Td>
                      </tr>
                    );
                  })}
              </Table>
            </>
          )}
        </Card>

        {d.plans.length > 0 && (
          <Card title={`EXPLAIN ANALYZE runs (${d.plans.length})`}>
            <div className="space-y-3">
              {d.plans.map((p, i) => (
                <details key={p.id} open={i === 0} className="rounded-md border border-slate-100 p-2">
                  <summary className="cursor-pointer text-xs text-slate-700">
                    <Time iso={p.createdAt} /> · {p.executionMs !== null ? `${p.executionMs.toFixed(3)} ms` : '—'} · values ({(p.params ?? []).join(', ')})
                    {p.findings.length > 0 && <span className="text-red-800"> · {p.findings.length} finding(s)</span>}
                  </summary>
                  <div className="mt-2">
                    <PlanViewer plan={p.plan} findings={p.findings} testId="analyzed-plan" />
                  </div>
                </details>
              ))}
            </div>
          </Card>
        )}

        {d.samplePlan && (
          <Card title="Plan the application reported">
            <p className="mb-2 text-xs text-slate-500">
              Sent with a sample at <Time iso={d.samplePlan.at} /> (took {fmtMs(d.samplePlan.durationMs)}).
            </p>
            <PlanViewer plan={d.samplePlan.plan} findings={d.samplePlan.findings} testId="sample-plan" />
          </Card>
        )}

        <Card title="Plan (generic, live from the target)">
          <div className={PLAN_MIN_HEIGHT}>
            <Suspense fallback={<p className="text-sm text-slate-500">Asking the target for the plan…</p>}>
              <LivePlan targetId={targetId} queryid={queryid} role={actor.role} />
            </Suspense>
          </div>
        </Card>
      </div>
    </>
  );
}
