// pg_stat_statements snapshots, interval deltas and the "slow query" classification.
// snapshotStatements() reads (no writes, no superuser: pg_read_all_stats shows every role's statements);
// computeDeltas() and classifySlow() are pure.
import type { Queryable } from './types';

export interface StatementStats {
  /** pg_stat_statements.queryid as text (it is a bigint). */
  queryid: string;
  /** Normalized text ($1 for constants). */
  query: string;
  calls: number;
  totalExecTimeMs: number;
  meanExecTimeMs: number;
  stddevExecTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  /** Σ calls × (stddev² + mean²): lets deltas recover the interval's stddev exactly. */
  sumSqExecTimeMs: number;
}

export interface StatementsSnapshot {
  takenAt: string;
  /** pg_stat_statements_info.stats_reset (a full reset), null when unknown (pg_stat_statements < 1.9). */
  statsReset: string | null;
  /** Entries evicted since the last reset (pg_stat_statements.max too small when this grows). */
  dealloc: number | null;
  /** Database the rows belong to (pg_stat_statements is cluster-wide: always filtered to one database). */
  dbid: number;
  rows: StatementStats[];
}

export interface SnapshotOptions {
  /** Read this database's rows; default: the connected database. */
  dbid?: number;
  /** Only top-level statements (not those run inside functions). Default true. */
  topLevelOnly?: boolean;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function snapshotStatements(client: Queryable, opts: SnapshotOptions = {}): Promise<StatementsSnapshot> {
  const { rows: dbRows } = await client.query(
    'SELECT oid::int AS oid, now() AS now FROM pg_database WHERE datname = current_database()',
  );
  const dbid = opts.dbid ?? Number(dbRows[0].oid);
  // Aggregated per queryid: the same statement run by several roles (or as top-level and nested) is one entry.
  // queryid IS NULL: another role's statement that this role may not see (no pg_read_all_stats).
  const sql = (toplevel: boolean) =>
    `SELECT queryid::text AS queryid, min(query) AS query,
            sum(calls)::float8 AS calls, sum(total_exec_time)::float8 AS total,
            sum(rows)::float8 AS rows,
            sum(shared_blks_hit)::float8 AS hit, sum(shared_blks_read)::float8 AS read,
            sum(temp_blks_read)::float8 AS temp_read, sum(temp_blks_written)::float8 AS temp_written,
            sum(calls * (stddev_exec_time ^ 2 + mean_exec_time ^ 2))::float8 AS sumsq
       FROM pg_stat_statements
      WHERE dbid = $1 AND queryid IS NOT NULL ${toplevel ? 'AND toplevel' : ''}
      GROUP BY queryid`;
  let rows: any[];
  try {
    ({ rows } = await client.query(sql(opts.topLevelOnly !== false), [dbid]));
  } catch (err) {
    // pg_stat_statements < 1.10 (PG 13) has no toplevel column.
    if (!/toplevel/.test(String((err as Error).message))) throw err;
    ({ rows } = await client.query(sql(false), [dbid]));
  }
  let statsReset: string | null = null;
  let dealloc: number | null = null;
  try {
    const { rows: info } = await client.query('SELECT stats_reset, dealloc FROM pg_stat_statements_info');
    if (info[0]) {
      statsReset = info[0].stats_reset ? new Date(info[0].stats_reset).toISOString() : null;
      dealloc = num(info[0].dealloc);
    }
  } catch {
    // pg_stat_statements < 1.9 has no info view: resets are then detected from counters going down.
  }
  return {
    takenAt: new Date(dbRows[0].now).toISOString(),
    statsReset,
    dealloc,
    dbid,
    rows: rows.map((r) => {
      const calls = num(r.calls);
      const total = num(r.total);
      const sumsq = num(r.sumsq);
      return {
        queryid: String(r.queryid),
        query: String(r.query ?? ''),
        calls,
        totalExecTimeMs: total,
        ...meanStddev(calls, total, sumsq),
        rows: num(r.rows),
        sharedBlksHit: num(r.hit),
        sharedBlksRead: num(r.read),
        tempBlksRead: num(r.temp_read),
        tempBlksWritten: num(r.temp_written),
        sumSqExecTimeMs: sumsq,
      };
    }),
  };
}

function meanStddev(calls: number, total: number, sumsq: number) {
  if (calls <= 0) return { meanExecTimeMs: 0, stddevExecTimeMs: 0 };
  const mean = total / calls;
  return { meanExecTimeMs: mean, stddevExecTimeMs: Math.sqrt(Math.max(0, sumsq / calls - mean * mean)) };
}

export interface StatementDelta extends StatementStats {
  /** The counters started over inside the interval (global or per-entry reset, or eviction and re-entry). */
  reset: boolean;
}

export interface StatementDeltas {
  from: string;
  to: string;
  intervalSeconds: number;
  /** pg_stat_statements was reset between the snapshots: every row is "current since the reset". */
  resetDetected: boolean;
  rows: StatementDelta[];
}

const COUNTERS = [
  'calls',
  'totalExecTimeMs',
  'rows',
  'sharedBlksHit',
  'sharedBlksRead',
  'tempBlksRead',
  'tempBlksWritten',
  'sumSqExecTimeMs',
] as const;

/**
 * Per-queryid activity between two snapshots. Counters only grow, so any counter going down means that entry was
 * reset (pg_stat_statements_reset(userid, dbid, queryid)) or evicted and re-entered: its current values are then the
 * activity since zero. A changed stats_reset means a full reset: every current row counts from zero.
 */
export function computeDeltas(prev: StatementsSnapshot, curr: StatementsSnapshot): StatementDeltas {
  const resetDetected = prev.statsReset !== curr.statsReset && curr.statsReset !== null;
  const before = new Map(prev.rows.map((r) => [r.queryid, r]));
  const out: StatementDelta[] = [];
  for (const c of curr.rows) {
    const p = resetDetected ? undefined : before.get(c.queryid);
    // Float sums (total time) may wobble in the last digits: allow a hair of slack before calling it a reset.
    const wentDown = p !== undefined && COUNTERS.some((k) => c[k] < p[k] - (k === 'calls' || k === 'rows' ? 0 : 1e-6 * Math.max(1, p[k])));
    const fromZero = p === undefined || wentDown;
    const d: StatementDelta = { ...c, reset: resetDetected || wentDown };
    if (!fromZero) for (const k of COUNTERS) d[k] = Math.max(0, c[k] - p![k]);
    if (d.calls <= 0) continue;
    Object.assign(d, meanStddev(d.calls, d.totalExecTimeMs, d.sumSqExecTimeMs));
    out.push(d);
  }
  const toMs = Date.parse(curr.takenAt);
  let fromMs = Date.parse(prev.takenAt);
  if (resetDetected && curr.statsReset) fromMs = Math.max(fromMs, Date.parse(curr.statsReset));
  return {
    from: new Date(fromMs).toISOString(),
    to: curr.takenAt,
    intervalSeconds: Math.max(0, (toMs - fromMs) / 1000),
    resetDetected,
    rows: out.sort((a, b) => b.totalExecTimeMs - a.totalExecTimeMs),
  };
}

export interface SlowQueryOptions {
  /** Slow when one call takes at least this long on average. */
  meanMs?: number;
  /** … or when it takes at least this share of all statements' time. */
  totalSharePct?: number;
  /** Ignore statements called fewer times (a one-off migration is not a "slow query"). */
  minCalls?: number;
}

export type SlowReason = 'mean' | 'total_share';

export interface SlowQuery<R> {
  row: R;
  reasons: SlowReason[];
  sharePct: number;
}

export function classifySlow<R extends Pick<StatementStats, 'calls' | 'totalExecTimeMs' | 'meanExecTimeMs'>>(
  rows: R[],
  opts: SlowQueryOptions = {},
): SlowQuery<R>[] {
  const meanMs = opts.meanMs ?? 100;
  const sharePct = opts.totalSharePct ?? 5;
  const minCalls = opts.minCalls ?? 1;
  const total = rows.reduce((s, r) => s + Math.max(0, r.totalExecTimeMs), 0);
  const out: SlowQuery<R>[] = [];
  for (const row of rows) {
    if (row.calls < minCalls) continue;
    const share = total > 0 ? (row.totalExecTimeMs / total) * 100 : 0;
    const reasons: SlowReason[] = [];
    if (row.meanExecTimeMs >= meanMs) reasons.push('mean');
    if (share >= sharePct) reasons.push('total_share');
    if (reasons.length) out.push({ row, reasons, sharePct: share });
  }
  return out.sort((a, b) => b.row.totalExecTimeMs - a.row.totalExecTimeMs);
}
