// Collected history → what the console shows. Pure: the first snapshot's "since the reset" interval, summing
// per-interval deltas over a window (mean and stddev recovered exactly from the sums), windows, the slow-query
// classification with thresholds, and validated sorting.
import { classifySlow, computeDeltas, type StatementDelta, type StatementDeltas, type StatementsSnapshot } from './collector';
import type { PlanFinding } from './plan-findings';
import type { LatencySummaryDto, QuerySort, QueryWindow, SlowQueryDto, SlowQueryParams } from './schema';

/**
 * Deltas for a new snapshot. With a previous snapshot, computeDeltas (resets handled there). Without one, the counters
 * are the activity since pg_stat_statements was last reset: the interval starts at stats_reset when it is known
 * (and not in the future), else its length is unknown.
 */
export function deltasForSnapshot(prev: StatementsSnapshot | null, curr: StatementsSnapshot): StatementDeltas & { first: boolean } {
  if (prev) return { ...computeDeltas(prev, curr), first: false };
  const to = Date.parse(curr.takenAt);
  const from = curr.statsReset ? Date.parse(curr.statsReset) : NaN;
  const known = Number.isFinite(from) && from <= to;
  return {
    from: known ? new Date(from).toISOString() : curr.takenAt,
    to: curr.takenAt,
    intervalSeconds: known ? (to - from) / 1000 : 0,
    resetDetected: false,
    first: true,
    rows: curr.rows
      .filter((r) => r.calls > 0)
      .map((r): StatementDelta => ({ ...r, reset: false }))
      .sort((a, b) => b.totalExecTimeMs - a.totalExecTimeMs),
  };
}

/** One stored per-interval delta row (QueryStatSample). */
export interface IntervalDelta {
  queryid: string;
  takenAt: string;
  calls: number;
  totalExecTimeMs: number;
  sumSqExecTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  reset: boolean;
}

export interface AggregatedStatement {
  queryid: string;
  calls: number;
  totalExecTimeMs: number;
  meanExecTimeMs: number;
  stddevExecTimeMs: number;
  sumSqExecTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  reset: boolean;
  intervals: number;
}

export function meanStddevFromSums(calls: number, total: number, sumSq: number): { mean: number; stddev: number } {
  if (calls <= 0) return { mean: 0, stddev: 0 };
  const mean = total / calls;
  return { mean, stddev: Math.sqrt(Math.max(0, sumSq / calls - mean * mean)) };
}

/**
 * Sums interval deltas per statement. Σ calls × (stddev² + mean²) is additive, so the window's stddev is exact (not
 * an average of stddevs).
 */
export function aggregateDeltas(rows: readonly IntervalDelta[]): AggregatedStatement[] {
  const by = new Map<string, AggregatedStatement>();
  for (const r of rows) {
    let a = by.get(r.queryid);
    if (!a) {
      a = {
        queryid: r.queryid,
        calls: 0,
        totalExecTimeMs: 0,
        meanExecTimeMs: 0,
        stddevExecTimeMs: 0,
        sumSqExecTimeMs: 0,
        rows: 0,
        sharedBlksHit: 0,
        sharedBlksRead: 0,
        tempBlksRead: 0,
        tempBlksWritten: 0,
        reset: false,
        intervals: 0,
      };
      by.set(r.queryid, a);
    }
    a.calls += r.calls;
    a.totalExecTimeMs += r.totalExecTimeMs;
    a.sumSqExecTimeMs += r.sumSqExecTimeMs;
    a.rows += r.rows;
    a.sharedBlksHit += r.sharedBlksHit;
    a.sharedBlksRead += r.sharedBlksRead;
    a.tempBlksRead += r.tempBlksRead;
    a.tempBlksWritten += r.tempBlksWritten;
    a.reset ||= r.reset;
    a.intervals++;
  }
  for (const a of by.values()) {
    const { mean, stddev } = meanStddevFromSums(a.calls, a.totalExecTimeMs, a.sumSqExecTimeMs);
    a.meanExecTimeMs = mean;
    a.stddevExecTimeMs = stddev;
  }
  return [...by.values()];
}

const WINDOW_MS: Record<Exclude<QueryWindow, 'interval'>, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

/**
 * Which snapshots a window covers: "interval" is the latest snapshot only; the others are every snapshot taken in
 * the last N hours/days before the latest one (so an idle collector still shows its last data rather than nothing).
 * A snapshot counts when it was *taken* inside the window (its interval ends there).
 */
export function windowBounds(window: QueryWindow, latestTakenAt: string | null): { fromExclusive: string | null; to: string | null } {
  if (!latestTakenAt) return { fromExclusive: null, to: null };
  if (window === 'interval') return { fromExclusive: new Date(Date.parse(latestTakenAt) - 1).toISOString(), to: latestTakenAt };
  return { fromExclusive: new Date(Date.parse(latestTakenAt) - WINDOW_MS[window]).toISOString(), to: latestTakenAt };
}

export interface SlowRowInput {
  stat: AggregatedStatement;
  query: string;
  fingerprint: string | null;
  findings: PlanFinding[];
  planCost: number | null;
  plannedAt: string | null;
  latency: LatencySummaryDto | null;
}

const sortValue = (r: SlowQueryDto, sort: QuerySort): number => {
  switch (sort) {
    case 'total_time':
      return r.totalExecTimeMs;
    case 'mean_time':
      return r.meanExecTimeMs;
    case 'calls':
      return r.calls;
    case 'p95':
      return r.latency?.p95 ?? -1; // without samples: last in descending order
  }
};

/**
 * Rows for the slow-query table: classification against the thresholds (share of the window's total time), then
 * `show` (slow only, or all), the sort (ties broken by total time, then queryid, so the order is stable) and limit.
 */
export function buildSlowQueryRows(
  inputs: readonly SlowRowInput[],
  params: Pick<SlowQueryParams, 'sort' | 'order' | 'show' | 'limit'>,
  thresholds: { meanMs: number; sharePct: number },
  windowSeconds: number | null,
): { rows: SlowQueryDto[]; totals: { calls: number; totalExecTimeMs: number; statements: number } } {
  const classified = classifySlow(
    inputs.map((i) => ({ ...i, calls: i.stat.calls, totalExecTimeMs: i.stat.totalExecTimeMs, meanExecTimeMs: i.stat.meanExecTimeMs })),
    { meanMs: thresholds.meanMs, totalSharePct: thresholds.sharePct },
  );
  const slow = new Map(classified.map((c) => [c.row.stat.queryid, c]));
  const total = inputs.reduce((s, i) => s + Math.max(0, i.stat.totalExecTimeMs), 0);
  const rows: SlowQueryDto[] = inputs.map((i) => {
    const c = slow.get(i.stat.queryid);
    const s = i.stat;
    return {
      queryid: s.queryid,
      query: i.query,
      fingerprint: i.fingerprint,
      calls: s.calls,
      totalExecTimeMs: s.totalExecTimeMs,
      meanExecTimeMs: s.meanExecTimeMs,
      stddevExecTimeMs: s.stddevExecTimeMs,
      rows: s.rows,
      sharedBlksHit: s.sharedBlksHit,
      sharedBlksRead: s.sharedBlksRead,
      tempBlksRead: s.tempBlksRead,
      tempBlksWritten: s.tempBlksWritten,
      sharePct: total > 0 ? (s.totalExecTimeMs / total) * 100 : 0,
      callsPerSecond: windowSeconds && windowSeconds > 0 ? s.calls / windowSeconds : null,
      slow: !!c,
      reasons: c?.reasons ?? [],
      reset: s.reset,
      latency: i.latency,
      findings: i.findings,
      planCost: i.planCost,
      plannedAt: i.plannedAt,
    };
  });
  const shown = params.show === 'slow' ? rows.filter((r) => r.slow) : rows;
  const dir = params.order === 'asc' ? 1 : -1;
  shown.sort((a, b) => dir * (sortValue(a, params.sort) - sortValue(b, params.sort)) || b.totalExecTimeMs - a.totalExecTimeMs || a.queryid.localeCompare(b.queryid));
  return {
    rows: shown.slice(0, params.limit),
    totals: { calls: inputs.reduce((s, i) => s + i.stat.calls, 0), totalExecTimeMs: total, statements: inputs.length },
  };
}

// ─── formatting shared by the page, the detail view and the CLI ───

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${n} B`;
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'unknown';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** Block hit ratio in %, null when no blocks were touched. */
export function hitRatioPct(hit: number, read: number): number | null {
  return hit + read > 0 ? (hit / (hit + read)) * 100 : null;
}

/** One line of SQL for tables: whitespace collapsed, cut at `max` characters. */
export function oneLine(sql: string, max = 160): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ─── table write rates (pg_stat_user_tables) over the collected window ───

export interface TableWriteCounters {
  schema: string;
  name: string;
  inserts: number;
  updates: number;
  hotUpdates: number;
  deletes: number;
}

const WRITE_KEYS = ['inserts', 'updates', 'hotUpdates', 'deletes'] as const;

/**
 * Per-table write activity between two readings of the cumulative counters; null without a previous reading. A
 * counter that went down (pg_stat_reset, a dropped and re-created table) counts from zero, like statement resets.
 */
export function tableWriteDeltas(prev: readonly TableWriteCounters[] | null | undefined, curr: readonly TableWriteCounters[]): TableWriteCounters[] | null {
  if (!prev) return null;
  const before = new Map(prev.map((t) => [`${t.schema}.${t.name}`, t]));
  const out: TableWriteCounters[] = [];
  for (const c of curr) {
    const p = before.get(`${c.schema}.${c.name}`);
    const fromZero = !p || WRITE_KEYS.some((k) => c[k] < p[k]);
    const d: TableWriteCounters = { schema: c.schema, name: c.name, inserts: 0, updates: 0, hotUpdates: 0, deletes: 0 };
    for (const k of WRITE_KEYS) d[k] = fromZero ? c[k] : c[k] - p![k];
    if (WRITE_KEYS.some((k) => d[k] > 0)) out.push(d);
  }
  return out;
}

/** Sums interval write deltas per table (the advisor's write activity for a window). */
export function sumTableWrites(intervals: readonly (readonly TableWriteCounters[])[]): TableWriteCounters[] {
  const by = new Map<string, TableWriteCounters>();
  for (const list of intervals) {
    for (const t of list) {
      const k = `${t.schema}.${t.name}`;
      const a = by.get(k) ?? { schema: t.schema, name: t.name, inserts: 0, updates: 0, hotUpdates: 0, deletes: 0 };
      for (const key of WRITE_KEYS) a[key] += t[key];
      by.set(k, a);
    }
  }
  return [...by.values()];
}

/**
 * SQL for a table cell: a long SELECT list is folded ("SELECT id, first_name, … FROM leads WHERE …") so the part that
 * tells statements apart — FROM, WHERE, ORDER BY — stays visible; then one line, cut at `max`.
 */
export function shortSql(sql: string, max = 160): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const m = /^(SELECT\s+(?:DISTINCT\s+)?)/i.exec(s);
  if (m) {
    let depth = 0;
    let quote: string | null = null;
    for (let i = m[1].length; i < s.length; i++) {
      const ch = s[i];
      if (quote) {
        if (ch === quote) quote = null;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && /^ FROM /i.test(s.slice(i, i + 6))) {
        const list = s.slice(m[1].length, i);
        if (list.length > 40) {
          const items = list.split(/,\s*/);
          const folded = items.length > 2 ? `${items.slice(0, 2).join(', ')}, …` : `${list.slice(0, 37)}…`;
          return oneLine(`${m[1]}${folded}${s.slice(i)}`, max);
        }
        break;
      }
    }
  }
  return oneLine(s, max);
}
