import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StatementStats, StatementsSnapshot } from './collector';
import {
  aggregateDeltas,
  buildSlowQueryRows,
  deltasForSnapshot,
  fmtBytes,
  fmtMs,
  hitRatioPct,
  meanStddevFromSums,
  oneLine,
  shortSql,
  sumTableWrites,
  tableWriteDeltas,
  windowBounds,
  type IntervalDelta,
  type SlowRowInput,
  type TableWriteCounters,
} from './deltas';

function stat(queryid: string, calls: number, total: number): StatementStats {
  const mean = calls ? total / calls : 0;
  return {
    queryid,
    query: `SELECT ${queryid}`,
    calls,
    totalExecTimeMs: total,
    meanExecTimeMs: mean,
    stddevExecTimeMs: 0,
    rows: calls,
    sharedBlksHit: calls * 10,
    sharedBlksRead: calls,
    tempBlksRead: 0,
    tempBlksWritten: 0,
    sumSqExecTimeMs: calls * mean * mean,
  };
}
const snap = (takenAt: string, rows: StatementStats[], statsReset: string | null): StatementsSnapshot => ({ takenAt, statsReset, dealloc: 0, dbid: 1, rows });

const delta = (queryid: string, takenAt: string, calls: number, durations: number[], extra: Partial<IntervalDelta> = {}): IntervalDelta => ({
  queryid,
  takenAt,
  calls,
  totalExecTimeMs: durations.reduce((s, d) => s + d, 0),
  sumSqExecTimeMs: durations.reduce((s, d) => s + d * d, 0),
  rows: calls,
  sharedBlksHit: 10,
  sharedBlksRead: 1,
  tempBlksRead: 0,
  tempBlksWritten: 0,
  reset: false,
  ...extra,
});

describe('deltasForSnapshot', () => {
  it('treats the first snapshot as the activity since the last reset', () => {
    const s = snap('2026-12-04T20:00:00.000Z', [stat('1', 10, 100), stat('2', 0, 0)], '2026-12-04T19:00:00.000Z');
    const d = deltasForSnapshot(null, s);
    expect(d.first).toBe(true);
    expect(d.from).toBe('2026-12-04T19:00:00.000Z');
    expect(d.intervalSeconds).toBe(3600);
    expect(d.rows.map((r) => r.queryid)).toEqual(['1']); // no calls, no row
  });

  it('has an unknown interval when the reset time is unknown or in the future', () => {
    expect(deltasForSnapshot(null, snap('2026-12-04T20:00:00.000Z', [stat('1', 1, 1)], null)).intervalSeconds).toBe(0);
    expect(deltasForSnapshot(null, snap('2026-12-04T20:00:00.000Z', [stat('1', 1, 1)], '2026-12-05T00:00:00.000Z')).intervalSeconds).toBe(0);
  });

  it('delegates to computeDeltas with a previous snapshot, reset included', () => {
    const a = snap('2026-12-04T20:00:00.000Z', [stat('1', 10, 100)], '2026-12-04T19:00:00.000Z');
    const b = snap('2026-12-04T20:05:00.000Z', [stat('1', 15, 160)], '2026-12-04T19:00:00.000Z');
    const d = deltasForSnapshot(a, b);
    expect(d.first).toBe(false);
    expect(d.rows[0]).toMatchObject({ calls: 5, totalExecTimeMs: 60, reset: false });
    const c = snap('2026-12-04T20:10:00.000Z', [stat('1', 2, 30)], '2026-12-04T20:08:00.000Z');
    const r = deltasForSnapshot(b, c);
    expect(r.resetDetected).toBe(true);
    expect(r.rows[0]).toMatchObject({ calls: 2, totalExecTimeMs: 30, reset: true });
    expect(r.intervalSeconds).toBe(120);
  });
});

describe('aggregateDeltas', () => {
  it('sums counters per statement and recovers the exact mean and stddev of the window', () => {
    const a = [10, 20, 30];
    const b = [40, 50];
    const agg = aggregateDeltas([delta('q', 't1', 3, a), delta('q', 't2', 2, b), delta('r', 't1', 1, [5], { reset: true })]);
    const q = agg.find((x) => x.queryid === 'q')!;
    const all = [...a, ...b];
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length);
    expect(q.calls).toBe(5);
    expect(q.meanExecTimeMs).toBeCloseTo(mean, 9);
    expect(q.stddevExecTimeMs).toBeCloseTo(sd, 9);
    expect(q.intervals).toBe(2);
    expect(q.reset).toBe(false);
    expect(agg.find((x) => x.queryid === 'r')!.reset).toBe(true);
  });

  it('summing any split of the same calls gives the same totals (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 39 }), (xs, cut) => {
        const k = Math.min(cut, xs.length);
        const whole = aggregateDeltas([delta('q', 't', xs.length, xs)])[0];
        const split = aggregateDeltas([delta('q', 't1', k, xs.slice(0, k)), delta('q', 't2', xs.length - k, xs.slice(k))])[0];
        expect(split.calls).toBe(whole.calls);
        expect(split.meanExecTimeMs).toBeCloseTo(whole.meanExecTimeMs, 6);
        expect(split.stddevExecTimeMs).toBeCloseTo(whole.stddevExecTimeMs, 4);
      }),
    );
  });

  it('never reports a negative variance from float noise', () => {
    expect(meanStddevFromSums(3, 3 * 0.1, 3 * 0.1 * 0.1 - 1e-18).stddev).toBe(0);
    expect(meanStddevFromSums(0, 0, 0)).toEqual({ mean: 0, stddev: 0 });
  });
});

describe('windowBounds', () => {
  it('anchors windows at the latest snapshot', () => {
    expect(windowBounds('1h', '2026-12-04T20:00:00.000Z')).toEqual({ fromExclusive: '2026-12-04T19:00:00.000Z', to: '2026-12-04T20:00:00.000Z' });
    expect(windowBounds('interval', '2026-12-04T20:00:00.000Z')).toEqual({ fromExclusive: '2026-12-04T19:59:59.999Z', to: '2026-12-04T20:00:00.000Z' });
    expect(windowBounds('7d', null)).toEqual({ fromExclusive: null, to: null });
  });
});

describe('buildSlowQueryRows', () => {
  const input = (queryid: string, calls: number, total: number, latencyP95?: number): SlowRowInput => ({
    stat: { ...aggregateDeltas([delta(queryid, 't', calls, Array.from({ length: calls }, () => total / calls))])[0] },
    query: `SELECT ${queryid}`,
    fingerprint: null,
    findings: [],
    planCost: null,
    plannedAt: null,
    latency: latencyP95 === undefined ? null : { source: 'samples', count: 10, p50: 1, p95: latencyP95, p99: latencyP95, max: latencyP95 },
  });
  // a: 2 calls × 200 ms (slow by mean); b: 1000 calls × 1 ms (slow by share: 1000/1700 ms); c: 300 × 1 ms (17.6 %);
  const rows = [input('a', 2, 400, 210), input('b', 1000, 1000, 3), input('c', 300, 300)];
  const params = { sort: 'total_time' as const, order: 'desc' as const, show: 'slow' as const, limit: 50 };

  it('classifies by mean and by share of the window and sorts by total time', () => {
    const r = buildSlowQueryRows(rows, params, { meanMs: 100, sharePct: 5 }, 60);
    expect(r.rows.map((x) => [x.queryid, x.reasons])).toEqual([
      ['b', ['total_share']],
      ['a', ['mean', 'total_share']],
      ['c', ['total_share']],
    ]);
    expect(r.totals).toEqual({ calls: 1302, totalExecTimeMs: 1700, statements: 3 });
    expect(r.rows[0].sharePct).toBeCloseTo((1000 / 1700) * 100, 6);
    expect(r.rows[0].callsPerSecond).toBeCloseTo(1000 / 60, 6);
  });

  it('honours thresholds, show=all, other sorts, ascending order and the limit', () => {
    const strict = buildSlowQueryRows(rows, params, { meanMs: 100, sharePct: 50 }, 60);
    expect(strict.rows.map((x) => x.queryid)).toEqual(['b', 'a']);
    const all = buildSlowQueryRows(rows, { ...params, show: 'all' }, { meanMs: 1000, sharePct: 99 }, null);
    expect(all.rows.map((x) => [x.queryid, x.slow])).toEqual([
      ['b', false],
      ['a', false],
      ['c', false],
    ]);
    expect(all.rows[0].callsPerSecond).toBeNull();
    expect(buildSlowQueryRows(rows, { ...params, sort: 'mean_time' }, { meanMs: 100, sharePct: 5 }, 60).rows[0].queryid).toBe('a');
    expect(buildSlowQueryRows(rows, { ...params, sort: 'calls', order: 'asc' }, { meanMs: 100, sharePct: 5 }, 60).rows.map((x) => x.queryid)).toEqual(['a', 'c', 'b']);
    // p95: statements without samples go last in descending order
    expect(buildSlowQueryRows(rows, { ...params, sort: 'p95' }, { meanMs: 100, sharePct: 5 }, 60).rows.map((x) => x.queryid)).toEqual(['a', 'b', 'c']);
    expect(buildSlowQueryRows(rows, { ...params, limit: 1 }, { meanMs: 100, sharePct: 5 }, 60).rows).toHaveLength(1);
  });

  it('is empty and sane with no statements', () => {
    expect(buildSlowQueryRows([], params, { meanMs: 100, sharePct: 5 }, 60)).toEqual({ rows: [], totals: { calls: 0, totalExecTimeMs: 0, statements: 0 } });
  });
});

describe('formatting', () => {
  it('formats times, sizes, ratios and SQL for tables', () => {
    expect(fmtMs(0.034)).toBe('0.03 ms');
    expect(fmtMs(46.2)).toBe('46.2 ms');
    expect(fmtMs(1500)).toBe('1.50 s');
    expect(fmtMs(null)).toBe('—');
    expect(fmtBytes(2 * 1024 * 1024)).toBe('2.0 MB');
    expect(hitRatioPct(0, 0)).toBeNull();
    expect(hitRatioPct(99, 1)).toBe(99);
    expect(oneLine('SELECT *\n  FROM   leads', 12)).toBe('SELECT * FR…');
  });
});

describe('table write deltas', () => {
  const t = (name: string, inserts: number, updates = 0, hotUpdates = 0, deletes = 0): TableWriteCounters => ({ schema: 'public', name, inserts, updates, hotUpdates, deletes });

  it('subtracts per table, drops idle tables, and is unknown without a previous reading', () => {
    expect(tableWriteDeltas(null, [t('leads', 300_000)])).toBeNull();
    // the seed's 300 000 inserts happened before the window: only the 12 since count
    expect(tableWriteDeltas([t('leads', 300_000), t('users', 40)], [t('leads', 300_012, 3, 2), t('users', 40)])).toEqual([t('leads', 12, 3, 2, 0)]);
  });

  it('counts from zero after a reset or for a new table', () => {
    expect(tableWriteDeltas([t('leads', 300_000)], [t('leads', 5), t('policies', 7)])).toEqual([t('leads', 5), t('policies', 7)]);
  });

  it('sums intervals per table', () => {
    expect(sumTableWrites([[t('leads', 1, 1)], [t('leads', 2), t('users', 1)], []])).toEqual([t('leads', 3, 1), t('users', 1)]);
  });
});

describe('shortSql', () => {
  it('folds a long select list so FROM and WHERE stay visible', () => {
    const sql = 'SELECT id, first_name, last_name, email, phone, status, insurance_type, state, zip FROM leads WHERE status = $1 AND created_at >= $2 ORDER BY created_at DESC';
    expect(shortSql(sql, 200)).toBe('SELECT id, first_name, … FROM leads WHERE status = $1 AND created_at >= $2 ORDER BY created_at DESC');
    expect(shortSql('SELECT count(*)::int AS total FROM leads WHERE status = $1')).toBe('SELECT count(*)::int AS total FROM leads WHERE status = $1');
    // a FROM inside a subquery or a string is not the statement's FROM
    expect(shortSql("SELECT (SELECT max(x) FROM t) AS a_rather_long_alias_name_here, ' FROM ' AS b, c, d FROM u")).toBe('SELECT (SELECT max(x) FROM t) AS a_rather_long_alias_name_here, \' FROM \' AS b, … FROM u');
    expect(shortSql('UPDATE leads SET status = $1 WHERE id = $2')).toBe('UPDATE leads SET status = $1 WHERE id = $2');
  });
});
