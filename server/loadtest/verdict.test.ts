import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordMillis } from './histogram';
import { mergeSecond, RunAccumulator } from './merge';
import type { SecondSnapshot } from './schema';
import { compareWithBaseline, type RunSeries } from './verdict';

function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** A synthetic stored run: `search` around searchMs, `detail` around detailMs, lognormal noise; optional 500s. */
function run(seed: number, searchMs: number, detailMs: number, opts: { seconds?: number; errorsPerSecond?: number } = {}): RunSeries {
  const normal = rng(seed);
  const seconds = opts.seconds ?? 20;
  const snaps: SecondSnapshot[] = [];
  const acc = new RunAccumulator(['detail', 'search']);
  for (let s = 0; s < seconds; s++) {
    const byEndpoint: SecondSnapshot['byEndpoint'] = {};
    const all = createHistogram();
    const status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    for (const [name, median, n] of [
      ['search', searchMs, 40],
      ['detail', detailMs, 20],
    ] as const) {
      const h = createHistogram();
      for (let i = 0; i < n; i++) recordMillis(h, median * Math.exp(0.2 * normal()));
      all.add(h);
      const errs = name === 'search' ? (opts.errorsPerSecond ?? 0) : 0;
      const hist = encodeHistogram(h);
      const st = { '2xx': n - errs, '3xx': 0, '4xx': 0, '5xx': errs };
      status['2xx'] += st['2xx'];
      status['5xx'] += st['5xx'];
      byEndpoint[name] = { requests: n, status: st, errors: { timeout: 0, connect: 0, reset: 0, other: 0 }, hist, svcHist: hist };
    }
    const hist = encodeHistogram(all);
    const snap: SecondSnapshot = {
      second: s,
      requests: 60,
      byEndpoint,
      overall: { requests: 60, status, errors: { timeout: 0, connect: 0, reset: 0, other: 0 }, hist, svcHist: hist },
      lateStarts: 0,
      dropped: 0,
      activeVus: null,
      targetRate: 60,
      shard: { index: 0, count: 1 },
    };
    acc.add(mergeSecond([snap]));
    snaps.push(snap);
  }
  return { seconds: snaps, summary: acc.summary(seconds) };
}

describe('compareWithBaseline', () => {
  const baseline = { id: 'base', ...run(1, 50, 10) };

  it('calls an index that made search 20× faster "improved", with per-endpoint deltas', () => {
    const v = compareWithBaseline(run(2, 2.5, 10), baseline);
    expect(v.verdict).toBe('improved');
    expect(v.baselineRunId).toBe('base');
    const search = v.endpoints.find((e) => e.endpoint === 'search')!;
    expect(search.verdict).toBe('improved');
    expect(search.p95Ms.delta).toBeLessThan(-40);
    expect(search.p95Ms.relative!).toBeLessThan(-0.9);
    expect(search.pValue!).toBeLessThan(0.001);
    expect(v.endpoints.find((e) => e.endpoint === 'detail')!.verdict).toBe('unchanged');
    expect(v.headline).toMatch(/^improved: .*search p95 /);
  });

  it('calls a slower search "regressed" even when the overall mix hides little of it', () => {
    const v = compareWithBaseline(run(3, 80, 10), baseline);
    expect(v.verdict).toBe('regressed');
    expect(v.endpoints.find((e) => e.endpoint === 'search')!.verdict).toBe('regressed');
  });

  it('calls the same workload with different noise "unchanged"', () => {
    const v = compareWithBaseline(run(4, 50, 10), baseline);
    expect(v.verdict).toBe('unchanged');
    expect(v.headline).toMatch(/^unchanged: overall p95/);
  });

  it('treats a doubling error rate above +1 pp as a regression, whatever the latency', () => {
    const v = compareWithBaseline(run(5, 50, 10, { errorsPerSecond: 4 }), baseline);
    const search = v.endpoints.find((e) => e.endpoint === 'search')!;
    expect(search.verdict).toBe('regressed');
    expect(search.reason).toMatch(/error rate 0\.00% → 10\.00%/);
    expect(v.verdict).toBe('regressed');
  });

  it('says "unchanged" with a reason when a run is too short to test', () => {
    const v = compareWithBaseline(run(6, 5, 10, { seconds: 3 }), baseline);
    expect(v.overall.verdict).toBe('unchanged');
    expect(v.overall.reason).toMatch(/too few per-second samples/);
  });
});
