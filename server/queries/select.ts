// Workload-level index selection under budgets. Pure.
//
// Input: the workload (queries with calls/day, mean time and baseline planner cost) and the candidates, each with the
// planner cost of every query it could serve when that index alone is added (from HypoPG) and its size.
// Objective: Σ_q ms/day saved − λ · write overhead (ms/day), maximized greedily with the marginal benefit re-evaluated
// after every pick (an index only gets credit for what it improves over the best index already chosen for that
// query), then improved by 1-swap local search. Budgets: indexes in total, per table, and bytes in total.
//
// Cost model for a set of indexes: per query and table, the best single index on that table counts; savings on
// different tables of a join add up (capped below the baseline). The advisor re-checks the final set with all
// hypothetical indexes at once, so this only has to rank well.
import { describeIndex, indexSignature, type IndexShape } from './ddl';
import type { ExistingIndex, IndexColumn, TableRef } from './types';
import { tableKey } from './types';

export interface WorkloadQuery {
  id: string;
  query: string;
  callsPerDay: number;
  /** Mean execution time (pg_stat_statements). When absent it is estimated from the cost (msPerCostUnit). */
  meanMs?: number;
  baselineCost: number;
  /** Equality-compared columns per table ("schema.table" → columns): for the robustness tie-break. */
  equalityColumns?: Record<string, string[]>;
}

export interface CandidateCost {
  /** Planner cost of the query with only this hypothetical index added. */
  cost: number;
  /** The plan used the index. */
  used: boolean;
}

export interface CandidateInput extends IndexShape {
  /** Stable id (usually indexSignature). */
  key?: string;
  reasons?: string[];
  sizeBytes: number;
  /** queryId → cost with this index alone. Queries not listed are not served by it. */
  costs: Record<string, CandidateCost>;
  /** Not checked by the planner (e.g. GIN, which HypoPG cannot simulate): never chosen by the solver. */
  unverified?: boolean;
}

export interface TableWriteStats {
  table: TableRef;
  insertsPerDay: number;
  updatesPerDay: number;
  deletesPerDay: number;
  /** HOT updates per day (they touch no index unless an indexed column changes). */
  hotUpdatesPerDay?: number;
  /** Rows/day of UPDATEs that assign each column (from the workload's UPDATE statements). */
  updatedColumnsPerDay?: Record<string, number>;
  /** Average row width in bytes (Σ avg_width). */
  rowWidth?: number;
  /** Average width per column in bytes (pg_stats.avg_width). */
  columnWidths?: Record<string, number>;
  /** Indexes the table has now (each is touched again when an update stops being HOT). */
  existingIndexCount?: number;
}

export interface SelectionOptions {
  maxIndexes?: number;
  maxIndexesPerTable?: number;
  maxTotalBytes?: number;
  /** A query counts as helped when its cost drops at least this much (%) — and by at least minCostSaved. */
  minImprovementPct?: number;
  minCostSaved?: number;
  /** Weight of the write overhead in the objective. */
  lambda?: number;
  /** Time to maintain one index entry for one written row (ms). */
  writeCostMsPerRow?: number;
  /** Used only when a query has no mean time. */
  msPerCostUnit?: number;
  /**
   * Among candidates within this % of the best gain, the one that evaluates more of the queries' equality predicates
   * inside the index wins (its cost does not hinge on the planner's independence assumption), then the smallest
   * ("+0.3% is not worth 40 MB").
   */
  tiePct?: number;
  existing?: ExistingIndex[];
}

export type RejectReason =
  | 'suppressed_by_existing'
  | 'below_min_improvement'
  | 'write_overhead'
  | 'no_marginal_benefit'
  | 'budget_indexes'
  | 'budget_table'
  | 'budget_bytes'
  | 'unverified';

export interface QueryHelp {
  id: string;
  query: string;
  baselineCost: number;
  /** Cost with this index alone. */
  cost: number;
  fractionSaved: number;
  msSavedPerDay: number;
}

export interface Chosen {
  candidate: CandidateInput;
  key: string;
  /** Pick order (1 = first). */
  rank: number;
  /** Queries this index is the best chosen index for (on its table). */
  queries: QueryHelp[];
  benefitMsPerDay: number;
  writeOverheadMsPerDay: number;
  /** Σ calls·baseline-weighted cost reduction over the queries it helps (0–100). */
  costReductionPct: number;
  /** Why the candidates competing for the same queries lost. */
  competitors: string[];
}

export interface Rejected {
  key: string;
  candidate: CandidateInput;
  reason: RejectReason;
  detail: string;
}

export interface SelectionResult {
  chosen: Chosen[];
  rejected: Rejected[];
  /** Estimated workload cost after (Σ calls/day × cost), before, from the additive model. */
  workload: { before: number; after: number };
}

const DEFAULTS = {
  maxIndexes: 10,
  maxIndexesPerTable: 3,
  maxTotalBytes: Number.POSITIVE_INFINITY,
  minImprovementPct: 20,
  minCostSaved: 1,
  lambda: 1,
  writeCostMsPerRow: 0.01,
  msPerCostUnit: 0.01,
  tiePct: 5,
};

const tkey = (c: IndexShape) => tableKey(c.table);

function columnNames(c: IndexShape): string[] {
  const out = [...c.columns.map((x) => x.name), ...c.include];
  if (c.where) out.push(c.where.column);
  return out;
}

/** The existing index that already does this candidate's job (same method, candidate key a prefix of its key). */
export function findCoveringIndex(c: IndexShape, existing: ExistingIndex[]): ExistingIndex | null {
  for (const e of existing) {
    if (!e.valid || e.schema !== c.table.schema || e.table !== c.table.name || e.method !== c.method) continue;
    if (e.columns.length < c.columns.length) continue;
    const norm = (w: string | null) => (w ?? '').replace(/[()\s"]/g, '').toLowerCase();
    if (c.where === null ? e.where !== null : false) continue;
    if (c.where !== null && e.where !== null) {
      // Compare loosely (pg_get_expr adds casts and parentheses); the candidate's predicate column and value must appear.
      const ew = norm(e.where);
      const value = c.where.op === '=' ? String(c.where.value).toLowerCase() : '';
      if (!ew.includes(c.where.column.toLowerCase()) || (value && !ew.includes(value))) continue;
    }
    const sameDir = (a: IndexColumn, b: ExistingIndex['columns'][number]) => !!a.desc === !!b.desc;
    let forward = true;
    let backward = true;
    let names = true;
    c.columns.forEach((col, i) => {
      const ec = e.columns[i];
      if (ec.name !== col.name || (col.opclass && ec.opclass && col.opclass !== ec.opclass)) names = false;
      if (!sameDir(col, ec)) forward = false;
      else backward = false;
    });
    if (!names) continue;
    // A btree read backwards serves the fully inverted order; a single column serves both directions.
    if (!(forward || backward || c.columns.length === 1)) continue;
    const have = new Set([...e.columns.map((x) => x.name ?? ''), ...e.include]);
    if (!c.include.every((i) => have.has(i))) continue;
    return e;
  }
  return null;
}

function fmtMs(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms.toFixed(ms >= 10 ? 0 : 1)} ms`;
}

export function fmtBytes(b: number): string {
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(1)} GB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(b >= 10 << 20 ? 0 : 1)} MB`;
  if (b >= 1024) return `${Math.round(b / 1024)} kB`;
  return `${b} B`;
}

const pct = (x: number) => `${(x * 100).toFixed(x >= 0.995 || x < 0.1 ? 1 : 0)}%`;

export function selectIndexes(
  queries: WorkloadQuery[],
  candidates: CandidateInput[],
  tables: TableWriteStats[],
  options: SelectionOptions = {},
): SelectionResult {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS &
    SelectionOptions;
  const existing = o.existing ?? [];
  const qById = new Map(queries.map((q) => [q.id, q]));
  // ms/day per unit of planner cost, per query: the weight that turns a cost saving into time saved.
  const weight = new Map(
    queries.map((q) => {
      const mean = q.meanMs !== undefined && q.meanMs > 0 ? q.meanMs : q.baselineCost * o.msPerCostUnit;
      return [q.id, q.baselineCost > 0 ? (mean * q.callsPerDay) / q.baselineCost : 0];
    }),
  );
  const tableStats = new Map(tables.map((t) => [tableKey(t.table), t]));

  const keyOf = (c: CandidateInput) => c.key ?? indexSignature(c);
  const rejected = new Map<string, Rejected>();
  const reject = (c: CandidateInput, reason: RejectReason, detail: string) => {
    const key = keyOf(c);
    if (!rejected.has(key)) rejected.set(key, { key, candidate: c, reason, detail });
  };

  /** Saving (cost units) of query q from candidate c alone, or 0 when it does not clear the bar. */
  const eligibleSaving = (c: CandidateInput, qid: string): number => {
    const q = qById.get(qid);
    const cc = c.costs[qid];
    if (!q || !cc || !cc.used) return 0;
    const saved = q.baselineCost - cc.cost;
    if (saved < o.minCostSaved || saved < (o.minImprovementPct / 100) * q.baselineCost) return 0;
    return saved;
  };

  const writeOverhead = (c: CandidateInput): number => {
    const t = tableStats.get(tkey(c));
    if (!t) return 0;
    const cols = columnNames(c);
    const updated = t.updatedColumnsPerDay;
    const touching = updated ? cols.reduce((s, col) => s + (updated[col] ?? 0), 0) : t.updatesPerDay;
    const hot = t.hotUpdatesPerDay ?? 0;
    const nonHot = Math.max(0, t.updatesPerDay - hot);
    const indexRows = t.insertsPerDay + t.deletesPerDay + Math.min(t.updatesPerDay, Math.max(touching, nonHot));
    const width = cols.reduce((s, col) => s + (t.columnWidths?.[col] ?? 8), 0);
    const iwo = t.rowWidth && t.rowWidth > 0 ? Math.min(1, width / t.rowWidth) : 0.25;
    let ms = indexRows * o.writeCostMsPerRow * (1 + iwo);
    // Updates that were HOT stop being HOT when they change an indexed column: every other index is touched too.
    const newlyNonHot = Math.min(hot, updated ? touching : 0);
    ms += newlyNonHot * o.writeCostMsPerRow * (t.existingIndexCount ?? 0);
    return o.lambda * ms;
  };

  // Filter: suppressed, unverified, nothing eligible.
  const pool: CandidateInput[] = [];
  for (const c of candidates) {
    const cover = findCoveringIndex(c, existing);
    if (cover) {
      reject(c, 'suppressed_by_existing', `${describeIndex(c)} already served by existing index "${cover.name}"`);
      continue;
    }
    if (c.unverified) {
      reject(c, 'unverified', `${describeIndex(c)}: the planner could not cost it (HypoPG cannot simulate ${c.method})`);
      continue;
    }
    const helps = Object.keys(c.costs).some((qid) => eligibleSaving(c, qid) > 0);
    if (!helps) {
      const best = Object.entries(c.costs).reduce((b, [qid, cc]) => {
        const q = qById.get(qid);
        if (!q || q.baselineCost <= 0) return b;
        return Math.max(b, cc.used ? (q.baselineCost - cc.cost) / q.baselineCost : 0);
      }, 0);
      reject(c, 'below_min_improvement', `${describeIndex(c)}: best query improvement ${pct(Math.max(0, best))} < ${o.minImprovementPct}%`);
      continue;
    }
    pool.push(c);
  }

  // Savings matrix restricted to eligible entries.
  const savings = new Map<string, Map<string, number>>(); // candidate key → qid → saving
  for (const c of pool) {
    const m = new Map<string, number>();
    for (const qid of Object.keys(c.costs)) {
      const s = eligibleSaving(c, qid);
      if (s > 0) m.set(qid, s);
    }
    savings.set(keyOf(c), m);
  }
  const overhead = new Map(pool.map((c) => [keyOf(c), writeOverhead(c)]));

  /** Per query and table: the best saving among `set`. */
  const bestPerQueryTable = (set: CandidateInput[]) => {
    const best = new Map<string, number>(); // `${qid}\u0000${table}` → saving
    for (const c of set) {
      const t = tkey(c);
      for (const [qid, s] of savings.get(keyOf(c))!) {
        const k = `${qid}\u0000${t}`;
        if ((best.get(k) ?? 0) < s) best.set(k, s);
      }
    }
    return best;
  };
  /** ms/day saved by a set (additive over tables, capped at 99.9% of the baseline). */
  const benefitOf = (set: CandidateInput[]): number => {
    const perQuery = new Map<string, number>();
    for (const [k, s] of bestPerQueryTable(set)) {
      const qid = k.slice(0, k.indexOf('\u0000'));
      perQuery.set(qid, (perQuery.get(qid) ?? 0) + s);
    }
    let total = 0;
    for (const [qid, s] of perQuery) {
      const q = qById.get(qid)!;
      total += Math.min(s, 0.999 * q.baselineCost) * weight.get(qid)!;
    }
    return total;
  };
  const objective = (set: CandidateInput[]) =>
    benefitOf(set) - set.reduce((s, c) => s + overhead.get(keyOf(c))!, 0);

  /**
   * Saving-weighted share of the served queries' equality predicates (on the candidate's table) that are index key
   * columns. An index that leaves `status = $1` as a post-filter looks as cheap to the planner as one that seeks on
   * it — until the matching rows are not evenly spread (skew, correlation with the sort column).
   */
  const coverage = (c: CandidateInput): number => {
    const keys = new Set(c.columns.map((x) => x.name));
    let num = 0;
    let den = 0;
    for (const [qid, sv] of savings.get(keyOf(c))!) {
      const eq = qById.get(qid)?.equalityColumns?.[tkey(c)];
      if (!eq || eq.length === 0) continue;
      const w = sv * weight.get(qid)!;
      num += (w * eq.filter((e) => keys.has(e)).length) / eq.length;
      den += w;
    }
    return den > 0 ? num / den : 0;
  };

  const fits = (set: CandidateInput[], c: CandidateInput, ignore?: CandidateInput): string | null => {
    const others = set.filter((x) => x !== ignore);
    if (others.length + 1 > o.maxIndexes) return 'budget_indexes';
    if (others.filter((x) => tkey(x) === tkey(c)).length + 1 > o.maxIndexesPerTable) return 'budget_table';
    if (others.reduce((s, x) => s + x.sizeBytes, 0) + c.sizeBytes > o.maxTotalBytes) return 'budget_bytes';
    return null;
  };

  // Greedy with marginal re-evaluation.
  const chosen: CandidateInput[] = [];
  const lastMarginal = new Map<string, { benefit: number; overhead: number; blocked: string | null }>();
  for (;;) {
    const base = benefitOf(chosen);
    const scored: { c: CandidateInput; gain: number }[] = [];
    for (const c of pool) {
      if (chosen.includes(c)) continue;
      const marginal = benefitOf([...chosen, c]) - base;
      const ov = overhead.get(keyOf(c))!;
      const blocked = fits(chosen, c);
      lastMarginal.set(keyOf(c), { benefit: marginal, overhead: ov, blocked });
      if (blocked || marginal <= 0 || marginal - ov <= 0) continue;
      scored.push({ c, gain: marginal - ov });
    }
    if (scored.length === 0) break;
    const bestGain = Math.max(...scored.map((s) => s.gain));
    const near = scored.filter((s) => s.gain >= bestGain * (1 - o.tiePct / 100));
    const cov = new Map(near.map((s) => [s.c, coverage(s.c)]));
    near.sort(
      (a, b) =>
        (Math.abs(cov.get(b.c)! - cov.get(a.c)!) > 0.01 ? cov.get(b.c)! - cov.get(a.c)! : 0) ||
        a.c.sizeBytes - b.c.sizeBytes ||
        a.c.columns.length - b.c.columns.length ||
        b.gain - a.gain,
    );
    chosen.push(near[0].c);
  }

  // 1-swap local search: replace a chosen index by an unchosen one when that clearly improves the objective.
  for (let round = 0; round < 3; round++) {
    let improved = false;
    for (let i = 0; i < chosen.length && !improved; i++) {
      const current = objective(chosen);
      for (const c of pool) {
        if (chosen.includes(c) || fits(chosen, c, chosen[i])) continue;
        const trial = chosen.map((x, k) => (k === i ? c : x));
        if (objective(trial) > current * 1.01 + 1e-9) {
          chosen.splice(i, 1, c);
          improved = true;
          break;
        }
      }
    }
    if (!improved) break;
  }
  // Drop picks that later picks made (nearly) redundant: what an index still adds given the others must be more than
  // its overhead and more than tiePct% of what it would save on its own.
  for (let i = chosen.length - 1; i >= 0; i--) {
    const without = chosen.filter((_, k) => k !== i);
    const contribution = objective(chosen) - objective(without);
    // What it saves on the queries it is the best chosen index for (the rest is someone else's credit).
    const mine = savings.get(keyOf(chosen[i]))!;
    let onBest = 0;
    for (const [qid, s] of mine) {
      const rivalBest = Math.max(0, ...without.filter((x) => tkey(x) === tkey(chosen[i])).map((x) => savings.get(keyOf(x))!.get(qid) ?? 0));
      if (s >= rivalBest) onBest += Math.min(s, 0.999 * qById.get(qid)!.baselineCost) * weight.get(qid)!;
    }
    if (contribution <= 0 || contribution < (o.tiePct / 100) * onBest) {
      lastMarginal.set(keyOf(chosen[i]), { benefit: contribution + overhead.get(keyOf(chosen[i]))!, overhead: overhead.get(keyOf(chosen[i]))!, blocked: null });
      chosen.splice(i, 1);
    }
  }

  // Attribution: each (query, table) saving goes to the chosen index giving it.
  const attributed = new Map<string, QueryHelp[]>();
  for (const c of chosen) attributed.set(keyOf(c), []);
  const queryTables = new Map<string, Set<string>>();
  for (const c of chosen) {
    for (const qid of savings.get(keyOf(c))!.keys()) {
      if (!queryTables.has(qid)) queryTables.set(qid, new Set());
      queryTables.get(qid)!.add(tkey(c));
    }
  }
  for (const [qid, tset] of queryTables) {
    const q = qById.get(qid)!;
    for (const t of tset) {
      let best: CandidateInput | null = null;
      let bestS = 0;
      for (const c of chosen) {
        if (tkey(c) !== t) continue;
        const s = savings.get(keyOf(c))!.get(qid) ?? 0;
        if (s > bestS) {
          bestS = s;
          best = c;
        }
      }
      if (!best) continue;
      const frac = Math.min(0.999, bestS / q.baselineCost);
      attributed.get(keyOf(best))!.push({
        id: qid,
        query: q.query,
        baselineCost: q.baselineCost,
        cost: best.costs[qid].cost,
        fractionSaved: frac,
        msSavedPerDay: frac * q.baselineCost * weight.get(qid)!,
      });
    }
  }

  // Rejection reasons against the final set (greedy-time figures may be stale after swaps and drops).
  const finalBenefit = benefitOf(chosen);
  for (const c of pool) {
    if (chosen.includes(c)) continue;
    lastMarginal.set(keyOf(c), {
      benefit: benefitOf([...chosen, c]) - finalBenefit,
      overhead: overhead.get(keyOf(c))!,
      blocked: fits(chosen, c),
    });
  }
  for (const c of pool) {
    if (chosen.includes(c)) continue;
    const lm = lastMarginal.get(keyOf(c));
    const name = describeIndex(c);
    if (lm && lm.benefit > 0 && lm.blocked) reject(c, lm.blocked as RejectReason, `${name}: ${lm.blocked.replace('_', ' ')} reached`);
    else if (lm && lm.benefit > 0 && lm.benefit <= lm.overhead)
      reject(c, 'write_overhead', `${name}: saves ${fmtMs(lm.benefit)}/day but costs ${fmtMs(lm.overhead)}/day in index writes`);
    else reject(c, 'no_marginal_benefit', `${name}: nothing worth its cost left to improve once the chosen indexes exist`);
  }

  const reductionOver = (c: CandidateInput, qids: string[]): number => {
    let base = 0;
    let saved = 0;
    for (const qid of qids) {
      const q = qById.get(qid)!;
      const w = weight.get(qid)!;
      base += w * q.baselineCost;
      const cc = c.costs[qid];
      if (cc && cc.used) saved += w * Math.max(0, q.baselineCost - cc.cost);
    }
    return base > 0 ? saved / base : 0;
  };

  const result: Chosen[] = chosen.map((c, i) => {
    const qs = attributed.get(keyOf(c))!.sort((a, b) => b.msSavedPerDay - a.msSavedPerDay);
    const qids = qs.map((q) => q.id);
    const own = reductionOver(c, qids);
    // Competitors: other candidates on the same table that serve the same queries.
    const rivals = candidates
      .filter((x) => x !== c && tkey(x) === tkey(c) && !chosen.includes(x) && qids.some((qid) => x.costs[qid]))
      .map((x) => ({ x, red: reductionOver(x, qids) }))
      .sort((a, b) => b.red - a.red);
    const competitors: string[] = [];
    for (const { x, red } of rivals) {
      if (competitors.length >= 4) break;
      const r = rejected.get(keyOf(x));
      const name = describeIndex(x);
      if (r?.reason === 'suppressed_by_existing' || r?.reason === 'unverified') {
        competitors.push(r.detail);
        continue;
      }
      const lm = lastMarginal.get(keyOf(x));
      const close = red >= own - 0.005;
      const near = red >= own - Math.max(0.005, o.tiePct / 100);
      if (near && x.sizeBytes <= c.sizeBytes && coverage(x) < coverage(c) - 0.01) {
        competitors.push(
          `${name}: about as cheap (${pct(red)} vs ${pct(own)}) but leaves equality predicates as post-filters, which skewed or correlated values make slow`,
        );
      } else if (close && x.sizeBytes > c.sizeBytes) {
        const diff = (red - own) * 100;
        competitors.push(`${name} adds ${fmtBytes(x.sizeBytes - c.sizeBytes)} for ${diff >= 0 ? '+' : ''}${diff.toFixed(1)}%`);
      } else if (close && lm && lm.overhead > overhead.get(keyOf(c))!) {
        competitors.push(`${name}: same ${pct(red)} reduction but more write overhead (${fmtMs(lm.overhead)}/day)`);
      } else if (!close) {
        competitors.push(`${name} alone: ${pct(red)} reduction vs ${pct(own)}`);
      } else if (r) {
        competitors.push(r.detail);
      }
    }
    return {
      candidate: c,
      key: keyOf(c),
      rank: i + 1,
      queries: qs,
      benefitMsPerDay: qs.reduce((s, q) => s + q.msSavedPerDay, 0),
      writeOverheadMsPerDay: overhead.get(keyOf(c))!,
      costReductionPct: own * 100,
      competitors,
    };
  });

  let before = 0;
  let after = 0;
  const bestSave = new Map<string, number>();
  for (const [k, s] of bestPerQueryTable(chosen)) {
    const qid = k.slice(0, k.indexOf('\u0000'));
    bestSave.set(qid, (bestSave.get(qid) ?? 0) + s);
  }
  for (const q of queries) {
    before += q.callsPerDay * q.baselineCost;
    after += q.callsPerDay * (q.baselineCost - Math.min(bestSave.get(q.id) ?? 0, 0.999 * q.baselineCost));
  }

  return { chosen: result, rejected: [...rejected.values()], workload: { before, after } };
}
