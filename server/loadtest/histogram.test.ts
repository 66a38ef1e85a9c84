import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_HISTOGRAM,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  mergeHistograms,
  recordMicros,
  recordMillis,
  summarizeHistogram,
} from './histogram';

describe('histogram helpers', () => {
  it('merged histograms give exactly the percentiles of one histogram of the union of samples (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 70_000_000 }), { maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        (groups) => {
          const whole = createHistogram();
          const parts = groups.map((g) => {
            const h = createHistogram();
            for (const v of g) {
              recordMicros(h, v);
              recordMicros(whole, v);
            }
            return encodeHistogram(h); // go through the wire format, as shards do
          });
          expect(summarizeHistogram(mergeHistograms(parts))).toEqual(summarizeHistogram(whole));
          expect(summarizeHistogram(mergeEncoded(parts))).toEqual(summarizeHistogram(whole));
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });

  it('reports milliseconds within 3 significant digits', () => {
    const h = createHistogram();
    for (let i = 1; i <= 10_000; i++) recordMillis(h, i / 10); // 0.1 .. 1000 ms
    const s = summarizeHistogram(h);
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeGreaterThan(499.5 * 0.999);
    expect(s.p50).toBeLessThan(500.5 * 1.001);
    expect(s.p99).toBeGreaterThan(990 * 0.999);
    expect(s.p99).toBeLessThan(990 * 1.001);
    expect(s.max).toBeGreaterThanOrEqual(1000 * 0.999);
    expect(s.mean).toBeCloseTo(500.05, 0);
  });

  it('round-trips through compressed base64 and stays compact', () => {
    const h = createHistogram();
    for (let i = 0; i < 100_000; i++) recordMicros(h, 500 + (i % 100));
    const b64 = encodeHistogram(h);
    expect(b64.length).toBeLessThan(1000);
    const back = decodeHistogram(b64);
    expect(summarizeHistogram(back)).toEqual(summarizeHistogram(h));
  });

  it('clamps values beyond 60 s instead of throwing, and handles empty histograms', () => {
    const h = createHistogram();
    recordMicros(h, 90_000_000);
    recordMicros(h, -5);
    expect(summarizeHistogram(h).count).toBe(2);
    expect(summarizeHistogram(h).max).toBeGreaterThanOrEqual(59_990);
    expect(summarizeHistogram(EMPTY_HISTOGRAM)).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
    expect(summarizeHistogram(mergeHistograms([EMPTY_HISTOGRAM, EMPTY_HISTOGRAM])).count).toBe(0);
  });
});
