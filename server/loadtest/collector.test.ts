import { describe, expect, it } from 'vitest';
import { RunCollector, type ShardOutcome } from './collector';
import { EMPTY_HISTOGRAM } from './histogram';
import type { SecondSnapshot } from './schema';

const snap = (index: number, count: number, second: number, requests = 10): SecondSnapshot => {
  const ep = { requests, status: { '2xx': requests, '3xx': 0, '4xx': 0, '5xx': 0 }, errors: { timeout: 0, connect: 0, reset: 0, other: 0 }, hist: EMPTY_HISTOGRAM, svcHist: EMPTY_HISTOGRAM };
  return { second, requests, byEndpoint: { a: ep }, overall: ep, lateStarts: 0, dropped: 0, activeVus: null, targetRate: 10, shard: { index, count } };
};
const outcome = (over: Partial<ShardOutcome> = {}): ShardOutcome => ({
  requests: 0,
  failed: 0,
  elapsedSec: 1,
  aborted: false,
  abortReason: null,
  error: null,
  hist: EMPTY_HISTOGRAM,
  svcHist: EMPTY_HISTOGRAM,
  dropped: 0,
  lateStarts: 0,
  ...over,
});
const seconds = (groups: SecondSnapshot[][]) => groups.map((g) => `${g[0].second}:${g.map((s) => s.shard.index).join('+')}`);

describe('RunCollector', () => {
  it('releases a second only once every live shard has reported it, in order', () => {
    const c = new RunCollector(2, 0);
    c.hello(0, 'w1', 0);
    c.hello(1, 'w2', 0);
    c.snapshot(snap(0, 2, 0), 100);
    c.snapshot(snap(0, 2, 1), 200);
    expect(c.takeReady()).toEqual([]);
    c.snapshot(snap(1, 2, 0), 300);
    expect(seconds(c.takeReady())).toEqual(['0:0+1']);
    c.snapshot(snap(1, 2, 1), 400);
    c.snapshot(snap(1, 2, 2), 400);
    expect(seconds(c.takeReady())).toEqual(['1:0+1']);
    expect(c.mergedThrough).toBe(1);
  });

  it('a done shard no longer holds seconds back (an aborted shard sends fewer seconds)', () => {
    const c = new RunCollector(2, 0);
    c.hello(0, 'w1', 0);
    c.hello(1, 'w2', 0);
    c.snapshot(snap(0, 2, 0), 10);
    c.snapshot(snap(1, 2, 0), 10);
    c.snapshot(snap(1, 2, 1), 10);
    c.done(0, outcome({ aborted: true }), 20);
    expect(seconds(c.takeReady())).toEqual(['0:0+1', '1:1']);
    c.done(1, outcome(), 30);
    expect(c.allFinished).toBe(true);
    expect(c.takeRemaining()).toEqual([]);
  });

  it('marks a silent shard lost and stops waiting for it; its late snapshots are ignored', () => {
    const c = new RunCollector(2, 0, { pickupTimeoutMs: 20_000, silenceMs: 5_000 });
    c.hello(0, 'w1', 0);
    c.hello(1, 'w2', 0);
    for (let s = 0; s < 3; s++) c.snapshot(snap(0, 2, s), 1000 * (s + 1));
    c.snapshot(snap(1, 2, 0), 1000);
    expect(seconds(c.takeReady())).toEqual(['0:0+1']);
    expect(c.checkLiveness(5_500)).toEqual([]);
    c.heard(0, 5_500);
    const lost = c.checkLiveness(6_001);
    expect(lost.map((s) => s.index)).toEqual([1]);
    expect(lost[0].reason).toMatch(/shard 1 \(worker w2\) stopped reporting after second 0/);
    expect(c.anyLost).toBe(true);
    expect(seconds(c.takeReady())).toEqual(['1:0', '2:0']);
    c.snapshot(snap(1, 2, 3), 7_000); // a lost shard's straggler
    c.snapshot(snap(0, 2, 3), 7_000);
    expect(seconds(c.takeReady())).toEqual(['3:0']);
    // lost is sticky: a late hello does not revive it
    c.hello(1, 'w2', 8_000);
    expect(c.shards[1].state).toBe('lost');
  });

  it('fails a shard nobody picked up in time, with a message that says what to check', () => {
    const c = new RunCollector(2, 1_000, { pickupTimeoutMs: 10_000, silenceMs: 5_000 });
    c.hello(0, 'w1', 2_000);
    expect(c.allPickedUp).toBe(false);
    c.heard(0, 6_000);
    expect(c.checkLiveness(10_000)).toEqual([]);
    c.heard(0, 10_500);
    const lost = c.checkLiveness(11_001);
    expect(lost.map((s) => s.index)).toEqual([1]);
    expect(lost[0].reason).toMatch(/not picked up by any worker within 10 s/);
    expect(c.shards[0].state).toBe('running');
  });

  it('hands out everything left at the end, even with gaps', () => {
    const c = new RunCollector(2, 0);
    c.hello(0, 'w1', 0);
    c.hello(1, 'w2', 0);
    c.snapshot(snap(0, 2, 0), 1);
    c.snapshot(snap(0, 2, 2), 1);
    c.snapshot(snap(1, 2, 2), 1);
    expect(c.takeReady()).toEqual([]);
    expect(seconds(c.takeRemaining())).toEqual(['0:0', '2:0+1']);
    expect(c.mergedThrough).toBe(2);
  });
});
