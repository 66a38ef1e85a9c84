import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
// Lighthouse's own implementation, as the oracle. It is a self-contained pure module (no Chrome, no IO).
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import { medianOf, selectMedianLhrIndex, selectMedianRunIndex, type RunTimings } from './median';

const lhr = (fcp: number | undefined, tti: number | undefined, lcp?: number) => ({
  audits: {
    'first-contentful-paint': { numericValue: fcp },
    interactive: { numericValue: tti },
    'largest-contentful-paint': { numericValue: lcp },
  },
});

describe('medianOf', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(() => medianOf([])).toThrow();
  });
});

describe('selectMedianRunIndex', () => {
  it('picks the run closest to median FCP and TTI', () => {
    const runs: RunTimings[] = [
      { fcpMs: 1000, interactiveMs: 5000 },
      { fcpMs: 3000, interactiveMs: 3000 }, // slow outlier FCP
      { fcpMs: 1100, interactiveMs: 3100 },
    ];
    // medians: FCP 1100, TTI 3100 → run 2 exactly
    expect(selectMedianRunIndex(runs)).toBe(2);
  });

  it('is not fooled by a single outlier metric', () => {
    const runs: RunTimings[] = [
      { fcpMs: 900, interactiveMs: 2000 },
      { fcpMs: 1000, interactiveMs: 2100 },
      { fcpMs: 1050, interactiveMs: 9000 },
      { fcpMs: 950, interactiveMs: 2050 },
      { fcpMs: 5000, interactiveMs: 2080 },
    ];
    expect(selectMedianRunIndex(runs)).toBe(1);
  });

  it('breaks distance ties with the lower TTI, then the earlier run', () => {
    expect(selectMedianRunIndex([{ fcpMs: 100, interactiveMs: 300 }, { fcpMs: 100, interactiveMs: 200 }])).toBe(1);
    expect(selectMedianRunIndex([{ fcpMs: 100, interactiveMs: 200 }, { fcpMs: 100, interactiveMs: 200 }])).toBe(0);
  });

  it('ignores runs without FCP and throws when none has one', () => {
    expect(
      selectMedianRunIndex([
        { fcpMs: null, interactiveMs: 1 },
        { fcpMs: 1000, interactiveMs: 2000 },
      ]),
    ).toBe(1);
    expect(() => selectMedianRunIndex([{ fcpMs: null }, { fcpMs: Number.NaN }])).toThrow(/First Contentful Paint/);
    expect(() => selectMedianRunIndex([])).toThrow();
  });

  it('falls back to LCP when TTI is missing, and to FCP alone when both are', () => {
    const noTti: RunTimings[] = [
      { fcpMs: 1000, lcpMs: 4000 },
      { fcpMs: 1000, lcpMs: 2000 },
      { fcpMs: 1000, lcpMs: 2100, interactiveMs: 1 },
    ];
    expect(selectMedianRunIndex(noTti)).toBe(2); // median LCP 2100
    expect(selectMedianRunIndex([{ fcpMs: 3000 }, { fcpMs: 1000 }, { fcpMs: 2000 }])).toBe(2);
  });

  it('reads timings from LHRs', () => {
    expect(selectMedianLhrIndex([lhr(1000, 5000), lhr(3000, 3000), lhr(1100, 3100)])).toBe(2);
  });
});

describe('agrees with lighthouse/core/lib/median-run.js', () => {
  it('on random run sets', () => {
    const timing = fc.integer({ min: 1, max: 20_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(timing, timing), { minLength: 1, maxLength: 9 }), (pairs) => {
        const lhrs = pairs.map(([fcp, tti]) => lhr(fcp, tti));
        // computeMedianRun returns the object; compare by identity to get its index.
        const expected = lhrs.indexOf(computeMedianRun(lhrs as never) as never);
        expect(selectMedianLhrIndex(lhrs)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
