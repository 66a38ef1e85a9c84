import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, EmptyState, Notice, PageHeader } from '@/components/ui/card';
import { Time } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { fmtCount, fmtDuration, fmtMs, shortSql } from '@/server/queries/deltas';
import { parseSlowQueryParams, WINDOW_LABEL, QUERY_WINDOWS, DEFAULT_SLOW_QUERY_PARAMS, type AnalysisDto, type SlowQueryParams } from '@/server/queries/schema';
import { getCollectorStatus, listAnalyses, listQueryTargets, listRecentSnapshots, listRecommendations, listSlowQueries } from '@/server/queries/service';
import { analyzeAction, collectNowAction, saveSettingsAction } from './actions';
import { IntervalChart } from './_components/interval-chart';
import { JobButton } from './_components/job-button';
import { RecommendationCard } from './_components/recommendation-card';
import { Requirements } from './_components/requirements';
import { SettingsForm } from './_components/settings-form';
import { SlowQueryTable } from './_components/slow-query-table';

export const metadata: Metadata = { title: 'Queries' };

type SearchParams = Record<string, string | string[] | undefined>;

const ACTIVE_STATES = ['applying', 'approved', 'proposed', 'failed', 'applied'];

export default async function QueriesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const targets = (await listQueryTargets(actor)).filter((t) => t.postgres);
  if (targets.length === 0) {
    return (
      <>
        <PageHeader title="Queries" />
        <EmptyState title="No target has a Postgres DSN">An admin adds one on a target&apos;s page; Perfdeck then collects its pg_stat_statements every few minutes.</EmptyState>
      </>
    );
  }
  const requested = typeof sp.target === 'string' ? sp.target : undefined;
  const target = targets.find((t) => t.id === requested) ?? targets[0];
  const parsed = parseSlowQueryParams(sp, { ignore: ['target'] });
  const params = parsed.params;

  const [status, list, recs, analyses, recent] = await Promise.all([
    getCollectorStatus(actor, target.id),
    listSlowQueries(actor, target.id, params),
    listRecommendations(actor, target.id),
    listAnalyses(actor, target.id, 1),
    listRecentSnapshots(actor, target.id, 96),
  ]);
  const canOperate = roleAtLeast(actor.role, 'operator');
  const latestAnalysis = analyses[0] ?? null;
  const activeAnalysisJob = latestAnalysis && (latestAnalysis.status === 'queued' || latestAnalysis.status === 'running') ? latestAnalysis.jobId : null;
  const active = recs.filter((r) => ACTIVE_STATES.includes(r.state));
  const earlier = recs.filter((r) => !ACTIVE_STATES.includes(r.state));

  const href = (p: Partial<SlowQueryParams>) => {
    const merged = { ...params, ...p };
    const q = new URLSearchParams({ target: target.id });
    for (const [k, v] of Object.entries(merged)) if (DEFAULT_SLOW_QUERY_PARAMS[k as keyof SlowQueryParams] !== v) q.set(k, String(v));
    return `/queries?${q}`;
  };

  return (
    <>
      <PageHeader
        title="Queries"
        description="Slow statements from the target's pg_stat_statements, collected on a schedule as per-interval deltas; their plans; and index recommendations checked with hypothetical indexes, applied only after an approver says so."
        actions={
          targets.length > 1 ? (
            <nav aria-label="Target" className="flex flex-wrap gap-2 text-sm">
              {targets.map((t) =>
                t.id === target.id ? (
                  <span key={t.id} className="rounded-md bg-slate-800 px-2 py-1 font-medium text-white">
                    {t.name}
                  </span>
                ) : (
                  <Link key={t.id} href={`/queries?target=${t.id}`} className="rounded-md px-2 py-1 text-sky-800 ring-1 ring-inset ring-slate-300 hover:bg-white">
                    {t.name}
                  </Link>
                ),
              )}
            </nav>
          ) : (
            <span className="text-sm text-slate-600">
              Target: <span className="font-medium text-slate-900">{target.name}</span>
            </span>
          )
        }
      />
      <div className="space-y-6">
        <Requirements inspection={status.inspection} inspectedAt={status.inspectedAt} lastError={status.lastError} />

        <Card title="Collection">
          <div className="grid gap-4 lg:grid-cols-[1fr_auto]">
            <div className="text-sm text-slate-700">
              {status.latestSnapshot ? (
                <p>
                  Last snapshot <Time iso={status.latestSnapshot.takenAt} />
                  {status.latestSnapshot.intervalSeconds !== null && <> covering {fmtDuration(status.latestSnapshot.intervalSeconds)}</>}
                  {status.latestSnapshot.firstSnapshot && ' (the first: activity since pg_stat_statements was last reset)'}
                  {status.latestSnapshot.resetDetected && <Badge tone="warn">stats were reset</Badge>}. {status.snapshotCount} snapshot{status.snapshotCount === 1 ? '' : 's'} kept
                  {status.oldestSnapshotAt && (
                    <>
                      {' '}
                      since <Time iso={status.oldestSnapshotAt} />
                    </>
                  )}
                  .
                </p>
              ) : (
                <p>No snapshot yet.</p>
              )}
              <p className="mt-1 text-xs text-slate-500">
                {status.settings.enabled ? `Collected every ${status.settings.intervalMinutes} min` : 'Scheduled collection is off'}; history kept {status.settings.retentionDays} days (at most{' '}
                {status.settings.maxSnapshots} snapshots), reported samples {status.settings.sampleRetentionHours} h.
              </p>
            </div>
            <JobButton
              label="Collect now"
              pendingLabel="Queuing…"
              progressLabel="Collecting"
              doneLabel="Collected"
              action={collectNowAction.bind(null, target.id)}
              canRun={canOperate}
              disabledReason="Operators and above collect."
              testId="collect-now"
            />
          </div>
          <details className="mt-4 border-t border-slate-100 pt-3">
            <summary className="cursor-pointer text-sm font-medium text-slate-800">Collection settings and slow-query thresholds</summary>
            <div className="mt-3">
              <SettingsForm action={saveSettingsAction.bind(null, target.id)} settings={status.settings} canEdit={canOperate} />
            </div>
          </details>
        </Card>

        <Card
          title="Slow queries"
          actions={
            <span className="flex flex-wrap gap-x-3 gap-y-1 text-xs">
              {QUERY_WINDOWS.map((w) =>
                w === params.window ? (
                  <span key={w} className="font-semibold text-slate-800">
                    {WINDOW_LABEL[w]}
                  </span>
                ) : (
                  <Link key={w} href={href({ window: w })} className="text-sky-800 hover:underline">
                    {WINDOW_LABEL[w]}
                  </Link>
                ),
              )}
            </span>
          }
        >
          {!parsed.ok && (
            <div className="mb-3">
              <Notice tone="warn">Ignored in the address: {parsed.issues.map((i) => i.message).join('; ')}.</Notice>
            </div>
          )}
          <div className="mb-3 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-600">
            <p>
              {list.window.snapshots > 0 ? (
                <>
                  {list.window.snapshots} interval{list.window.snapshots === 1 ? '' : 's'}
                  {list.window.seconds !== null && <> ({fmtDuration(list.window.seconds)})</>}: {fmtCount(list.totals.calls)} calls, {fmtMs(list.totals.totalExecTimeMs)} in{' '}
                  {list.totals.statements} statements. Slow = mean ≥ {list.thresholds.meanMs} ms or ≥ {list.thresholds.sharePct}% of the time.
                  {list.window.resets > 0 && ' pg_stat_statements was reset inside this window.'}
                </>
              ) : (
                'Nothing collected in this window.'
              )}
            </p>
            <span className="flex gap-3">
              {params.show === 'slow' ? (
                <Link href={href({ show: 'all' })} className="text-sky-800 hover:underline" data-testid="show-all">
                  Show all statements
                </Link>
              ) : (
                <Link href={href({ show: 'slow' })} className="text-sky-800 hover:underline" data-testid="show-slow">
                  Slow ones only
                </Link>
              )}
            </span>
          </div>
          {list.rows.length === 0 ? (
            <EmptyState title={params.show === 'slow' ? 'No slow statements in this window' : 'No statements in this window'}>
              {status.latestSnapshot ? 'Pick a longer window or show all statements.' : 'Collect now, or wait for the schedule.'}
            </EmptyState>
          ) : (
            <SlowQueryTable rows={list.rows} params={params} href={href} detailHref={(q) => `/queries/${target.id}/${encodeURIComponent(q)}`} />
          )}
          {list.unmatchedSamples.length > 0 && (
            <details className="mt-3 text-xs text-slate-600">
              <summary className="cursor-pointer">Reported by the application but not (yet) in pg_stat_statements: {list.unmatchedSamples.length}</summary>
              <ul className="mt-1 space-y-1 pl-4">
                {list.unmatchedSamples.map((u) => (
                  <li key={u.fingerprint}>
                    <span className="font-mono">{shortSql(u.query, 140)}</span> — p50 {fmtMs(u.latency.p50)}, p95 {fmtMs(u.latency.p95)}, p99 {fmtMs(u.latency.p99)} ({u.latency.count} samples)
                  </li>
                ))}
              </ul>
            </details>
          )}
        </Card>

        <Card title="Index recommendations">
          <div className="grid gap-4 lg:grid-cols-[1fr_auto]">
            <AnalysisSummary analysis={latestAnalysis} />
            <JobButton
              label="Analyze workload"
              pendingLabel="Queuing…"
              progressLabel="Analyzing"
              doneLabel="Analysis finished"
              action={analyzeAction.bind(null, target.id)}
              canRun={canOperate && (status.inspection?.ready.advise ?? true)}
              disabledReason={canOperate ? 'The target needs HypoPG and pg_stat_statements (see above).' : 'Operators and above run analyses.'}
              activeJobId={activeAnalysisJob}
              testId="analyze-workload"
            />
          </div>
          <div className="mt-4 space-y-4" data-testid="recommendations">
            {active.length === 0 ? (
              <p className="text-sm text-slate-500">{latestAnalysis ? 'No open recommendations.' : 'Run an analysis to get recommendations.'}</p>
            ) : (
              active.map((r) => <RecommendationCard key={r.id} rec={r} role={actor.role} />)
            )}
          </div>
          {earlier.length > 0 && (
            <details className="mt-4 border-t border-slate-100 pt-3">
              <summary className="cursor-pointer text-sm font-medium text-slate-800">Earlier recommendations ({earlier.length}: rejected, superseded, rolled back, did not help)</summary>
              <div className="mt-3 space-y-3">
                {earlier.slice(0, 30).map((r) => (
                  <RecommendationCard key={r.id} rec={r} role={actor.role} />
                ))}
              </div>
            </details>
          )}
        </Card>

        <Card title="Activity per interval">
          {recent.length < 2 ? (
            <p className="text-sm text-slate-500">The chart needs at least two snapshots.</p>
          ) : (
            <>
              <p className="mb-2 text-xs text-slate-500">
                Calls (bars) and total execution time (line) of every statement, per collector interval; last {recent.length} snapshots.
              </p>
              <IntervalChart
                label={`Calls and execution time per interval on ${target.name}`}
                msLabel="Total time"
                points={recent.map((s) => ({ label: s.takenAt.slice(11, 16), calls: s.totalCalls, ms: s.totalExecTimeMs }))}
              />
            </>
          )}
        </Card>
      </div>
    </>
  );
}

function AnalysisSummary({ analysis }: { analysis: AnalysisDto | null }) {
  if (!analysis) {
    return (
      <p className="text-sm text-slate-600">
        The advisor parses the workload&apos;s statements, costs candidate indexes with HypoPG against every statement they could serve, and picks the best set for the whole
        workload under a budget, charging each index its write overhead.
      </p>
    );
  }
  const s = analysis.summary;
  return (
    <div className="text-sm text-slate-700" data-testid="analysis-summary">
      <p>
        Last analysis <StatusBadge status={analysis.status} /> <Time iso={analysis.finishedAt ?? analysis.createdAt} />
        {s && (
          <>
            : {s.analyzedQueries} statement{s.analyzedQueries === 1 ? '' : 's'} analyzed, {s.candidatesEvaluated} candidates costed, {s.recommendations} index
            {s.recommendations === 1 ? '' : 'es'} and {s.drops} drop{s.drops === 1 ? '' : 's'} recommended in {fmtMs(s.durationMs)}.
          </>
        )}
      </p>
      {s && s.workloadCost.before > 0 && (
        <p className="mt-1 text-xs text-slate-500">
          Workload cost (calls/day × plan cost) {Math.round(s.workloadCost.before).toLocaleString('en-US')} → {Math.round(s.workloadCost.after).toLocaleString('en-US')} (−
          {(((s.workloadCost.before - s.workloadCost.after) / s.workloadCost.before) * 100).toFixed(0)}%) with all recommendations; workload{' '}
          {s.workloadSource === 'collected' ? `collected over ${fmtDuration(s.window.seconds)} of measured intervals` : `from pg_stat_statements since its last reset (${fmtDuration(s.window.seconds)})`}.
          {s.skippedCount > 0 && ` ${s.skippedCount} statement${s.skippedCount === 1 ? '' : 's'} skipped.`}
        </p>
      )}
      {s?.warnings.map((w, i) => (
        <p key={i} className="mt-1 text-xs text-amber-800">
          {w}
        </p>
      ))}
      {analysis.error && (
        <p className="mt-1 whitespace-pre-line text-sm text-red-700" data-testid="analysis-error">
          {analysis.error}
        </p>
      )}
      {analysis.unverified.length > 0 && (
        <details className="mt-1 text-xs text-slate-600">
          <summary className="cursor-pointer">{analysis.unverified.length} suggestion(s) HypoPG cannot check (GIN trigram)</summary>
          <ul className="mt-1 space-y-1 pl-4">
            {analysis.unverified.map((u, i) => (
              <li key={i}>
                <code className="break-all">{u.ddl}</code> — {u.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
