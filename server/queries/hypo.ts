// Planner costs with and without hypothetical indexes (HypoPG). Everything here is read-only: HypoPG keeps its
// indexes in session memory, EXPLAIN without ANALYZE never executes the query, and the advisor's session runs with
// default_transaction_read_only and a statement_timeout.
//
// Normalized queries ($1 placeholders, as pg_stat_statements stores them) are costed with a *generic* plan, the one
// that does not depend on parameter values: on PG ≥ 16 `EXPLAIN (GENERIC_PLAN)`, before that PREPARE +
// plan_cache_mode = force_generic_plan + EXPLAIN EXECUTE with NULLs (NULLs are never looked at by a generic plan).
// A prepared statement's generic plan is cached and HypoPG changes do not invalidate it, so every EXPLAIN prepares
// afresh.
import { renderHypoIndex, type IndexShape } from './ddl';
import type { ParamScenario } from './param-values';
import { planSummary } from './plan-findings';
import { quoteLiteral } from './sql-ident';
import type { Queryable } from './types';

export interface ExplainTarget {
  /** Stable id (queryid). */
  id: string;
  sql: string;
  /** Highest $n in the text (0 for none). */
  paramCount: number;
  /** Representative parameter values (param-values.ts): also costed as custom plans when present. */
  scenarios?: ParamScenario[];
}

export interface CostResult {
  cost: number;
  /** Index names in the plan (hypothetical ones look like "<13556>btree_leads_status"). */
  indexes: string[];
  plan: unknown;
}

export interface HypoSession {
  client: Queryable;
  serverVersionNum: number;
  /** Unique prepared-statement names within the session. */
  seq: number;
}

/** Prepares a session for costing: checks HypoPG and sets the generic-plan mode once. */
export async function openHypoSession(client: Queryable): Promise<HypoSession> {
  const s = await openPlanSession(client, { hypopg: true });
  await client.query('SELECT hypopg_reset()');
  return s;
}

/** A session for generic-plan EXPLAINs; with `hypopg` it insists on the extension. */
export async function openPlanSession(client: Queryable, opts: { hypopg?: boolean } = {}): Promise<HypoSession> {
  const { rows } = await client.query(
    `SELECT current_setting('server_version_num')::int AS num,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg') AS hypopg`,
  );
  if (opts.hypopg && !rows[0].hypopg) throw new Error('hypopg is not created in this database: CREATE EXTENSION hypopg;');
  const num = Number(rows[0].num);
  if (num < 160000) await client.query('SET plan_cache_mode = force_generic_plan');
  return { client, serverVersionNum: num, seq: 0 };
}

export async function closeHypoSession(s: HypoSession, opts: { hypopg?: boolean } = {}): Promise<void> {
  if (opts.hypopg !== false) await s.client.query('SELECT hypopg_reset()').catch(() => {});
  if (s.serverVersionNum < 160000) await s.client.query('RESET plan_cache_mode').catch(() => {});
}

function lastRows(res: unknown): any[] {
  // A multi-statement simple query returns one result per statement.
  const arr = Array.isArray(res) ? res : [res];
  for (let i = arr.length - 1; i >= 0; i--) {
    const r = arr[i] as { command?: string; rows?: any[] };
    if (r?.command === 'EXPLAIN' && r.rows) return r.rows;
  }
  return (arr[arr.length - 1] as { rows?: any[] })?.rows ?? [];
}

/** Generic-plan EXPLAIN (FORMAT JSON) of a (possibly parameterized) single statement. */
export async function explainGeneric(s: HypoSession, q: Pick<ExplainTarget, 'sql' | 'paramCount'>): Promise<CostResult> {
  let planJson: unknown;
  if (q.paramCount === 0) {
    const res = await s.client.query(`EXPLAIN (FORMAT JSON) ${q.sql}`);
    planJson = res.rows[0]['QUERY PLAN'];
  } else if (s.serverVersionNum >= 160000) {
    const res = await s.client.query(`EXPLAIN (FORMAT JSON, GENERIC_PLAN) ${q.sql}`);
    planJson = res.rows[0]['QUERY PLAN'];
  } else {
    const name = `perfdeck_hypo_${++s.seq}`;
    const nulls = Array.from({ length: q.paramCount }, () => 'NULL').join(', ');
    try {
      // One round trip: the statement text is the query exactly as given (it was checked to be one statement).
      const sql = q.sql.replace(/[\s;]+$/, '');
      const res = await s.client.query(`PREPARE ${name} AS ${sql}\n;\nEXPLAIN (FORMAT JSON) EXECUTE ${name}(${nulls})`);
      planJson = lastRows(res)[0]['QUERY PLAN'];
    } finally {
      await s.client.query(`DEALLOCATE ${name}`).catch(() => {});
    }
  }
  const summary = planSummary(planJson);
  return { cost: summary.totalCost, indexes: summary.indexes, plan: planJson };
}

/** Custom-plan EXPLAIN of a parameterized statement with the given values (text, coerced to the parameter types). */
export async function explainCustom(s: HypoSession, q: Pick<ExplainTarget, 'sql'>, values: string[]): Promise<CostResult> {
  const name = `perfdeck_hypo_${++s.seq}`;
  const sql = q.sql.replace(/[\s;]+$/, '');
  const args = values.map((v) => quoteLiteral(v)).join(', ');
  try {
    const res = await s.client.query(
      `SET plan_cache_mode = force_custom_plan;\nPREPARE ${name} AS ${sql}\n;\nEXPLAIN (FORMAT JSON) EXECUTE ${name}(${args})`,
    );
    const planJson = lastRows(res)[0]['QUERY PLAN'];
    const summary = planSummary(planJson);
    return { cost: summary.totalCost, indexes: summary.indexes, plan: planJson };
  } finally {
    await s.client.query(`DEALLOCATE ${name}`).catch(() => {});
    await s.client.query(`SET plan_cache_mode = ${s.serverVersionNum < 160000 ? 'force_generic_plan' : 'auto'}`).catch(() => {});
  }
}

export interface RobustCost extends CostResult {
  /** The generic plan's cost (and `plan` is the generic plan). */
  generic: number;
  /** Custom-plan costs for the scenarios that could be planned. */
  scenarioCosts: { name: string; cost: number }[];
}

/**
 * The cost the advisor works with: the mean of the custom plans for the representative parameter values when the
 * statement has them, else the generic plan's; an index counts as used when any of the plans reads it.
 */
export async function explainRobust(s: HypoSession, q: ExplainTarget): Promise<RobustCost> {
  const g = await explainGeneric(s, q);
  const scenarioCosts: RobustCost['scenarioCosts'] = [];
  const indexes = new Set(g.indexes);
  for (const sc of q.scenarios ?? []) {
    try {
      const r = await explainCustom(s, q, sc.values);
      scenarioCosts.push({ name: sc.name, cost: r.cost });
      r.indexes.forEach((i) => indexes.add(i));
    } catch {
      // A value the parameter type rejects: that scenario is simply left out.
    }
  }
  // With representative values the custom plans stand in for the generic one (see param-values.ts).
  const all = scenarioCosts.length ? scenarioCosts.map((x) => x.cost) : [g.cost];
  return { cost: all.reduce((a, b) => a + b, 0) / all.length, generic: g.cost, scenarioCosts, indexes: [...indexes], plan: g.plan };
}

export interface HypoIndex {
  oid: number;
  name: string;
  sizeBytes: number;
}

export async function createHypoIndex(s: HypoSession, shape: IndexShape): Promise<HypoIndex> {
  const { rows } = await s.client.query('SELECT indexrelid::int AS oid, indexname FROM hypopg_create_index($1)', [renderHypoIndex(shape)]);
  if (!rows[0]) throw new Error(`hypopg could not create ${renderHypoIndex(shape)}`);
  const oid = Number(rows[0].oid);
  const { rows: size } = await s.client.query('SELECT hypopg_relation_size($1)::float8 AS size', [oid]);
  return { oid, name: String(rows[0].indexname), sizeBytes: Number(size[0].size) };
}

export async function dropHypoIndex(s: HypoSession, oid: number): Promise<void> {
  await s.client.query('SELECT hypopg_drop_index($1)', [oid]);
}

export interface CandidateToCost {
  key: string;
  shape: IndexShape;
  /** Queries it could serve (the advisor pre-filters by leading column). */
  queryIds: string[];
}

export interface CandidateCosts {
  key: string;
  sizeBytes: number;
  costs: Record<string, { cost: number; used: boolean }>;
  error?: string;
}

/**
 * Costs each candidate alone: create it, EXPLAIN every query it could serve, drop it. HypoPG runs out of OIDs after a
 * few thousand creations in one session, so the state is reset every `batchSize` candidates.
 */
export async function costCandidates(
  s: HypoSession,
  queries: Map<string, ExplainTarget>,
  candidates: CandidateToCost[],
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<CandidateCosts[]> {
  const out: CandidateCosts[] = [];
  const batch = opts.batchSize ?? 200;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (i > 0 && i % batch === 0) await s.client.query('SELECT hypopg_reset()');
    let hypo: HypoIndex;
    try {
      hypo = await createHypoIndex(s, c.shape);
    } catch (err) {
      out.push({ key: c.key, sizeBytes: 0, costs: {}, error: (err as Error).message.split('\n')[0] });
      continue;
    }
    const costs: CandidateCosts['costs'] = {};
    try {
      for (const qid of c.queryIds) {
        const q = queries.get(qid);
        if (!q) continue;
        try {
          const r = await explainRobust(s, q);
          costs[qid] = { cost: r.cost, used: r.indexes.includes(hypo.name) };
        } catch {
          // A query that fails to EXPLAIN here failed its baseline too and is reported there.
        }
      }
    } finally {
      await dropHypoIndex(s, hypo.oid).catch(() => {});
    }
    out.push({ key: c.key, sizeBytes: hypo.sizeBytes, costs });
    opts.onProgress?.(i + 1, candidates.length);
  }
  return out;
}

export interface SetCost {
  /** queryId → cost with all the indexes of the set present, and which of them (by key) the plan reads. */
  perQuery: Map<string, { cost: number; usedKeys: string[]; error?: string }>;
  sizes: Map<string, number>;
}

/** Costs a whole set at once (the final check of a selection, or a "known right" set in the benchmark). */
export async function costIndexSet(
  s: HypoSession,
  queries: ExplainTarget[],
  set: { key: string; shape: IndexShape }[],
): Promise<SetCost> {
  await s.client.query('SELECT hypopg_reset()');
  const names = new Map<string, string>();
  const sizes = new Map<string, number>();
  try {
    for (const x of set) {
      const h = await createHypoIndex(s, x.shape);
      names.set(h.name, x.key);
      sizes.set(x.key, h.sizeBytes);
    }
    const perQuery: SetCost['perQuery'] = new Map();
    for (const q of queries) {
      try {
        const r = await explainRobust(s, q);
        perQuery.set(q.id, { cost: r.cost, usedKeys: r.indexes.filter((n) => names.has(n)).map((n) => names.get(n)!) });
      } catch (err) {
        perQuery.set(q.id, { cost: Number.NaN, usedKeys: [], error: (err as Error).message.split('\n')[0] });
      }
    }
    return { perQuery, sizes };
  } finally {
    await s.client.query('SELECT hypopg_reset()').catch(() => {});
  }
}
