import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileSorted, summarizeDurations, summarizeWindows } from './percentiles';

describe('percentileSorted (nearest rank)', () => {
  it('matches the textbook nearest-rank definition', () => {
    const xs = [15, 20, 35, 40, 50];
    expect(percentileSorted(xs, 5)).toBe(15);
    expect(percentileSorted(xs, 30)).toBe(20);
    expect(percentileSorted(xs, 40)).toBe(20);
    expect(percentileSorted(xs, 50)).toBe(35);
    expect(percentileSorted(xs, 100)).toBe(50);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(hundred, 95)).toBe(95);
    expect(percentileSorted(hundred, 99)).toBe(99);
  });

  it('rejects percentiles outside (0, 100] and returns NaN for no data', () => {
    expect(() => percentileSorted([1], 0)).toThrow(RangeError);
    expect(() => percentileSorted([1], 101)).toThrow(RangeError);
    expect(percentileSorted([], 50)).toBeNaN();
  });

  it('is a value of the data, monotonic in p, and has at least p % at or below it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (raw, p) => {
        const xs = [...raw].sort((a, b) => a - b);
        const v = percentileSorted(xs, p);
        expect(xs).toContain(v);
        expect(xs.filter((x) => x <= v).length / xs.length).toBeGreaterThanOrEqual(p / 100 - 1e-12);
        expect(percentileSorted(xs, Math.min(100, p + 1))).toBeGreaterThanOrEqual(v);
      }),
    );
  });
});

describe('summarizeDurations', () => {
  it('sorts, ignores junk and summarizes', () => {
    const s = summarizeDurations([5, 1, Number.NaN, 3, -1, 2, 4, Number.POSITIVE_INFINITY]);
    expect(s).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
    expect(summarizeDurations([])).toBeNull();
    expect(summarizeDurations([Number.NaN])).toBeNull();
  });

  it('shows a slow tail the mean hides', () => {
    const xs = [...Array.from({ length: 95 }, () => 2), ...Array.from({ length: 5 }, () => 200)];
    const s = summarizeDurations(xs)!;
    expect(s.p50).toBe(2);
    expect(s.p95).toBe(2);
    expect(s.p99).toBe(200);
    expect(s.mean).toBeCloseTo(11.9, 6);
  });
});

describe('summarizeWindows', () => {
  it('summarizes the samples of each (start, end] window', () => {
    const samples = [
      { at: '2026-12-04T20:06:00.000Z', durationMs: 9 },
      { at: '2026-12-04T20:01:00.000Z', durationMs: 1 },
      { at: '2026-12-04T20:05:00.000Z', durationMs: 3 },
      { at: 'nonsense', durationMs: 100 },
    ];
    const out = summarizeWindows(samples, [
      { start: '2026-12-04T20:00:00.000Z', end: '2026-12-04T20:05:00.000Z' },
      { start: '2026-12-04T20:05:00.000Z', end: '2026-12-04T20:10:00.000Z' },
      { start: '2026-12-04T21:00:00.000Z', end: '2026-12-04T21:05:00.000Z' },
      { start: '2026-12-04T21:05:00.000Z', end: '2026-12-04T21:00:00.000Z' },
    ]);
    expect(out.map((s) => s && [s.count, s.max])).toEqual([[2, 3], [1, 9], null, null]);
  });
});
