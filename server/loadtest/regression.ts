// Run-vs-baseline comparison per endpoint. A change must be both statistically significant and big enough to
// matter: regressed only if p95 > baseline × 1.10 AND p95 − baseline > 5 ms AND the Mann-Whitney U test over the
// per-second samples gives p < 0.05; improved symmetrically; otherwise unchanged. Per-second p95s are not
// independent draws (load, GC and caches drift), so the test is a guard against noise, not a proof. Pure.
import { decodeHistogram, mergeHistograms, percentileMillis, summarizeHistogram } from './histogram';
import type { SecondSnapshot } from './schema';

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U statistic of the first sample (number of pairs where a > b, ties counting ½). */
  u1: number;
  u2: number;
  /** Normal approximation with tie correction and continuity correction (as scipy's default asymptotic method). */
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/** Complementary error function: Numerical Recipes' erfcc (Chebyshev fit), fractional error < 1.2e-7 everywhere. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('Mann-Whitney U needs at least one sample on each side');
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let r1 = 0;
  let tieSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j) / 2 + 1; // average rank for ties (ranks are 1-based)
    const t = j - i + 1;
    if (t > 1) tieSum += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].g === 0) r1 += rank;
    i = j + 1;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieSum / (n * (n - 1))));
  if (sigma === 0) return { n1, n2, u1, u2, z: 0, p: 1 };
  const diff = u1 - mu;
  // Continuity correction towards the mean.
  const z = (diff - 0.5 * Math.sign(diff)) / sigma;
  const p = Math.min(1, 2 * normalCdf(-Math.abs(z)));
  return { n1, n2, u1, u2, z, p };
}

// ---------------------------------------------------------------------------------------------------------------

export type SampleStat = 'p95' | 'mean';

/**
 * Per-second samples of one endpoint (or overall when endpoint is undefined) from a run's snapshots: the p95 (or
 * mean) of each second's response-time histogram. Seconds with fewer than minRequests responses are skipped, so a
 * near-empty second cannot pose as a sample. Snapshots from several shards with the same `second` are merged first.
 */
export function perSecondSamples(snapshots: readonly SecondSnapshot[], endpoint?: string, stat: SampleStat = 'p95', minRequests = 5): number[] {
  const bySecond = new Map<number, string[]>();
  for (const s of snapshots) {
    const h = endpoint === undefined ? s.overall.hist : s.byEndpoint[endpoint]?.hist;
    if (h === undefined) continue;
    const list = bySecond.get(s.second) ?? [];
    list.push(h);
    bySecond.set(s.second, list);
  }
  const out: number[] = [];
  for (const second of [...bySecond.keys()].sort((x, y) => x - y)) {
    const parts = bySecond.get(second)!;
    const h = parts.length === 1 ? decodeHistogram(parts[0]) : mergeHistograms(parts);
    if (h.totalCount < minRequests) continue;
    out.push(stat === 'p95' ? percentileMillis(h, 95) : summarizeHistogram(h).mean);
  }
  return out;
}

export interface EndpointSeries {
  /** Whole-run p95 in ms (from the merged cumulative histogram, never an average of per-second p95s). */
  p95Ms: number;
  /** Per-second samples (p95 or mean, ms) for the significance test. */
  samples: number[];
}

export interface RegressionOptions {
  /** Relative change required (0.10 = 10%). */
  minRelative: number;
  /** Absolute change required in ms. */
  minAbsoluteMs: number;
  alpha: number;
  /** Fewer per-second samples than this on either side: unchanged (not enough evidence). */
  minSamples: number;
}
export const DEFAULT_REGRESSION_OPTIONS: RegressionOptions = { minRelative: 0.1, minAbsoluteMs: 5, alpha: 0.05, minSamples: 5 };

export type Verdict = 'regressed' | 'improved' | 'unchanged';

export interface EndpointComparison {
  endpoint: string;
  verdict: Verdict;
  baselineP95Ms: number;
  p95Ms: number;
  deltaMs: number;
  /** (p95 − baseline) / baseline; null when the baseline p95 is 0. */
  deltaRelative: number | null;
  /** null when there were too few samples to test. */
  test: MannWhitneyResult | null;
  reason: string;
}

export function compareEndpoint(endpoint: string, run: EndpointSeries, baseline: EndpointSeries, options: Partial<RegressionOptions> = {}): EndpointComparison {
  const o = { ...DEFAULT_REGRESSION_OPTIONS, ...options };
  const deltaMs = run.p95Ms - baseline.p95Ms;
  const deltaRelative = baseline.p95Ms > 0 ? deltaMs / baseline.p95Ms : null;
  const base = { endpoint, baselineP95Ms: baseline.p95Ms, p95Ms: run.p95Ms, deltaMs, deltaRelative };
  if (run.samples.length < o.minSamples || baseline.samples.length < o.minSamples) {
    return { ...base, verdict: 'unchanged', test: null, reason: `too few per-second samples (${run.samples.length} vs ${baseline.samples.length}; need ${o.minSamples})` };
  }
  const test = mannWhitneyU(run.samples, baseline.samples);
  const significant = test.p < o.alpha;
  const pct = deltaRelative === null ? '' : ` (${deltaRelative >= 0 ? '+' : ''}${(deltaRelative * 100).toFixed(1)}%)`;
  const what = `p95 ${baseline.p95Ms.toFixed(1)} → ${run.p95Ms.toFixed(1)} ms${pct}, Mann-Whitney p = ${test.p.toPrecision(3)}`;
  // Direction of the test must agree with the direction of the p95 change (u1 > u2: the run tends to be slower).
  if (run.p95Ms > baseline.p95Ms * (1 + o.minRelative) && deltaMs > o.minAbsoluteMs && significant && test.u1 > test.u2) {
    return { ...base, verdict: 'regressed', test, reason: what };
  }
  if (run.p95Ms < baseline.p95Ms / (1 + o.minRelative) && -deltaMs > o.minAbsoluteMs && significant && test.u1 < test.u2) {
    return { ...base, verdict: 'improved', test, reason: what };
  }
  const why = !significant ? 'not significant' : Math.abs(deltaMs) <= o.minAbsoluteMs ? `change within ${o.minAbsoluteMs} ms` : `change within ${o.minRelative * 100}%`;
  return { ...base, verdict: 'unchanged', test, reason: `${what} (${why})` };
}

/** Compare every endpoint present in both; endpoints missing on one side are skipped. */
export function compareToBaseline(
  run: Record<string, EndpointSeries>,
  baseline: Record<string, EndpointSeries>,
  options: Partial<RegressionOptions> = {},
): EndpointComparison[] {
  return Object.keys(run)
    .filter((k) => k in baseline)
    .sort()
    .map((k) => compareEndpoint(k, run[k], baseline[k], options));
}

/** Build an EndpointSeries from snapshots (merging all seconds for the whole-run p95). */
export function seriesFromSnapshots(snapshots: readonly SecondSnapshot[], endpoint?: string, stat: SampleStat = 'p95'): EndpointSeries {
  const hists = snapshots.map((s) => (endpoint === undefined ? s.overall.hist : s.byEndpoint[endpoint]?.hist)).filter((h): h is string => h !== undefined);
  return { p95Ms: percentileMillis(mergeHistograms(hists), 95), samples: perSecondSamples(snapshots, endpoint, stat) };
}
