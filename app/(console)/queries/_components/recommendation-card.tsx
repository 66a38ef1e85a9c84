import { Badge, StatusBadge } from '@/components/ui/badge';
import { ProgressBar } from '@/components/ui/progress';
import type { Role } from '@/server/auth/roles';
import { fmtBytes, fmtMs, oneLine, shortSql } from '@/server/queries/deltas';
import { applyProgressLabel, recommendationActions } from '@/server/queries/recommendations';
import type { RecommendationDto } from '@/server/queries/schema';
import { RecommendationActions } from './recommendation-actions';

// One recommendation: the DDL, what it is for (queries helped, before/after cost, time saved per day), what it costs
// (size, write overhead), why the other candidates lost, its state and history, and what the viewer may do with it.

const fmtCost = (c: number | null | undefined) => (c === null || c === undefined || !Number.isFinite(c) ? '—' : c >= 100 ? Math.round(c).toLocaleString('en-US') : c.toFixed(2));
const perDay = (ms: number | null) => (ms === null ? '—' : `${fmtMs(ms)}/day`);

export function RecommendationCard({ rec, role }: { rec: RecommendationDto; role: Role }) {
  const actions = recommendationActions(rec, role);
  const title =
    rec.kind === 'create'
      ? `${rec.table} (${rec.columns.join(', ')})${rec.include.length ? ` INCLUDE (${rec.include.join(', ')})` : ''}${rec.where ? ` WHERE ${rec.where}` : ''}`
      : `Drop ${rec.indexName} on ${rec.table}`;
  const inFlight = rec.state === 'approved' || rec.state === 'applying';
  const result = rec.result;
  return (
    <article className="rounded-lg border border-slate-200 p-4" data-testid="recommendation" data-rec-id={rec.id} data-state={rec.state} data-table={rec.table} data-kind={rec.kind}>
      <header className="flex flex-wrap items-center gap-2">
        <h3 className="font-mono text-sm font-semibold text-slate-900" data-testid="recommendation-title">
          {title}
        </h3>
        <span data-testid="recommendation-state">
          <StatusBadge status={rec.state} />
        </span>
        {rec.kind === 'drop' ? <Badge tone="warn">{rec.dropKind} index</Badge> : rec.method !== 'btree' && <Badge>{rec.method}</Badge>}
      </header>

      <pre className="mt-2 overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100" data-testid="recommendation-ddl">
        {rec.ddl};
      </pre>

      {rec.kind === 'create' ? (
        <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-xs text-slate-500">Estimated cost reduction</dt>
            <dd className="font-medium tabular-nums">{rec.estimatedCostReductionPct === null ? '—' : `${rec.estimatedCostReductionPct.toFixed(1)}%`}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Time saved</dt>
            <dd className="font-medium tabular-nums">{perDay(rec.estimatedTimeSavedMsPerDay)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Estimated size</dt>
            <dd className="font-medium tabular-nums">{fmtBytes(rec.estimatedSizeBytes)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500" title="index entries written per day × cost per entry">
              Write overhead
            </dt>
            <dd className="font-medium tabular-nums">{perDay(rec.writeOverheadMsPerDay)}</dd>
          </div>
        </dl>
      ) : (
        <p className="mt-2 text-sm text-slate-700">
          {rec.dropReason} {rec.estimatedSizeBytes !== null && <span className="text-slate-500">Frees {fmtBytes(rec.estimatedSizeBytes)}.</span>}
        </p>
      )}

      {rec.queries.length > 0 && (
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-left text-xs" data-testid="helped-queries">
            <thead>
              <tr className="text-slate-500">
                <th className="py-1 pr-3 font-medium">Statements it helps</th>
                <th className="py-1 pr-3 text-right font-medium">Calls/day</th>
                <th className="py-1 pr-3 text-right font-medium">Cost before → after</th>
                <th className="py-1 text-right font-medium">Saved</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rec.queries.map((q) => (
                <tr key={q.queryid}>
                  <td className="max-w-md py-1 pr-3 font-mono" title={q.query}>
                    {shortSql(q.query, 130)}
                  </td>
                  <td className="py-1 pr-3 text-right tabular-nums">{Math.round(q.callsPerDay).toLocaleString('en-US')}</td>
                  <td className="whitespace-nowrap py-1 pr-3 text-right tabular-nums">
                    {fmtCost(q.costBefore)} → {fmtCost(q.costAfter)}
                  </td>
                  <td className="py-1 text-right tabular-nums">{q.reductionPct.toFixed(0)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {(rec.reasons.length > 0 || rec.whyNotOthers.length > 0) && (
        <details className="mt-3 text-xs text-slate-700">
          <summary className="cursor-pointer font-medium text-slate-800">Why this index{rec.whyNotOthers.length ? ` and not the ${rec.whyNotOthers.length} others` : ''}</summary>
          {rec.reasons.length > 0 && <p className="mt-1">Shape: {rec.reasons.join('; ')}.</p>}
          {rec.whyNotOthers.length > 0 && (
            <ul className="mt-1 list-disc space-y-0.5 pl-5" data-testid="why-not-others">
              {rec.whyNotOthers.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
        </details>
      )}

      {inFlight && (
        <div className="mt-3">
          <ProgressBar value={rec.progress} label={applyProgressLabel(rec.state, rec.progressPhase)} />
        </div>
      )}

      {result && (
        <div className="mt-3 text-xs text-slate-700" data-testid="apply-result">
          <p>
            {rec.state === 'applied' && 'Built and verified'}
            {rec.state === 'did_not_help' && 'Built, but the planner did not use it or the cost did not drop: dropped again'}
            {rec.state === 'failed' && 'Failed'}
            {rec.state === 'rolled_back' && 'Applied, then rolled back'}
            {result.durationMs > 0 && ` in ${fmtMs(result.durationMs)}`}.
            {result.after && result.after.length > 0 && (
              <>
                {' '}
                Plan cost {fmtCost(result.before.reduce((s, c) => s + (c.cost ?? 0), 0))} → {fmtCost(result.after.reduce((s, c) => s + (c.cost ?? 0), 0))}
                {result.after.some((c) => c.usesIndex) ? '; the plans use the index.' : '; no plan uses the index.'}
              </>
            )}
          </p>
          {result.leftoverInvalidIndex && <p className="text-red-700">An INVALID index {result.leftoverInvalidIndex} is left: DROP INDEX CONCURRENTLY it by hand.</p>}
        </div>
      )}
      {rec.error && (
        <p className="mt-2 text-xs text-red-700" data-testid="recommendation-error-text">
          {rec.error}
        </p>
      )}

      <div className="mt-3 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-64 flex-1">
          <RecommendationActions id={rec.id} actions={actions} activeJobId={inFlight || rec.progressPhase === 'rolling back' ? rec.jobId : null} kind={rec.kind} state={rec.state} />
        </div>
        <div className="flex gap-3 text-xs">
          <a className="text-sky-800 hover:underline" href={`/api/v1/recommendations/${rec.id}/migration?format=sql`} download data-testid="download-sql">
            Download .sql
          </a>
          <a className="text-sky-800 hover:underline" href={`/api/v1/recommendations/${rec.id}/migration?format=prisma`} download data-testid="download-prisma">
            Prisma migration (.tar)
          </a>
        </div>
      </div>

      <details className="mt-2 text-xs text-slate-600">
        <summary className="cursor-pointer">History ({rec.events.length})</summary>
        <ol className="mt-1 space-y-0.5 pl-4" data-testid="recommendation-history">
          {rec.events.map((e, i) => (
            <li key={i} className="tabular-nums">
              {e.at.slice(0, 19).replace('T', ' ')} UTC · {e.from ? `${e.from.replace(/_/g, ' ')} → ` : ''}
              <span className="font-medium">{e.to.replace(/_/g, ' ')}</span>
              {e.actorEmail ? ` · ${e.actorEmail}` : ' · Perfdeck'}
              {e.note ? ` · ${oneLine(e.note, 200)}` : ''}
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}
