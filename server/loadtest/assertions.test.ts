import { describe, expect, it } from 'vitest';
import type { Assertion, PercentileSummary } from './schema';
import { compare, describeAssertion, evaluateAssertions, evaluateLive, type RunSummaryForAssertions, type ScopeSummary } from './assertions';

const lat = (p95: number, extra: Partial<PercentileSummary> = {}): PercentileSummary => ({
  p50: p95 / 2,
  p90: p95 * 0.9,
  p95,
  p99: p95 * 1.5,
  p999: p95 * 2,
  max: p95 * 3,
  mean: p95 / 2,
  count: 1000,
  ...extra,
});
const scope = (requests: number, failed: number, p95: number): ScopeSummary => ({
  requests,
  failed,
  responseTimeMs: lat(p95, { count: requests }),
});
const summary: RunSummaryForAssertions = {
  elapsedSec: 10,
  overall: scope(1000, 5, 200),
  byEndpoint: { list: scope(800, 0, 100), create: scope(200, 5, 600), idle: scope(0, 0, 0) },
};

describe('compare', () => {
  it('applies each operator strictly as written', () => {
    expect(compare(1, '<', 1)).toBe(false);
    expect(compare(1, '<=', 1)).toBe(true);
    expect(compare(2, '>', 1)).toBe(true);
    expect(compare(1, '>=', 1)).toBe(true);
  });
});

describe('evaluateAssertions', () => {
  it('judges overall and per-endpoint latency, error rate and throughput', () => {
    const as: Assertion[] = [
      { metric: 'p95', op: '<', value: 250 },
      { metric: 'p95', endpoint: 'create', op: '<', value: 500 },
      { metric: 'p99', endpoint: 'list', op: '<=', value: 150 },
      { metric: 'errorRate', op: '<', value: 0.01 },
      { metric: 'errorRate', endpoint: 'create', op: '<', value: 0.01 },
      { metric: 'rps', op: '>', value: 50 },
      { metric: 'rps', endpoint: 'create', op: '>=', value: 25 },
      { metric: 'max', op: '<', value: 500 },
      { metric: 'p50', endpoint: 'idle', op: '<', value: 1 },
    ];
    const r = evaluateAssertions(as, summary);
    expect(r.map((x) => x.passed)).toEqual([true, false, true, true, false, true, false, false, false]);
    expect(r[1].actual).toBe(600);
    expect(r[4].actual).toBeCloseTo(0.025);
    expect(r[5].actual).toBe(100);
    expect(r[6].actual).toBe(20);
    expect(r[8].actual).toBeNull();
    expect(r[8].message).toContain('no data');
    expect(r[4].message).toBe('errorRate{create} < 1%: failed (actual 2.5%)');
  });

  it('describes assertions for people', () => {
    expect(describeAssertion({ metric: 'p95', op: '<', value: 300 })).toBe('p95 < 300 ms');
    expect(describeAssertion({ metric: 'rps', endpoint: 'a', op: '>=', value: 10 })).toBe('rps{a} >= 10 req/s');
  });
});

describe('evaluateLive (abortOnFail)', () => {
  const abortP95: Assertion = { metric: 'p95', op: '<', value: 150, abortOnFail: true };
  it('aborts when an abortOnFail assertion fails after the grace period', () => {
    const v = evaluateLive([abortP95], summary);
    expect(v.abort).toBe(true);
    expect(v.reason).toContain('p95 < 150 ms');
  });
  it('does not abort inside the grace period (time or request count)', () => {
    expect(evaluateLive([abortP95], { ...summary, elapsedSec: 4 }).abort).toBe(false);
    expect(evaluateLive([abortP95], { ...summary, overall: scope(99, 0, 999) }).abort).toBe(false);
  });
  it('ignores assertions without abortOnFail, and rps (a whole-run figure)', () => {
    expect(evaluateLive([{ ...abortP95, abortOnFail: false }], summary).abort).toBe(false);
    expect(evaluateLive([{ metric: 'rps', op: '>', value: 1e6, abortOnFail: true }], summary).abort).toBe(false);
  });
  it('judges error rate per endpoint', () => {
    const a: Assertion = { metric: 'errorRate', endpoint: 'create', op: '<', value: 0.01, abortOnFail: true };
    expect(evaluateLive([a], summary).abort).toBe(true);
    expect(evaluateLive([{ ...a, endpoint: 'list' }], summary).abort).toBe(false);
  });
});
