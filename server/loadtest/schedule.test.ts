import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ScenarioSpec } from './schema';
import {
  buildProfile,
  cumulativeAt,
  globalActiveVusAt,
  intendedOffsetSec,
  openCursor,
  parseDurationSec,
  shardActiveVusAt,
  shareOf,
  splitShard,
  targetAt,
  totalScheduled,
} from './schedule';

function openSpec(rate: number, stages: { durationSec: number; target: number }[], durationSec?: number): ScenarioSpec {
  return {
    endpoints: [{ name: 'a', method: 'GET', path: '/', weight: 1 }],
    model: { kind: 'open', rate },
    stages,
    durationSec: durationSec ?? stages.reduce((s, x) => s + x.durationSec, 0),
    timeoutMs: 1000,
    maxConnections: 10,
    assertions: [],
  };
}
function closedSpec(vus: number, stages: { durationSec: number; target: number }[], durationSec?: number): ScenarioSpec {
  return { ...openSpec(1, stages, durationSec), model: { kind: 'closed', vus, thinkTimeMs: 0 } };
}
function allOffsets(spec: ScenarioSpec, index = 0, count = 1): { k: number; ms: number }[] {
  const c = openCursor(splitShard(spec, index, count));
  const out: { k: number; ms: number }[] = [];
  while (c.peekIndex() >= 0) {
    out.push({ k: c.peekIndex(), ms: c.peekOffsetMs() });
    c.advance();
  }
  return out;
}

describe('open-model schedule', () => {
  it('constant rate: t_k = k / rate, exactly rate × duration requests', () => {
    const spec = openSpec(100, [], 10);
    const offs = allOffsets(spec);
    expect(offs.length).toBe(1000);
    expect(offs[0].ms).toBe(0);
    expect(offs[1].ms).toBeCloseTo(10, 9);
    expect(offs[999].ms).toBeCloseTo(9990, 6);
  });

  it('linear ramp 0 → 100 rps over 10 s: N(t) = 5t², 500 requests, t_k = √(k/5)', () => {
    const spec = openSpec(0, [{ durationSec: 10, target: 100 }]);
    const p = buildProfile(spec);
    expect(targetAt(p, 5)).toBe(50);
    expect(cumulativeAt(p, 4)).toBeCloseTo(80, 9);
    expect(totalScheduled(p)).toBe(500);
    for (const k of [1, 20, 125, 499]) expect(intendedOffsetSec(p, k)).toBeCloseTo(Math.sqrt(k / 5), 9);
  });

  it('ramp down 100 → 0 over 10 s: N(t) = 100t − 5t²', () => {
    const p = buildProfile(openSpec(100, [{ durationSec: 10, target: 0 }]));
    expect(totalScheduled(p)).toBe(500);
    for (const k of [1, 100, 300, 499]) {
      const t = intendedOffsetSec(p, k);
      expect(100 * t - 5 * t * t).toBeCloseTo(k, 6);
    }
  });

  it('a stage held at 0 schedules nothing inside it; the next ramp continues from 0', () => {
    const spec = openSpec(10, [
      { durationSec: 2, target: 10 },
      { durationSec: 0.001, target: 0 },
      { durationSec: 3, target: 0 },
      { durationSec: 1, target: 10 },
    ]);
    const offs = allOffsets(spec).map((o) => o.ms / 1000);
    expect(offs.filter((t) => t > 2.001 && t < 5.001)).toEqual([]);
    // 20 in the first 2 s, ~0 in the tiny ramp, 5 in the last ramp (0 → 10 over 1 s)
    expect(offs.length).toBe(totalScheduled(buildProfile(spec)));
    expect(offs.filter((t) => t >= 5.001).length).toBe(5);
  });

  it('stepped stages integrate to the expected count', () => {
    const spec = openSpec(25, [
      { durationSec: 4, target: 25 },
      { durationSec: 1, target: 50 },
      { durationSec: 4, target: 50 },
    ]);
    // 25*4 + 37.5*1 + 50*4 = 337.5 → 338 requests (k = 0..337)
    expect(totalScheduled(buildProfile(spec))).toBe(338);
  });

  it('intended offsets are increasing, inside [0, duration), and invert the cumulative (property)', () => {
    const stage = fc.record({ durationSec: fc.integer({ min: 1, max: 5 }), target: fc.integer({ min: 0, max: 80 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80 }), fc.array(stage, { minLength: 0, maxLength: 4 }), (rate, stages) => {
        const spec = stages.length ? openSpec(rate, stages) : openSpec(Math.max(rate, 1), [], 3);
        const p = buildProfile(spec);
        const offs = allOffsets(spec);
        expect(offs.length).toBe(totalScheduled(p));
        let prev = -1;
        for (const o of offs) {
          expect(o.ms).toBeGreaterThanOrEqual(prev);
          expect(o.ms).toBeLessThan(spec.durationSec * 1000 + 1e-6);
          expect(cumulativeAt(p, o.ms / 1000)).toBeCloseTo(o.k, 5);
          prev = o.ms;
        }
      }),
      { seed: 1, numRuns: 150 },
    );
  });

  it('shards interleave: the union of n shards equals the unsharded schedule (property)', () => {
    const stage = fc.record({ durationSec: fc.integer({ min: 1, max: 4 }), target: fc.integer({ min: 0, max: 60 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(stage, { maxLength: 3 }), fc.integer({ min: 1, max: 7 }), (rate, stages, n) => {
        const spec = stages.length ? openSpec(rate, stages) : openSpec(rate, [], 2);
        const whole = allOffsets(spec);
        const union = Array.from({ length: n }, (_, i) => allOffsets(spec, i, n)).flat();
        union.sort((a, b) => a.k - b.k);
        expect(union).toEqual(whole);
        const counts = Array.from({ length: n }, (_, i) => splitShard(spec, i, n).scheduledRequests);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(whole.length);
        // shares differ by at most one request
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { seed: 3, numRuns: 150 },
    );
  });

  it('shard cursor reports remaining requests', () => {
    const c = openCursor(splitShard(openSpec(10, [], 1), 1, 3));
    expect(c.remaining).toBe(3); // k = 1, 4, 7
    c.advance();
    expect(c.peekIndex()).toBe(4);
    expect(c.remaining).toBe(2);
  });
});

describe('closed-model VU targets', () => {
  it('ramps linearly and rounds to whole VUs', () => {
    const p = buildProfile(closedSpec(0, [{ durationSec: 10, target: 10 }, { durationSec: 5, target: 10 }]));
    expect(globalActiveVusAt(p, 0)).toBe(0);
    expect(globalActiveVusAt(p, 2.4)).toBe(2);
    expect(globalActiveVusAt(p, 2.6)).toBe(3);
    expect(globalActiveVusAt(p, 12)).toBe(10);
    expect(globalActiveVusAt(p, 15)).toBe(0);
  });

  it('constant when there are no stages', () => {
    const p = buildProfile(closedSpec(7, [], 30));
    expect(globalActiveVusAt(p, 0)).toBe(7);
    expect(globalActiveVusAt(p, 29.9)).toBe(7);
  });

  it('shards always add up to the global VU count (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.record({ durationSec: fc.integer({ min: 1, max: 5 }), target: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (vus, stages, n, frac) => {
          const spec = closedSpec(vus, stages);
          const t = frac * spec.durationSec;
          const plans = Array.from({ length: n }, (_, i) => splitShard(spec, i, n));
          const sum = plans.reduce((s, pl) => s + shardActiveVusAt(pl, t), 0);
          expect(sum).toBe(globalActiveVusAt(plans[0].profile, t));
          for (const pl of plans) expect(shardActiveVusAt(pl, t)).toBeLessThanOrEqual(pl.peakVus);
        },
      ),
      { seed: 5 },
    );
  });
});

describe('helpers', () => {
  it('shareOf partitions exactly', () => {
    expect([0, 1, 2].map((i) => shareOf(10, i, 3))).toEqual([4, 3, 3]);
    expect(splitShard(openSpec(1, [], 1), 2, 3).maxConnections).toBe(3);
  });
  it('rejects bad shard arguments', () => {
    expect(() => splitShard(openSpec(1, [], 1), 3, 3)).toThrow('shard index');
    expect(() => splitShard(openSpec(1, [], 1), 0, 0)).toThrow('shard count');
  });
  it('parses durations', () => {
    expect(parseDurationSec('30s')).toBe(30);
    expect(parseDurationSec('2m')).toBe(120);
    expect(parseDurationSec('1m30s')).toBe(90);
    expect(parseDurationSec('500ms')).toBe(0.5);
    expect(parseDurationSec('12')).toBe(12);
    expect(parseDurationSec('abc')).toBeNull();
    expect(parseDurationSec('5x')).toBeNull();
    expect(parseDurationSec('')).toBeNull();
  });
});
