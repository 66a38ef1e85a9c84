// Presentational pieces of a run (summary, per-endpoint table, assertions, baseline comparison, shards). No data
// access: the run page renders them on the server for finished runs, the live view on the client while it runs.
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Table, Td } from '@/components/ui/table';
import type { AssertionResult } from '@/server/loadtest/schema';
import type { LoadRunDto, RunSummaryDto, ShardDto } from '@/server/loadtest/types';
import type { EndpointVerdict, RunVerdict } from '@/server/loadtest/verdict';
import { fmtDelta, fmtInt, fmtMs, fmtPct, fmtRps } from './format';

function Metric({ label, value, testId, hint }: { label: string; value: string; testId?: string; hint?: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2" title={hint}>
      <dt className="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export function SummaryGrid({ summary }: { summary: RunSummaryDto }) {
  const r = summary.responseTimeMs;
  const s = summary.serviceTimeMs;
  const errs = Object.entries(summary.errors).filter(([, n]) => n > 0);
  const statuses = Object.entries(summary.status).filter(([, n]) => n > 0);
  return (
    <div className="space-y-3" data-testid="run-summary">
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-8">
        <Metric label="Requests" value={fmtInt(summary.requests)} testId="summary-requests" />
        <Metric label="Req/s" value={fmtRps(summary.rps)} testId="summary-rps" hint="Requests over the whole run, ramps included (as k6's http_reqs rate)" />
        <Metric label="Error rate" value={fmtPct(summary.errorRate)} testId="summary-error-rate" hint="Transport errors and HTTP ≥ 400, over all requests" />
        <Metric label="p50" value={fmtMs(r.p50)} />
        <Metric label="p90" value={fmtMs(r.p90)} />
        <Metric label="p95" value={fmtMs(r.p95)} testId="summary-p95" />
        <Metric label="p99" value={fmtMs(r.p99)} />
        <Metric label="max" value={fmtMs(r.max)} />
      </dl>
      <p className="text-xs text-slate-600">
        Response time is measured from each request&apos;s intended start (coordinated-omission corrected). Service time (from the actual send, what most tools
        report): p50 {fmtMs(s.p50)}, p95 {fmtMs(s.p95)}, p99 {fmtMs(s.p99)}. Statuses: {statuses.map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ') || 'none'}. Errors
        by kind: {errs.length ? errs.map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ') : 'none'}. Late starts {fmtInt(summary.lateStarts)}, dropped{' '}
        {fmtInt(summary.dropped)}.
      </p>
    </div>
  );
}

export function EndpointTable({ summary, lastSecond }: { summary: RunSummaryDto; lastSecond?: Record<string, { requests: number; p95Ms: number }> }) {
  const names = Object.keys(summary.byEndpoint);
  return (
    <Table head={['Endpoint', 'Requests', 'Req/s', 'Errors', 'p50', 'p95', 'p99', 'max', ...(lastSecond ? ['Last second'] : [])]} caption="Per-endpoint breakdown">
      {names.map((name) => {
        const e = summary.byEndpoint[name];
        const ls = lastSecond?.[name];
        return (
          <tr key={name} data-testid={`endpoint-${name}`}>
            <Td className="font-mono text-xs">{name}</Td>
            <Td className="tabular-nums">{fmtInt(e.requests)}</Td>
            <Td className="tabular-nums">{fmtRps(e.rps)}</Td>
            <Td className={`tabular-nums ${e.failed ? 'text-red-700' : ''}`}>{fmtPct(e.errorRate)}</Td>
            <Td className="tabular-nums">{fmtMs(e.responseTimeMs.p50)}</Td>
            <Td className="tabular-nums">{fmtMs(e.responseTimeMs.p95)}</Td>
            <Td className="tabular-nums">{fmtMs(e.responseTimeMs.p99)}</Td>
            <Td className="tabular-nums">{fmtMs(e.responseTimeMs.max)}</Td>
            {lastSecond && <Td className="tabular-nums text-xs text-slate-600">{ls ? `${ls.requests} req · p95 ${fmtMs(ls.p95Ms)}` : '—'}</Td>}
          </tr>
        );
      })}
    </Table>
  );
}

export function AssertionList({ assertions, live }: { assertions: AssertionResult[]; live: boolean }) {
  if (!assertions.length) return <p className="text-sm text-slate-500">This scenario has no assertions.</p>;
  return (
    <ul className="space-y-1 text-sm" data-testid="assertions">
      {assertions.map((a, i) => {
        const pending = live && a.actual === null;
        return (
          <li key={i} className="flex items-start gap-2">
            {pending ? <Badge tone="muted">waiting</Badge> : a.passed ? <Badge tone="ok">{live ? 'passing' : 'passed'}</Badge> : <Badge tone="error">{live ? 'failing' : 'failed'}</Badge>}
            <span className="text-slate-700">
              {a.message}
              {a.assertion.abortOnFail && <span className="text-xs text-slate-500"> · aborts the run when it fails</span>}
              {live && a.assertion.metric === 'rps' && <span className="text-xs text-slate-500"> · judged at the end (the rate climbs during ramps)</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function DeltaCell({ d, unit }: { d: EndpointVerdict['p95Ms']; unit: 'ms' | 'pct' | 'rps' }) {
  const f = unit === 'ms' ? fmtMs : unit === 'pct' ? fmtPct : fmtRps;
  return (
    <span className="tabular-nums">
      {f(d.baseline)} → {f(d.run)} {unit !== 'pct' && d.relative !== null && <span className="text-xs text-slate-500">({fmtDelta(d.relative)})</span>}
    </span>
  );
}

export function VerdictView({ verdict }: { verdict: RunVerdict }) {
  const rows = [verdict.overall, ...verdict.endpoints];
  return (
    <div className="space-y-3" data-testid="baseline-comparison">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span data-testid="verdict">
          <StatusBadge status={verdict.verdict} />
        </span>
        <span className="text-slate-700">{verdict.headline}</span>
      </p>
      <Table head={['Scope', 'Verdict', 'p50', 'p95', 'p99', 'Error rate', 'Req/s', 'Test']} caption="Per-endpoint deltas against the baseline">
        {rows.map((e) => (
          <tr key={e.endpoint} data-testid={`delta-${e.endpoint}`}>
            <Td className="font-mono text-xs">{e.endpoint}</Td>
            <Td>
              <StatusBadge status={e.verdict} />
            </Td>
            <Td>
              <DeltaCell d={e.p50Ms} unit="ms" />
            </Td>
            <Td>
              <DeltaCell d={e.p95Ms} unit="ms" />
            </Td>
            <Td>
              <DeltaCell d={e.p99Ms} unit="ms" />
            </Td>
            <Td>
              <DeltaCell d={e.errorRate} unit="pct" />
            </Td>
            <Td>
              <DeltaCell d={e.rps} unit="rps" />
            </Td>
            <Td className="max-w-xs text-xs text-slate-500">{e.pValue !== null ? `Mann-Whitney p = ${e.pValue.toPrecision(2)}` : e.reason}</Td>
          </tr>
        ))}
      </Table>
      <p className="text-xs text-slate-500">
        Regressed or improved needs all three: the whole-run p95 moved by more than 10% and more than 5 ms, and a Mann-Whitney U test over the per-second p95s
        agrees (p &lt; 0.05); an error rate that rises by more than 1 point and doubles is a regression too.
      </p>
    </div>
  );
}

export function ShardTable({ shards }: { shards: ShardDto[] }) {
  return (
    <Table head={['Shard', 'Status', 'Worker', 'Last second', 'Requests', 'Note']} caption="Shards">
      {shards.map((s) => (
        <tr key={s.index}>
          <Td className="tabular-nums">{s.index}</Td>
          <Td>
            <StatusBadge status={s.status} />
          </Td>
          <Td className="font-mono text-xs">{s.workerId ?? '—'}</Td>
          <Td className="tabular-nums">{s.lastSecond >= 0 ? s.lastSecond : '—'}</Td>
          <Td className="tabular-nums">{s.requests ? fmtInt(s.requests) : '—'}</Td>
          <Td className="text-xs text-slate-600">{s.error ?? ''}</Td>
        </tr>
      ))}
    </Table>
  );
}

export function runHeadline(run: Pick<LoadRunDto, 'status' | 'error'>): string | null {
  if (run.status === 'partial') return `Partial: ${run.error ?? 'a worker stopped during the run'}. Everything merged up to then is kept.`;
  if (run.status === 'failed') return run.error ? `Failed: ${run.error}` : 'Failed.';
  if (run.status === 'stopped') return 'Stopped before the end; the seconds measured until then are kept.';
  if (run.status === 'aborted') return 'Aborted; the seconds measured until then are kept.';
  return null;
}
