// HDR histogram helpers. Values are recorded in microseconds (1 µs .. 60 s, 3 significant digits), shipped as
// compressed base64 and merged exactly by adding counts. Percentiles are never averaged and raw samples are never
// kept, so memory is bounded whatever the run length. Pure (hdr-histogram-js is plain JS).
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { PercentileSummary } from './schema';

export type { Histogram };

export const HIST_LOWEST_US = 1;
export const HIST_HIGHEST_US = 60_000_000;
export const HIST_SIGNIFICANT_DIGITS = 3;

export function createHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: HIST_LOWEST_US,
    highestTrackableValue: HIST_HIGHEST_US,
    numberOfSignificantValueDigits: HIST_SIGNIFICANT_DIGITS,
    autoResize: false,
    bitBucketSize: 32,
  });
}

/** Record a duration given in microseconds; values outside 0..60 s are clamped (a 70 s stall still counts, as 60 s). */
export function recordMicros(h: Histogram, us: number): void {
  h.recordValue(us <= 0 ? 0 : us >= HIST_HIGHEST_US ? HIST_HIGHEST_US : Math.round(us));
}

/** Record a duration given in milliseconds (stored as µs). */
export function recordMillis(h: Histogram, ms: number): void {
  recordMicros(h, ms * 1000);
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  // Decoding yields a histogram with the encoded range; copy into our standard shape so merges never resize.
  const decoded = decodeFromCompressedBase64(base64, 32, false);
  const h = createHistogram();
  if (decoded.totalCount > 0) h.add(decoded);
  return h;
}

/** Merge histograms (objects or base64) into a new one. Exact: equal to one histogram of the union of samples. */
export function mergeHistograms(parts: Iterable<Histogram | string>): Histogram {
  const out = createHistogram();
  for (const p of parts) {
    const h = typeof p === 'string' ? decodeFromCompressedBase64(p, 32, false) : p;
    if (h.totalCount > 0) out.add(h);
  }
  return out;
}

/** Merge base64 histograms into one base64 histogram. */
export function mergeEncoded(parts: Iterable<string>): string {
  return encodeHistogram(mergeHistograms(parts));
}

const ms = (us: number) => us / 1000;

/** Percentile summary in milliseconds. An empty histogram gives zeros with count 0. */
export function summarizeHistogram(h: Histogram | string): PercentileSummary {
  const hist = typeof h === 'string' ? decodeFromCompressedBase64(h, 32, false) : h;
  if (hist.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    p50: ms(hist.getValueAtPercentile(50)),
    p90: ms(hist.getValueAtPercentile(90)),
    p95: ms(hist.getValueAtPercentile(95)),
    p99: ms(hist.getValueAtPercentile(99)),
    p999: ms(hist.getValueAtPercentile(99.9)),
    // The bucket's highest equivalent value: consistent before and after encode/merge (raw maxValue is not).
    max: ms(hist.getValueAtPercentile(100)),
    mean: ms(hist.mean),
    count: hist.totalCount,
  };
}

/** A single percentile (0..100) in milliseconds; 0 when empty. */
export function percentileMillis(h: Histogram | string, percentile: number): number {
  const hist = typeof h === 'string' ? decodeFromCompressedBase64(h, 32, false) : h;
  return hist.totalCount === 0 ? 0 : ms(hist.getValueAtPercentile(percentile));
}

/** Encoded empty histogram (handy default for seconds with no responses). */
export const EMPTY_HISTOGRAM = encodeHistogram(createHistogram());
