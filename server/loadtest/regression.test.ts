import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordMillis } from './histogram';
import { compareEndpoint, compareToBaseline, mannWhitneyU, normalCdf, perSecondSamples, seriesFromSnapshots, type EndpointSeries } from './regression';
import type { SecondSnapshot } from './schema';

// Deterministic PRNG (mulberry32) + Box-Muller, so the synthetic runs are the same on every machine.
function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, normal };
}

/** A synthetic run: `seconds` seconds of `perSecond` lognormal latencies around `medianMs`, as real snapshots. */
function syntheticRun(seed: number, medianMs: number, seconds = 30, perSecond = 200, sigma = 0.25): SecondSnapshot[] {
  const r = rng(seed);
  const snaps: SecondSnapshot[] = [];
  for (let s = 0; s < seconds; s++) {
    const h = createHistogram();
    for (let i = 0; i < perSecond; i++) recordMillis(h, medianMs * Math.exp(sigma * r.normal()));
    const hist = encodeHistogram(h);
    const ep = { requests: perSecond, status: { '2xx': perSecond, '3xx': 0, '4xx': 0, '5xx': 0 }, errors: { timeout: 0, connect: 0, reset: 0, other: 0 }, hist, svcHist: hist };
    snaps.push({ second: s, requests: perSecond, byEndpoint: { api: ep }, overall: ep, lateStarts: 0, dropped: 0, activeVus: null, targetRate: perSecond, shard: { index: 0, count: 1 } });
  }
  return snaps;
}

describe('Mann-Whitney U (values checked against scipy.stats.mannwhitneyu, asymptotic, two-sided)', () => {
  it('completely separated samples: U = 0, p = 0.0121858', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u1).toBe(0);
    expect(r.u2).toBe(25);
    expect(r.p).toBeCloseTo(0.012185780355344813, 6);
  });
  it('with ties: U = 11, p = 0.0498844', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 3, 3, 4], [2, 3, 3, 4, 4, 5, 5, 6]);
    expect(r.u1).toBe(11);
    expect(r.p).toBeCloseTo(0.04988443697992588, 6);
  });
  it('scipy documentation-style example: U = 17, p = 0.111347', () => {
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u1).toBe(17);
    expect(r.p).toBeCloseTo(0.11134688653314041, 6);
  });
  it('identical samples: p = 1', () => {
    expect(mannWhitneyU([1, 1, 1], [1, 1, 1]).p).toBe(1);
  });
  it('normal CDF is accurate', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 7);
  });
});

describe('baseline comparison on synthetic seeded runs', () => {
  const baseline = syntheticRun(1, 100);
  const verdict = (run: SecondSnapshot[]) => compareEndpoint('api', seriesFromSnapshots(run, 'api'), seriesFromSnapshots(baseline, 'api'));

  it('regressed: +30% and +30 ms, significant', () => {
    const c = verdict(syntheticRun(2, 130));
    expect(c.verdict).toBe('regressed');
    expect(c.test!.p).toBeLessThan(0.05);
    expect(c.deltaMs).toBeGreaterThan(5);
  });
  it('improved: −30%, significant', () => {
    const c = verdict(syntheticRun(3, 70));
    expect(c.verdict).toBe('improved');
    expect(c.deltaMs).toBeLessThan(-5);
  });
  it('unchanged: same distribution, different seed', () => {
    expect(verdict(syntheticRun(4, 100)).verdict).toBe('unchanged');
  });
  it('unchanged: significant but below the 10% minimum effect', () => {
    const tight = syntheticRun(12, 100, 30, 200, 0.05);
    const c = compareEndpoint('api', seriesFromSnapshots(syntheticRun(5, 105, 30, 200, 0.05), 'api'), seriesFromSnapshots(tight, 'api'));
    expect(c.test!.p).toBeLessThan(0.05);
    expect(c.deltaMs).toBeGreaterThan(5);
    expect(c.verdict).toBe('unchanged');
    expect(c.reason).toContain('within 10%');
  });
  it('unchanged: +25% but under 5 ms absolute', () => {
    const base = syntheticRun(6, 2);
    const c = compareEndpoint('api', seriesFromSnapshots(syntheticRun(7, 2.5), 'api'), seriesFromSnapshots(base, 'api'));
    expect(c.deltaRelative!).toBeGreaterThan(0.1);
    expect(c.test!.p).toBeLessThan(0.05);
    expect(c.verdict).toBe('unchanged');
    expect(c.reason).toContain('within 5 ms');
  });
  it('unchanged with too few samples', () => {
    const c = verdict(syntheticRun(8, 200, 3));
    expect(c.verdict).toBe('unchanged');
    expect(c.test).toBeNull();
  });
  it('compareToBaseline covers endpoints present on both sides', () => {
    const run: Record<string, EndpointSeries> = { api: seriesFromSnapshots(syntheticRun(2, 130), 'api'), only: { p95Ms: 1, samples: [] } };
    const res = compareToBaseline(run, { api: seriesFromSnapshots(baseline, 'api') });
    expect(res.map((r) => [r.endpoint, r.verdict])).toEqual([['api', 'regressed']]);
  });
  it('per-second samples merge shards of the same second and skip near-empty seconds', () => {
    const a = syntheticRun(9, 50, 3, 100);
    const b = syntheticRun(10, 50, 3, 100).map((s) => ({ ...s, shard: { index: 1, count: 2 } }));
    expect(perSecondSamples([...a, ...b], 'api')).toHaveLength(3);
    expect(perSecondSamples(syntheticRun(11, 50, 3, 2), 'api')).toHaveLength(0);
  });
});
