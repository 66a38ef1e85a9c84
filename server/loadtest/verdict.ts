// A finished run against its scenario's pinned baseline: per-endpoint (and overall) deltas of p50/p95/p99, error rate
// and throughput, and a verdict. Latency verdicts come from regression.ts (whole-run p95 change of at least 10% and
// 5 ms, confirmed by a Mann-Whitney U test over per-second p95s); an error-rate rise of more than 1 percentage point
// that also doubles the rate counts as a regression too. Pure.
import { compareEndpoint, perSecondSamples, type EndpointComparison, type RegressionOptions, type Verdict } from './regression';
import type { RunSummary, ScopeSummary } from './merge';
import type { SecondSnapshot } from './schema';

export interface Delta {
  baseline: number;
  run: number;
  /** run − baseline */
  delta: number;
  /** (run − baseline) / baseline; null when the baseline is 0. */
  relative: number | null;
}

export interface EndpointVerdict {
  /** Endpoint name, or "overall". */
  endpoint: string;
  verdict: Verdict;
  reason: string;
  p50Ms: Delta;
  p95Ms: Delta;
  p99Ms: Delta;
  errorRate: Delta;
  rps: Delta;
  /** Mann-Whitney p-value of the latency test (null when there were too few per-second samples). */
  pValue: number | null;
  latency: Pick<EndpointComparison, 'verdict' | 'reason'>;
}

export interface RunVerdict {
  verdict: Verdict;
  baselineRunId: string;
  overall: EndpointVerdict;
  endpoints: EndpointVerdict[];
  /** One line for lists and the CLI, e.g. "regressed: search p95 48.1 → 71.0 ms (+47.6%)". */
  headline: string;
}

export interface RunSeries {
  seconds: readonly SecondSnapshot[];
  summary: RunSummary;
}

export const ERROR_RATE_MIN_INCREASE = 0.01;

function delta(baseline: number, run: number): Delta {
  return { baseline, run, delta: run - baseline, relative: baseline !== 0 ? (run - baseline) / baseline : null };
}

function errorVerdict(base: ScopeSummary, run: ScopeSummary): { verdict: Verdict; reason: string } | null {
  const b = base.errorRate;
  const r = run.errorRate;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  if (r - b > ERROR_RATE_MIN_INCREASE && r > 2 * b) return { verdict: 'regressed', reason: `error rate ${pct(b)} → ${pct(r)}` };
  if (b - r > ERROR_RATE_MIN_INCREASE && b > 2 * r) return { verdict: 'improved', reason: `error rate ${pct(b)} → ${pct(r)}` };
  return null;
}

function compareScope(
  name: string,
  key: string | undefined,
  run: RunSeries,
  base: RunSeries,
  runScope: ScopeSummary,
  baseScope: ScopeSummary,
  options: Partial<RegressionOptions>,
): EndpointVerdict {
  const latency = compareEndpoint(
    name,
    { p95Ms: runScope.responseTimeMs.p95, samples: perSecondSamples(run.seconds, key) },
    { p95Ms: baseScope.responseTimeMs.p95, samples: perSecondSamples(base.seconds, key) },
    options,
  );
  const errors = errorVerdict(baseScope, runScope);
  // A regression on either axis wins; otherwise an improvement on either; otherwise unchanged.
  const verdict: Verdict =
    latency.verdict === 'regressed' || errors?.verdict === 'regressed' ? 'regressed' : latency.verdict === 'improved' || errors?.verdict === 'improved' ? 'improved' : 'unchanged';
  const reason = [latency.reason, errors?.reason].filter(Boolean).join('; ');
  return {
    endpoint: name,
    verdict,
    reason,
    p50Ms: delta(baseScope.responseTimeMs.p50, runScope.responseTimeMs.p50),
    p95Ms: delta(baseScope.responseTimeMs.p95, runScope.responseTimeMs.p95),
    p99Ms: delta(baseScope.responseTimeMs.p99, runScope.responseTimeMs.p99),
    errorRate: delta(baseScope.errorRate, runScope.errorRate),
    rps: delta(baseScope.rps, runScope.rps),
    pValue: latency.test?.p ?? null,
    latency: { verdict: latency.verdict, reason: latency.reason },
  };
}

/** Compare a run with its baseline, overall and for every endpoint present in both. */
export function compareWithBaseline(run: RunSeries, baseline: RunSeries & { id: string }, options: Partial<RegressionOptions> = {}): RunVerdict {
  const overall = compareScope('overall', undefined, run, baseline, run.summary, baseline.summary, options);
  const names = Object.keys(run.summary.byEndpoint)
    .filter((n) => n in baseline.summary.byEndpoint)
    .sort();
  const endpoints = names.map((n) => compareScope(n, n, run, baseline, run.summary.byEndpoint[n], baseline.summary.byEndpoint[n], options));
  const all = [overall, ...endpoints];
  const verdict: Verdict = all.some((v) => v.verdict === 'regressed') ? 'regressed' : all.some((v) => v.verdict === 'improved') ? 'improved' : 'unchanged';
  const notable = all.filter((v) => v.verdict === verdict && verdict !== 'unchanged');
  const headline =
    verdict === 'unchanged'
      ? `unchanged: overall p95 ${overall.p95Ms.baseline.toFixed(1)} → ${overall.p95Ms.run.toFixed(1)} ms`
      : `${verdict}: ${notable.map((v) => `${v.endpoint} ${v.reason.split(', Mann-Whitney')[0]}`).join('; ')}`;
  return { verdict, baselineRunId: baseline.id, overall, endpoints, headline };
}
