import { describe, expect, it } from 'vitest';
import { classifySlow, computeDeltas, type StatementStats, type StatementsSnapshot } from './collector';

function stat(queryid: string, calls: number, total: number, extra: Partial<StatementStats> = {}): StatementStats {
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
    ...extra,
  };
}

const snap = (takenAt: string, rows: StatementStats[], statsReset: string | null = '2026-01-01T00:00:00.000Z'): StatementsSnapshot => ({
  takenAt,
  statsReset,
  dealloc: 0,
  dbid: 1,
  rows,
});

describe('computeDeltas', () => {
  it('subtracts counters per queryid and recomputes the interval mean', () => {
    const a = snap('2026-01-02T00:00:00.000Z', [stat('1', 100, 1000), stat('2', 10, 50)]);
    const b = snap('2026-01-02T00:01:00.000Z', [stat('1', 150, 2000), stat('2', 10, 50), stat('3', 5, 5)]);
    const d = computeDeltas(a, b);
    expect(d.resetDetected).toBe(false);
    expect(d.intervalSeconds).toBe(60);
    const byId = Object.fromEntries(d.rows.map((r) => [r.queryid, r]));
    expect(byId['1'].calls).toBe(50);
    expect(byId['1'].totalExecTimeMs).toBe(1000);
    expect(byId['1'].meanExecTimeMs).toBe(20);
    expect(byId['1'].sharedBlksHit).toBe(500);
    expect(byId['1'].reset).toBe(false);
    // Unchanged statements are not activity; new ones count from zero.
    expect(byId['2']).toBeUndefined();
    expect(byId['3'].calls).toBe(5);
    expect(d.rows.map((r) => r.queryid)).toEqual(['1', '3']);
  });

  it('recovers the interval stddev from the sum of squares', () => {
    // 2 calls of 10 ms, then 2 calls of 30 ms: the interval's mean is 30 and its stddev 0.
    const first = stat('1', 2, 20, { sumSqExecTimeMs: 200 });
    const second = stat('1', 4, 80, { sumSqExecTimeMs: 200 + 1800 });
    const d = computeDeltas(snap('2026-01-02T00:00:00Z', [first]), snap('2026-01-02T00:00:10Z', [second]));
    expect(d.rows[0].meanExecTimeMs).toBe(30);
    expect(d.rows[0].stddevExecTimeMs).toBeCloseTo(0, 6);
  });

  it('a changed stats_reset means every current row counts from zero', () => {
    const a = snap('2026-01-02T00:00:00.000Z', [stat('1', 100, 1000)]);
    const b = snap('2026-01-02T00:10:00.000Z', [stat('1', 150, 2000)], '2026-01-02T00:05:00.000Z');
    const d = computeDeltas(a, b);
    expect(d.resetDetected).toBe(true);
    expect(d.rows[0].calls).toBe(150);
    expect(d.rows[0].reset).toBe(true);
    // The interval starts at the reset, not at the previous snapshot.
    expect(d.intervalSeconds).toBe(300);
  });

  it('counters going down (per-entry reset or eviction) count from zero for that entry only', () => {
    const a = snap('2026-01-02T00:00:00Z', [stat('1', 100, 1000), stat('2', 100, 1000)]);
    const b = snap('2026-01-02T00:01:00Z', [stat('1', 7, 70), stat('2', 110, 1100)]);
    const d = computeDeltas(a, b);
    expect(d.resetDetected).toBe(false);
    const byId = Object.fromEntries(d.rows.map((r) => [r.queryid, r]));
    expect(byId['1']).toMatchObject({ calls: 7, totalExecTimeMs: 70, reset: true });
    expect(byId['2']).toMatchObject({ calls: 10, reset: false });
    expect(byId['2'].totalExecTimeMs).toBeCloseTo(100, 9);
  });

  it('without stats_reset (old pg_stat_statements) a reset is still caught by the counters', () => {
    const a = snap('2026-01-02T00:00:00Z', [stat('1', 100, 1000)], null);
    const b = snap('2026-01-02T00:01:00Z', [stat('1', 3, 30)], null);
    const d = computeDeltas(a, b);
    expect(d.resetDetected).toBe(false);
    expect(d.rows[0]).toMatchObject({ calls: 3, reset: true });
  });
});

describe('classifySlow', () => {
  const rows = [stat('a', 10, 5000), stat('b', 10_000, 9000), stat('c', 100, 500), stat('d', 1, 400)];
  it('flags a high mean and a large share of total time, biggest first', () => {
    const slow = classifySlow(rows);
    expect(slow.map((s) => [s.row.queryid, s.reasons])).toEqual([
      ['b', ['total_share']],
      ['a', ['mean', 'total_share']],
      ['d', ['mean']],
    ]);
    expect(slow[0].sharePct).toBeCloseTo((9000 / 14900) * 100, 6);
  });
  it('respects thresholds and minCalls', () => {
    expect(classifySlow(rows, { meanMs: 1000, totalSharePct: 50, minCalls: 2 }).map((s) => s.row.queryid)).toEqual(['b']);
    expect(classifySlow([], {})).toEqual([]);
  });
});
