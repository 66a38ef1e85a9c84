// Coordinated-omission checks on a pure simulation of the open-model generator: the real schedule (schedule.ts),
// the real recorder (recorder.ts) and the engine's connection policy (idle connection → new one below the cap →
// drop), against a simulated server. No sockets, no timers: time is simulated, so nothing here depends on speed.
import { describe, expect, it } from 'vitest';
import { createHistogram, recordMillis, summarizeHistogram } from './histogram';
import { LoadRecorder } from './recorder';
import { openCursor, splitShard } from './schedule';
import type { ScenarioSpec } from './schema';

const RATE = 100;
const DURATION = 60;
const BASE_MS = 2; // server time outside a stall
const STALL_EVERY_S = 10;
const STALL_S = 1;
const STALL_START_S = 5; // stalls in [5, 6), [15, 16), …

const inStall = (tMs: number) => {
  const s = tMs / 1000;
  const phase = (s - STALL_START_S) % STALL_EVERY_S;
  return s >= STALL_START_S && phase >= 0 && phase < STALL_S;
};
const stallEndMs = (tMs: number) => (Math.floor((tMs / 1000 - STALL_START_S) / STALL_EVERY_S) * STALL_EVERY_S + STALL_START_S + STALL_S) * 1000;

const spec: ScenarioSpec = {
  endpoints: [{ name: 'api', method: 'GET', path: '/', weight: 1 }],
  model: { kind: 'open', rate: RATE },
  stages: [],
  durationSec: DURATION,
  timeoutMs: 30_000,
  maxConnections: 1000,
  assertions: [],
};

interface SimOptions {
  /** The server stalls (requests arriving in a stall finish at its end). */
  serverStalls: boolean;
  /** The generator itself is frozen during the stall windows (GC pause, CPU starvation). */
  generatorStalls: boolean;
  maxConnections: number;
}

/** Simulate one open-model run; returns the recorder and how many requests were actually sent. */
function simulate(o: SimOptions) {
  const plan = splitShard({ ...spec, maxConnections: o.maxConnections });
  const cursor = openCursor(plan);
  const rec = new LoadRecorder(['api'], { lateStartMs: 1 });
  // Busy connections as their completion times (ms); sorted ascending.
  const busy: { done: number; intended: number; sent: number }[] = [];
  let open = 0; // connections that exist (busy + idle)
  let idle = 0;
  let sent = 0;
  let second = 0;
  const flushUntil = (tMs: number) => {
    // Complete everything done by tMs, then close seconds, in time order.
    for (;;) {
      const nextDone = busy.length ? busy[0].done : Infinity;
      // The last window stays open for the drain, as in the engine (a full run has exactly DURATION windows).
      const nextSecond = second < DURATION - 1 ? (second + 1) * 1000 : Infinity;
      if (busy.length && nextDone <= tMs && nextDone <= nextSecond) {
        const r = busy.shift()!;
        rec.recordResponse(0, 200, r.intended, r.sent, r.done);
        idle++;
      } else if (nextSecond <= tMs && nextSecond !== Infinity) {
        rec.takeSecond(second++, { activeVus: null, targetRate: RATE });
      } else return;
    }
  };
  while (cursor.peekIndex() >= 0) {
    const intended = cursor.peekOffsetMs();
    // A frozen generator sends at the end of the freeze.
    const sendAt = o.generatorStalls && inStall(intended) ? stallEndMs(intended) : intended;
    flushUntil(sendAt);
    if (idle === 0 && open < plan.maxConnections) {
      open++;
      idle++;
    }
    if (idle > 0) {
      idle--;
      sent++;
      rec.recordStart(intended, sendAt);
      const done = (o.serverStalls && inStall(sendAt) ? stallEndMs(sendAt) : sendAt) + BASE_MS;
      const item = { done, intended, sent: sendAt };
      const i = busy.findIndex((b) => b.done > done);
      busy.splice(i < 0 ? busy.length : i, 0, item);
    } else rec.recordDropped();
    cursor.advance();
  }
  flushUntil(Infinity);
  while (second < DURATION) rec.takeSecond(second++, { activeVus: null, targetRate: RATE });
  return { rec, sent, scheduled: plan.scheduledRequests };
}

/** What the schedule says users would see: requests intended during a stall wait for its end. */
function expectedResponseTimes(): number[] {
  const out: number[] = [];
  for (let k = 0; k < RATE * DURATION; k++) {
    const t = (k * 1000) / RATE;
    out.push((inStall(t) ? stallEndMs(t) - t : 0) + BASE_MS);
  }
  return out;
}
const expected = (() => {
  const h = createHistogram();
  for (const v of expectedResponseTimes()) recordMillis(h, v);
  return summarizeHistogram(h);
})();
const exactPercentile = (p: number) => {
  const s = expectedResponseTimes().sort((a, b) => a - b);
  return s[Math.ceil((p / 100) * s.length) - 1];
};

describe('coordinated omission: open model at 100 rps, 1 s stall every 10 s', () => {
  it('the schedule-derived expectation is what it should be (sanity of the fixture)', () => {
    // 10% of requests fall in stalls and wait 1000, 990, …, 10 ms for its end: p95 = 500 ms, p99 = 900 ms (+ base).
    expect(exactPercentile(50)).toBe(BASE_MS);
    expect(exactPercentile(95)).toBeCloseTo(500 + BASE_MS, 6);
    expect(exactPercentile(99)).toBeCloseTo(900 + BASE_MS, 6);
    expect(expected.p99).toBeGreaterThan(900 * 0.999);
    expect(expected.p99).toBeLessThan(902 * 1.001);
  });

  it('server stall: recorded response-time percentiles equal the schedule-derived ones; no invented samples', () => {
    const { rec, sent, scheduled } = simulate({ serverStalls: true, generatorStalls: false, maxConnections: 1000 });
    const t = rec.totals();
    expect(t.overall.responseTimeMs).toEqual(expected);
    expect(rec.samples).toBe(sent);
    expect(sent).toBe(scheduled);
    expect(rec.dropped).toBe(0);
    expect(rec.lateStarts).toBe(0);
  });

  it('generator stall: response time (from intended start) still matches; service time hides the stall', () => {
    const { rec, sent } = simulate({ serverStalls: false, generatorStalls: true, maxConnections: 1000 });
    const t = rec.totals();
    expect(t.overall.responseTimeMs).toEqual(expected);
    expect(t.overall.serviceTimeMs.p99).toBeLessThan(BASE_MS * 1.01);
    expect(rec.samples).toBe(sent);
    // Everything intended inside a stall (except its first instant) left late.
    expect(rec.lateStarts).toBeGreaterThanOrEqual(6 * (RATE * STALL_S - 1));
  });

  it('connection cap reached during a stall: requests are dropped and counted, never recorded twice', () => {
    const { rec, sent, scheduled } = simulate({ serverStalls: true, generatorStalls: false, maxConnections: 20 });
    expect(rec.dropped).toBeGreaterThan(0);
    expect(rec.samples).toBe(sent);
    expect(sent + rec.dropped).toBe(scheduled);
    // Samples never exceed requests issued (autocannon's 1 ms "expected interval" would add ~1000 per stall).
    expect(rec.samples).toBeLessThanOrEqual(RATE * DURATION);
  });

  it('contrast: a closed loop on one connection sees the stall once per stall (why open-model timing matters)', () => {
    // wrk -c1 style: the next request leaves only when the previous one returns.
    const h = createHistogram();
    let t = 0;
    let n = 0;
    while (t < DURATION * 1000) {
      const done = (inStall(t) ? stallEndMs(t) : t) + BASE_MS;
      recordMillis(h, done - t);
      t = done;
      n++;
    }
    const closed = summarizeHistogram(h);
    expect(closed.p99).toBeLessThan(BASE_MS * 1.01); // the stalls vanish from p99
    expect(expected.p99).toBeGreaterThan(900);
    expect(n).toBeGreaterThan(RATE * DURATION); // and it "achieved" more than the offered rate
  });
});

describe('LoadRecorder windows', () => {
  it('takeSecond returns deltas and folds them into totals', () => {
    const r = new LoadRecorder(['a', 'b'], { lateStartMs: 1, shard: { index: 1, count: 2 } });
    r.recordResponse(0, 200, 0, 0, 10);
    r.recordResponse(1, 503, 0, 5, 20);
    r.recordError(1, 'timeout');
    r.recordStart(0, 1.5);
    r.recordDropped(2);
    const s0 = r.takeSecond(0, { activeVus: 3, targetRate: null });
    expect(s0).toMatchObject({ second: 0, requests: 3, lateStarts: 1, dropped: 2, activeVus: 3, shard: { index: 1, count: 2 } });
    expect(s0.byEndpoint.b.status['5xx']).toBe(1);
    expect(s0.byEndpoint.b.errors.timeout).toBe(1);
    expect(s0.overall.status).toEqual({ '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 1 });
    expect(summarizeHistogram(s0.byEndpoint.b.svcHist).max).toBeCloseTo(15, 1);
    r.recordResponse(0, 302, 100, 100, 101);
    const s1 = r.takeSecond(1, { activeVus: 3, targetRate: null });
    expect(s1.requests).toBe(1);
    expect(s1.lateStarts).toBe(0);
    const t = r.totals();
    expect(t.overall.requests).toBe(4);
    expect(t.overall.failed).toBe(2);
    expect(t.byEndpoint.a.responseTimeMs.count).toBe(2);
    expect(r.lateStarts).toBe(1);
    expect(r.dropped).toBe(2);
  });

  it('measures response time from the earlier of intended and actual send', () => {
    const r = new LoadRecorder(['a'], { lateStartMs: 1 });
    r.recordResponse(0, 200, 10, 9.6, 20); // sent 0.4 ms early (timer resolution)
    r.takeSecond(0, { activeVus: null, targetRate: 1 });
    const t = r.totals().overall;
    expect(t.responseTimeMs.max).toBeCloseTo(t.serviceTimeMs.max, 6);
  });
});
