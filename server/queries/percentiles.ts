// Latency percentiles from the timings an application reports (POST /api/v1/queries). Pure.
// Nearest-rank on a sorted array: exact for the bounded batches the console reads (the repo caps how many samples
// it loads per statement), and the same definition as Postgres' percentile_disc, which the list view uses in SQL,
// so a statement shows the same p95 on the list and on its own page.

/** The p-th percentile (0 < p ≤ 100) of ascending `sorted`, nearest-rank: the smallest value with ≥ p % at or below it. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Summary of a batch of durations (ms). Non-finite and negative values are ignored. Null when nothing is left. */
export function summarizeDurations(values: readonly number[]): LatencySummary | null {
  const xs = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const sum = xs.reduce((s, v) => s + v, 0);
  return {
    count: xs.length,
    p50: percentileSorted(xs, 50),
    p95: percentileSorted(xs, 95),
    p99: percentileSorted(xs, 99),
    max: xs[xs.length - 1],
    mean: sum / xs.length,
  };
}

/**
 * A summary per time window (e.g. per collector interval: (start, end]) of the samples that fall in it; null for a
 * window without samples. Samples need not be sorted.
 */
export function summarizeWindows(
  samples: readonly { at: string; durationMs: number }[],
  windows: readonly { start: string; end: string }[],
): (LatencySummary | null)[] {
  const pts = samples
    .map((s) => ({ t: Date.parse(s.at), d: s.durationMs }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  // first index with time > t
  const upper = (t: number) => {
    let lo = 0;
    let hi = pts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pts[mid].t <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return windows.map((w) => {
    const from = Date.parse(w.start);
    const to = Date.parse(w.end);
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return null;
    return summarizeDurations(pts.slice(upper(from), upper(to)).map((p) => p.d));
  });
}
