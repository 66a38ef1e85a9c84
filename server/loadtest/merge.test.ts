import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, mergeHistograms, recordMillis, summarizeHistogram } from './histogram';
import { distributionPoints, mergeSecond, mergedToSnapshot, RunAccumulator } from './merge';
import { LoadRecorder } from './recorder';
import type { SecondSnapshot } from './schema';

// Deterministic PRNG so the synthetic shards are the same everywhere.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One shard's snapshots through the real recorder: `seconds` seconds, `perSecond` responses each, latencies from
 * `latency(r)` (ms), every 50th a 500 and every 97th a timeout. Also returns every latency it recorded.
 */
function shardRun(index: number, count: number, seed: number, seconds: number, perSecond: number, latency: (r: () => number) => number) {
  const r = rng(seed);
  const rec = new LoadRecorder(['search', 'detail'], { lateStartMs: 1, shard: { index, count } });
  const samples: number[] = [];
  const snaps: SecondSnapshot[] = [];
  let n = 0;
  for (let s = 0; s < seconds; s++) {
    for (let i = 0; i < perSecond; i++, n++) {
      const ep = n % 3 === 0 ? 1 : 0;
      const t0 = s * 1000 + i;
      if (n % 97 === 96) {
        rec.recordError(ep, 'timeout');
        continue;
      }
      const ms = latency(r);
      samples.push(ms);
      rec.recordStart(t0, t0 + (n % 10 === 0 ? 3 : 0));
      rec.recordResponse(ep, n % 50 === 49 ? 500 : 200, t0, t0, t0 + ms);
    }
    if (s === 1) rec.recordDropped(2);
    snaps.push(rec.takeSecond(s, { activeVus: null, targetRate: perSecond }));
  }
  return { snaps, samples, totals: rec.totals() };
}

describe('mergeSecond', () => {
  it('sums counts and merges histograms exactly: percentiles equal those of the union of the samples', () => {
    const a = shardRun(0, 2, 1, 3, 300, (r) => 5 + 20 * r());
    const b = shardRun(1, 2, 2, 3, 200, (r) => 40 + 200 * r() * r());
    for (let s = 0; s < 3; s++) {
      const m = mergeSecond([a.snaps[s], b.snaps[s]]);
      expect(m.second).toBe(s);
      expect(m.requests).toBe(a.snaps[s].requests + b.snaps[s].requests);
      expect(m.status['5xx']).toBe(a.snaps[s].overall.status['5xx'] + b.snaps[s].overall.status['5xx']);
      expect(m.errors.timeout).toBe(a.snaps[s].overall.errors.timeout + b.snaps[s].overall.errors.timeout);
      expect(m.failed).toBe(m.status['4xx'] + m.status['5xx'] + m.errors.timeout + m.errors.connect + m.errors.reset + m.errors.other);
      expect(m.targetRate).toBe(500);
      expect(m.activeVus).toBeNull();
      expect(m.shardsReported).toBe(2);
      expect(m.byEndpoint.search.requests + m.byEndpoint.detail.requests).toBe(m.requests);
      // The union: one histogram holding both shards' samples of this second.
      const union = createHistogram();
      for (const snap of [a.snaps[s], b.snaps[s]]) union.add(decodeHistogram(snap.overall.hist));
      const u = summarizeHistogram(union);
      expect([m.p50Ms, m.p95Ms, m.p99Ms, m.maxMs]).toEqual([u.p50, u.p95, u.p99, u.max]);
    }
  });

  it('never averages percentiles: a fast big shard and a slow small one give the union p95, not the mean', () => {
    const fast = shardRun(0, 2, 3, 1, 900, () => 2);
    const slow = shardRun(1, 2, 4, 1, 100, () => 400);
    const m = mergeSecond([fast.snaps[0], slow.snaps[0]]);
    // ~10% of the samples are 400 ms, so p95 is 400 ms; the mean of the two shards' p95s would be ~201 ms.
    expect(m.p95Ms).toBeGreaterThan(390);
    expect(m.p50Ms).toBeLessThan(3);
  });

  it('refuses snapshots of different seconds and an empty list', () => {
    const a = shardRun(0, 1, 5, 2, 10, () => 1);
    expect(() => mergeSecond([a.snaps[0], a.snaps[1]])).toThrow(/different seconds/);
    expect(() => mergeSecond([])).toThrow();
  });

  it('round-trips through mergedToSnapshot (what the verdict reads back from stored rows)', () => {
    const a = shardRun(0, 1, 6, 1, 50, (r) => 10 * r());
    const m = mergeSecond([a.snaps[0]]);
    const snap = mergedToSnapshot(m);
    expect(snap.overall.hist).toBe(m.hist);
    expect(snap.byEndpoint.search.requests).toBe(m.byEndpoint.search.requests);
    expect(snap.requests).toBe(m.requests);
  });
});

describe('RunAccumulator', () => {
  it("equals the union of every shard's cumulative histogram, whatever the split", () => {
    const lat = (r: () => number) => 1 + 80 * r() ** 3;
    const shards = [shardRun(0, 3, 10, 5, 120, lat), shardRun(1, 3, 11, 5, 120, lat), shardRun(2, 3, 12, 5, 119, lat)];
    const acc = new RunAccumulator(['search', 'detail']);
    for (let s = 0; s < 5; s++) acc.add(mergeSecond(shards.map((x) => x.snaps[s])));
    const sum = acc.summary(5);
    const union = mergeHistograms(shards.map((x) => x.totals.overall.hist));
    expect(sum.responseTimeMs).toEqual(summarizeHistogram(union));
    expect(sum.serviceTimeMs).toEqual(summarizeHistogram(mergeHistograms(shards.map((x) => x.totals.overall.svcHist))));
    expect(sum.requests).toBe(shards.reduce((n, x) => n + x.totals.overall.requests, 0));
    expect(sum.failed).toBe(shards.reduce((n, x) => n + x.totals.overall.failed, 0));
    expect(sum.rps).toBeCloseTo(sum.requests / 5, 10);
    expect(sum.errorRate).toBeCloseTo(sum.failed / sum.requests, 10);
    expect(sum.dropped).toBe(6);
    expect(sum.lateStarts).toBeGreaterThan(0);
    expect(sum.byEndpoint.detail.responseTimeMs).toEqual(summarizeHistogram(mergeHistograms(shards.map((x) => x.totals.byEndpoint.detail.hist))));
    expect(sum.seconds).toBe(5);
    // The same run unsplit (one shard with all the samples) gives the same percentiles: nothing depends on the split.
    const one = createHistogram();
    for (const x of shards) for (const v of x.samples) recordMillis(one, v);
    expect(sum.responseTimeMs.p95).toBe(summarizeHistogram(one).p95);
    expect(summarizeHistogram(decodeHistogram(sum.hist)).count).toBe(one.totalCount);
  });

  it('gives the shape assertions judge', () => {
    const a = shardRun(0, 1, 20, 2, 100, () => 12);
    const acc = new RunAccumulator();
    for (const s of a.snaps) acc.add(mergeSecond([s]));
    const as = acc.assertionSummary(2);
    expect(as.overall.requests).toBe(a.totals.overall.requests);
    expect(as.overall.responseTimeMs.p95).toBeCloseTo(12, 1);
    expect(Object.keys(as.byEndpoint).sort()).toEqual(['detail', 'search']);
  });
});

describe('distributionPoints', () => {
  it('is monotonic from the median out to the max, and empty for an empty histogram', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMillis(h, i / 10);
    const pts = distributionPoints(encodeHistogram(h));
    expect(pts.map((p) => p.label)).toContain('p99.9');
    for (let i = 1; i < pts.length; i++) expect(pts[i].ms).toBeGreaterThanOrEqual(pts[i - 1].ms);
    expect(pts.at(-1)!.ms).toBeCloseTo(100, 0);
    expect(distributionPoints(encodeHistogram(createHistogram()))).toEqual([]);
  });
});
