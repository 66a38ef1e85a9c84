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

/** Durations bucketed by time (e.g. per collector interval) → a summary per bucket, for the detail page's trend. */
export function summarizeByBucket(
  samples: readonly { at: string; durationMs: number }[],
  bucketMs: number,
): { start: string; summary: LatencySummary }[] {
  if (!(bucketMs > 0)) throw new RangeError('bucketMs must be > 0');
  const buckets = new Map<number, number[]>();
  for (const s of samples) {
    const t = Date.parse(s.at);
    if (!Number.isFinite(t)) continue;
    const k = Math.floor(t / bucketMs) * bucketMs;
    const list = buckets.get(k) ?? [];
    list.push(s.durationMs);
    buckets.set(k, list);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([k, v]) => {
      const summary = summarizeDurations(v);
      return summary ? [{ start: new Date(k).toISOString(), summary }] : [];
    });
}
