import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { fmtCount, fmtMs, hitRatioPct, shortSql } from '@/server/queries/deltas';
import type { PlanFinding } from '@/server/queries/plan-findings';
import { SORT_LABEL, type QuerySort, type SlowQueryDto, type SlowQueryParams } from '@/server/queries/schema';

// The slow-query table. Sorting is plain links (query-string driven, validated by the page), so it needs no JS.

const FINDING_LABEL: Record<string, string> = {
  seq_scan_filter: 'Seq scan',
  row_estimate_miss: 'Row estimate off',
  sort_spill: 'Sort spills to disk',
  hash_spill: 'Hash spills to disk',
  nested_loop_large: 'Large nested loop',
  missing_join_index: 'Missing join index',
};

export function findingBadge(f: PlanFinding): string {
  return `${FINDING_LABEL[f.kind] ?? f.kind}${f.relation ? ` on ${f.relation.replace(/^public\./, '')}` : ''}`;
}

function SortHead({ sort, label, params, href }: { sort: QuerySort; label: string; params: SlowQueryParams; href: (p: Partial<SlowQueryParams>) => string }) {
  const active = params.sort === sort;
  const nextOrder = active && params.order === 'desc' ? 'asc' : 'desc';
  return (
    <Link
      href={href({ sort, order: nextOrder })}
      className={`whitespace-nowrap hover:underline ${active ? 'font-semibold text-slate-800' : 'text-sky-800'}`}
      aria-label={`Sort by ${SORT_LABEL[sort]}${active ? (params.order === 'desc' ? ', now descending' : ', now ascending') : ''}`}
      data-testid={`sort-${sort}`}
    >
      {label}
      {active ? (params.order === 'desc' ? ' ▼' : ' ▲') : ''}
    </Link>
  );
}

export function SlowQueryTable({
  rows,
  params,
  href,
  detailHref,
}: {
  rows: SlowQueryDto[];
  params: SlowQueryParams;
  href: (p: Partial<SlowQueryParams>) => string;
  detailHref: (queryid: string) => string;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left text-sm" data-testid="slow-queries">
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-3 py-2 font-medium">
              Statement
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <SortHead sort="calls" label="Calls" params={params} href={href} />
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <SortHead sort="total_time" label="Total" params={params} href={href} />
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <SortHead sort="mean_time" label="Mean ± sd" params={params} href={href} />
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <SortHead sort="p95" label="p50 / p95 / p99" params={params} href={href} />
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Rows
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium" title="shared blocks hit / read, and the hit ratio">
              Blocks hit / read
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => {
            const ratio = hitRatioPct(r.sharedBlksHit, r.sharedBlksRead);
            return (
              <tr key={r.queryid} data-testid="slow-query-row" data-queryid={r.queryid}>
                <td className="max-w-xl px-3 py-2 align-top">
                  <Link href={detailHref(r.queryid)} className="block font-mono text-xs text-sky-900 hover:underline" title={r.query}>
                    {shortSql(r.query, 160)}
                  </Link>
                  <div className="mt-1 flex flex-wrap gap-1">
                    {r.reasons.includes('mean') && <Badge tone="error">slow mean</Badge>}
                    {r.reasons.includes('total_share') && <Badge tone="warn">{r.sharePct.toFixed(0)}% of time</Badge>}
                    {!r.reasons.includes('total_share') && <span className="text-[11px] text-slate-500">{r.sharePct.toFixed(1)}% of time</span>}
                    {r.findings.map((f, i) => (
                      <Badge key={i} tone={f.severity === 'high' ? 'error' : 'warn'} title={f.message}>
                        <span data-testid="finding-badge" data-kind={f.kind}>
                          {findingBadge(f)}
                        </span>
                      </Badge>
                    ))}
                    {r.reset && (
                      <Badge tone="muted" title="pg_stat_statements counters restarted inside this window (a reset or eviction); the figures count from then">
                        counters reset
                      </Badge>
                    )}
                  </div>
                </td>
                <td className="px-3 py-2 text-right align-top tabular-nums">
                  {fmtCount(r.calls)}
                  {r.callsPerSecond !== null && <div className="text-[11px] text-slate-500">{r.callsPerSecond >= 1 ? `${r.callsPerSecond.toFixed(1)}/s` : `${(r.callsPerSecond * 60).toFixed(1)}/min`}</div>}
                </td>
                <td className="px-3 py-2 text-right align-top tabular-nums">{fmtMs(r.totalExecTimeMs)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums">
                  {fmtMs(r.meanExecTimeMs)}
                  <div className="text-[11px] text-slate-500">± {fmtMs(r.stddevExecTimeMs)}</div>
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums">
                  {r.latency ? (
                    <span title={`${r.latency.count} samples reported by the application`}>
                      {fmtMs(r.latency.p50)} / {fmtMs(r.latency.p95)} / {fmtMs(r.latency.p99)}
                      <div className="text-[11px] text-slate-500">{fmtCount(r.latency.count)} samples</div>
                    </span>
                  ) : (
                    <span className="text-[11px] text-slate-400" title="No timings reported through POST /api/v1/queries: the mean ± stddev comes from pg_stat_statements">
                      no samples
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-right align-top tabular-nums">{fmtCount(r.rows)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums">
                  {fmtCount(r.sharedBlksHit)} / {fmtCount(r.sharedBlksRead)}
                  {ratio !== null && <div className="text-[11px] text-slate-500">{ratio.toFixed(1)}% hit</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
