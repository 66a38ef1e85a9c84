// The index advisor pipeline: workload (pg_stat_statements) → parse → candidates → HypoPG costing → workload-level
// selection under budgets → verification of the chosen set together → hygiene drops. Never writes to the target:
// the session is read-only (default_transaction_read_only), with a statement_timeout; HypoPG state is session-local.
import type pg from 'pg';
import {
  analyzeQuery,
  candidateMayServe,
  generateCandidates,
  relationNames,
  type CandidateOptions,
  type IndexCandidate,
  type ParseTree,
  type QueryShape,
} from './candidates';
import { snapshotStatements } from './collector';
import { withTarget, type Target } from './connection';
import { describeColumns, describeIndex, indexNameFor, renderCreateIndex, renderPredicate, type IndexShape } from './ddl';
import { findIndexHygiene, type DropRecommendation } from './hygiene';
import { closeHypoSession, costCandidates, costIndexSet, explainRobust, openHypoSession, type ExplainTarget } from './hypo';
import { inspectClient, type Requirement, type TargetInspection } from './inspect';
import { readCatalog, readIndexes, readTableActivity, type TableActivity } from './metadata';
import { paramScenarios, parseConstValue, type ObservedValues } from './param-values';
import { parseSql } from './parse-sql';
import { analyzePlan, type PlanFinding } from './plan-findings';
import { selectIndexes, type CandidateInput, type SelectionOptions, type TableWriteStats, type WorkloadQuery } from './select';
import { buildIdentifier } from './sql-ident';
import type { Catalog, ExistingIndex, IndexColumn, PartialPredicate } from './types';
import { tableKey } from './types';

export interface WorkloadStatement {
  queryid: string;
  query: string;
  calls: number;
  /** Mean execution time in ms, when known. */
  meanMs?: number;
  /** Rows returned/affected in total (for INSERT/UPDATE/DELETE: the write volume). */
  rows?: number;
}

export interface AdviseOptions {
  /** Most indexes to recommend in total (default 10). */
  budgetIndexes?: number;
  maxIndexesPerTable?: number;
  maxTotalBytes?: number;
  /** Ignore statements called fewer times (default 1). */
  minCalls?: number;
  /** Ignore statements whose generic plan already costs less (default 100, as Dexter). */
  minBaselineCost?: number;
  minImprovementPct?: number;
  minCostSaved?: number;
  lambda?: number;
  writeCostMsPerRow?: number;
  /** Only the statements with the most total time (default 200). */
  maxQueries?: number;
  /** Per EXPLAIN / catalog read (default 10 s). */
  statementTimeoutMs?: number;
  /**
   * Length of the period the statistics cover, to turn counts into per-day rates. Default: since
   * pg_stat_statements_info.stats_reset (a full reset), else one day.
   */
  windowSeconds?: number;
  /** Analyze this workload instead of reading pg_stat_statements (e.g. deltas from the collector). */
  workload?: WorkloadStatement[];
  /**
   * Table write counters to charge write overhead with, instead of pg_stat_user_tables since the database's last
   * stats reset (e.g. the collector's deltas over its window: a bulk load before the window is not workload).
   */
  writeActivity?: { since: string; until?: string; tables: WriteCounters[] };
  /** Also propose DROPs for duplicate / unused / invalid indexes (default true). */
  hygiene?: boolean;
  /** Unused-index drops only when the usage counters cover at least this long (default 7 days). */
  minUnusedWindowSeconds?: number;
  candidates?: CandidateOptions;
  onProgress?: (p: { phase: 'workload' | 'baseline' | 'candidates' | 'select' | 'verify' | 'hygiene'; done: number; total: number }) => void;
}

export interface HelpedQuery {
  queryid: string;
  query: string;
  callsPerDay: number;
  meanMs: number | null;
  costBefore: number;
  costAfter: number;
  reductionPct: number;
}

export interface IndexRecommendation {
  /** Stable identity of the index shape. */
  key: string;
  name: string;
  schema: string;
  table: string;
  /** Display form: ["status", "created_at DESC"]. */
  columns: string[];
  /** Structured key columns (direction, opclass). */
  keys: IndexColumn[];
  include: string[];
  /** Partial index predicate as SQL (rendered with quoting), or null. */
  where: string | null;
  /** The same predicate, structured (apply re-renders the DDL from the structured fields, never from text). */
  predicate: PartialPredicate | null;
  method: string;
  ddl: string;
  /** Calls-and-mean-time-weighted planner cost reduction over the queries it helps, with all recommendations present. */
  estimatedCostReductionPct: number;
  estimatedTimeSavedMsPerDay: number;
  estimatedSizeBytes: number;
  writeOverheadMsPerDay: number;
  queries: HelpedQuery[];
  /** Why the candidate was generated ("equality status", "sort created_at DESC"). */
  reasons: string[];
  /** Why competing candidates lost. */
  whyNotOthers: string[];
}

export interface UnverifiedSuggestion {
  schema: string;
  table: string;
  columns: string[];
  method: string;
  ddl: string;
  reason: string;
  queries: string[];
}

export interface AdviseResult {
  recommendations: IndexRecommendation[];
  drops: DropRecommendation[];
  /** Candidates HypoPG cannot cost (GIN trigram): shown, never chosen automatically. */
  unverified: UnverifiedSuggestion[];
  analyzedQueries: number;
  skipped: { queryid?: string; query: string; reason: string }[];
  /** Σ calls/day × planner cost over the analyzed queries, before and with the recommendations (HypoPG). */
  workloadCost: { before: number; after: number };
  window: { seconds: number; source: 'option' | 'stats_reset' | 'default' };
  findings: { queryid: string; query: string; findings: PlanFinding[] }[];
  inspection: Pick<TargetInspection, 'serverVersion' | 'database' | 'role' | 'readAllStats'> & { warnings: string[] };
  candidatesEvaluated: number;
  /** How the analyzed statements' parameters were costed: values seen by pg_qualstats, pg_stats values, generic plan. */
  parameterValues: { observed: number; statistics: number; generic: number };
}

export class AdvisorNotReadyError extends Error {
  constructor(readonly requirements: Requirement[]) {
    super(
      `target not ready for the index advisor: ${requirements.map((r) => `${r.name} (fix: ${r.fix})`).join('; ')}`,
    );
    this.name = 'AdvisorNotReadyError';
  }
}

/** The write counters of pg_stat_user_tables the write overhead is charged from. */
export type WriteCounters = Pick<TableActivity, 'schema' | 'name' | 'inserts' | 'updates' | 'hotUpdates' | 'deletes'>;

const DAY = 86_400;
// Statements that are the console's / our own bookkeeping, not the application's workload.
const OWN_NOISE = /\b(hypopg\w*|pg_stat_statements\w*|pg_qualstats\w*)\b|\bperfdeck_hypo_\d+/i;

interface Analyzed {
  stmt: WorkloadStatement;
  shape: QueryShape;
  target: ExplainTarget;
  baseline: number;
  callsPerDay: number;
  plan: unknown;
}

function displayColumns(cols: IndexColumn[]): string[] {
  return cols.map((c) => `${c.name}${c.opclass ? ` ${c.opclass}` : ''}${c.desc ? ' DESC' : ''}${c.nullsFirst !== undefined && c.nullsFirst !== !!c.desc ? (c.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`);
}

function uniqueName(shape: IndexShape, taken: Set<string>): string {
  const base = indexNameFor(shape);
  let name = base;
  for (let i = 2; taken.has(`${shape.table.schema}.${name}`); i++) name = buildIdentifier([base.replace(/_idx$/, ''), String(i)]);
  taken.add(`${shape.table.schema}.${name}`);
  return name;
}

/** Constants pg_qualstats sampled for `=` quals, per statement (queryid) and column. Empty when unavailable. */
async function readObservedValues(client: pg.Client, catalog: Catalog): Promise<Map<string, ObservedValues>> {
  const out = new Map<string, ObservedValues>();
  let rows: any[];
  try {
    ({ rows } = await client.query(
      `SELECT q.queryid::text AS queryid, q.lrelid::int AS relid, a.attname AS col, q.constvalue,
              sum(q.occurences)::float8 AS n
         FROM pg_qualstats() q
         JOIN pg_attribute a ON a.attrelid = q.lrelid AND a.attnum = q.lattnum
        WHERE q.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND q.queryid IS NOT NULL AND q.constvalue IS NOT NULL AND q.opno::regoper::text IN ('=', 'pg_catalog.=')
        GROUP BY 1, 2, 3, 4`,
    ));
  } catch {
    return out; // not created, not preloaded, or not readable by this role
  }
  const byOid = new Map(catalog.tables.map((t) => [t.oid, t]));
  for (const r of rows) {
    const t = byOid.get(Number(r.relid));
    const value = parseConstValue(String(r.constvalue));
    if (!t || value === null) continue;
    const perQuery = out.get(r.queryid) ?? new Map();
    const key = `${t.schema}.${t.name}.${r.col}`;
    perQuery.set(key, [...(perQuery.get(key) ?? []), { value, count: Number(r.n) }]);
    out.set(r.queryid, perQuery);
  }
  return out;
}

async function readWorkload(client: pg.Client, opts: AdviseOptions): Promise<{ statements: WorkloadStatement[]; window: AdviseResult['window'] }> {
  if (opts.workload) {
    return {
      statements: opts.workload,
      window: opts.windowSeconds ? { seconds: opts.windowSeconds, source: 'option' } : { seconds: DAY, source: 'default' },
    };
  }
  const snap = await snapshotStatements(client);
  let window: AdviseResult['window'] = { seconds: DAY, source: 'default' };
  if (opts.windowSeconds) window = { seconds: opts.windowSeconds, source: 'option' };
  else if (snap.statsReset) {
    window = { seconds: Math.max(60, (Date.parse(snap.takenAt) - Date.parse(snap.statsReset)) / 1000), source: 'stats_reset' };
  }
  return {
    statements: snap.rows.map((r) => ({ queryid: r.queryid, query: r.query, calls: r.calls, meanMs: r.meanExecTimeMs, rows: r.rows })),
    window,
  };
}

function tableWriteStats(
  catalog: Catalog,
  analyzed: { shape: QueryShape; stmt: WorkloadStatement }[],
  activity: { since: string | null; tables: WriteCounters[] },
  existing: ExistingIndex[],
  windowSeconds: number,
  now: number,
): TableWriteStats[] {
  const perDay = DAY / windowSeconds;
  const activityDays = activity.since ? Math.max(1 / 24, (now - Date.parse(activity.since)) / 1000 / DAY) : null;
  const out: TableWriteStats[] = [];
  for (const t of catalog.tables) {
    const key = tableKey(t);
    // From the workload's own DML (same window as the read side), by statement kind and SET columns.
    let ins = 0;
    let upd = 0;
    let del = 0;
    const cols: Record<string, number> = {};
    for (const a of analyzed) {
      const rowsPerDay = (a.stmt.rows ?? a.stmt.calls) * perDay;
      for (const w of a.shape.writes) {
        if (tableKey(w.table) !== key) continue;
        if (w.kind === 'insert') ins += rowsPerDay;
        else if (w.kind === 'delete') del += rowsPerDay;
        else {
          upd += rowsPerDay;
          for (const c of w.columns) cols[c] = (cols[c] ?? 0) + rowsPerDay;
        }
      }
    }
    const act = activity.tables.find((x) => x.schema === t.schema && x.name === t.name);
    let hot = 0;
    if (act && activityDays) {
      ins = Math.max(ins, act.inserts / activityDays);
      del = Math.max(del, act.deletes / activityDays);
      const actUpd = act.updates / activityDays;
      hot = act.updates > 0 ? (act.hotUpdates / act.updates) * Math.max(upd, actUpd) : 0;
      upd = Math.max(upd, actUpd);
    }
    const widths: Record<string, number> = {};
    let rowWidth = 0;
    for (const c of t.columns) {
      widths[c.name] = c.avgWidth ?? 8;
      rowWidth += c.avgWidth ?? 8;
    }
    out.push({
      table: { schema: t.schema, name: t.name },
      insertsPerDay: ins,
      updatesPerDay: upd,
      deletesPerDay: del,
      hotUpdatesPerDay: hot,
      updatedColumnsPerDay: Object.keys(cols).length ? cols : undefined,
      rowWidth: rowWidth + 24, // + tuple header
      columnWidths: widths,
      existingIndexCount: existing.filter((e) => e.schema === t.schema && e.table === t.name).length,
    });
  }
  return out;
}

export async function adviseClient(client: pg.Client, opts: AdviseOptions = {}): Promise<AdviseResult> {
  const progress = opts.onProgress ?? (() => {});
  const inspection = await inspectClient(client);
  const notReady = inspection.requirements.filter((r) => r.required && !r.ok && (opts.workload ? r.name === 'hypopg created' : true));
  if (notReady.length) throw new AdvisorNotReadyError(notReady);
  const warnings = inspection.requirements.filter((r) => !r.required && !r.ok && r.name === 'read all statements').map((r) => `${r.detail} — ${r.fix}`);

  progress({ phase: 'workload', done: 0, total: 1 });
  const { statements, window } = await readWorkload(client, opts);
  const perDay = DAY / window.seconds;
  const minCalls = opts.minCalls ?? 1;
  const minBaseline = opts.minBaselineCost ?? 100;
  const skipped: AdviseResult['skipped'] = [];

  // Parse; the busiest statements first.
  const ordered = [...statements]
    .filter((s) => s.calls >= minCalls && !OWN_NOISE.test(s.query))
    .sort((a, b) => b.calls * (b.meanMs ?? 1) - a.calls * (a.meanMs ?? 1));
  const trees: { stmt: WorkloadStatement; tree: ParseTree }[] = [];
  for (const stmt of ordered) {
    try {
      const tree = await parseSql(stmt.query);
      if ((tree.stmts ?? []).length !== 1) skipped.push({ queryid: stmt.queryid, query: stmt.query, reason: 'not exactly one statement' });
      else trees.push({ stmt, tree });
    } catch (err) {
      skipped.push({ queryid: stmt.queryid, query: stmt.query, reason: `does not parse: ${(err as Error).message.split('\n')[0]}` });
    }
  }

  // Catalog facts for the relations the statements name (all indexes: hygiene looks at every one).
  const catalog = await readCatalog(client, { relationNames: [...new Set(trees.flatMap((t) => relationNames(t.tree.stmts)))] });
  const existing = await readIndexes(client);
  const activity = await readTableActivity(client);
  const qualstatsReady = inspection.extensions.pg_qualstats.installed && !!inspection.extensions.pg_qualstats.preloaded;
  const observed = qualstatsReady ? await readObservedValues(client, catalog) : new Map<string, ObservedValues>();

  // Analyze.
  const parsed: { stmt: WorkloadStatement; shape: QueryShape }[] = [];
  for (const { stmt, tree } of trees) {
    const shape = analyzeQuery(tree, catalog);
    if (shape.statement === 'other') continue; // utility statements (SET, BEGIN, EXPLAIN, DDL …): not a workload
    if (shape.tables.length === 0) {
      // Catalog-only statements (monitoring, drivers) are silently ignored; unknown relations are reported.
      const userRels = shape.unresolved.filter((r) => !/^(pg_|information_schema)/.test(r));
      if (userRels.length) skipped.push({ queryid: stmt.queryid, query: stmt.query, reason: `unknown relations (views or missing tables are not analyzed): ${userRels.join(', ')}` });
      continue;
    }
    const kinds = new Set(shape.tables.map((t) => catalog.tables.find((x) => x.schema === t.schema && x.name === t.name)?.kind));
    if (shape.usages.length > 0 && [...kinds].every((k) => k === 'view' || k === 'foreign')) {
      skipped.push({ queryid: stmt.queryid, query: stmt.query, reason: 'reads only views or foreign tables (not expanded)' });
      continue;
    }
    parsed.push({ stmt, shape });
  }
  // Statements with nothing to look up (INSERT … VALUES) only count as writes.
  const readers = parsed.filter((p) => p.shape.usages.length > 0);
  const selected = readers.slice(0, opts.maxQueries ?? 200);
  for (const p of readers.slice(opts.maxQueries ?? 200)) skipped.push({ queryid: p.stmt.queryid, query: p.stmt.query, reason: 'beyond maxQueries (less total time)' });

  const session = await openHypoSession(client);
  try {
    // Baselines with the existing indexes.
    const analyzed: Analyzed[] = [];
    let i = 0;
    for (const p of selected) {
      progress({ phase: 'baseline', done: i++, total: selected.length });
      const target: ExplainTarget = {
        id: p.stmt.queryid,
        sql: p.stmt.query,
        paramCount: p.shape.paramCount,
        scenarios: paramScenarios(p.shape, catalog, { observed: observed.get(p.stmt.queryid) }),
      };
      try {
        const r = await explainRobust(session, target);
        if (r.cost < minBaseline) {
          skipped.push({ queryid: p.stmt.queryid, query: p.stmt.query, reason: `already cheap: plan cost ${r.cost.toFixed(1)} < ${minBaseline}` });
          continue;
        }
        analyzed.push({ stmt: p.stmt, shape: p.shape, target, baseline: r.cost, callsPerDay: p.stmt.calls * perDay, plan: r.plan });
      } catch (err) {
        skipped.push({ queryid: p.stmt.queryid, query: p.stmt.query, reason: `EXPLAIN failed: ${(err as Error).message.split('\n')[0]}` });
      }
    }

    // Candidates: generated per query, pooled, each costed against every analyzed query it could serve.
    const pool = new Map<string, IndexCandidate>();
    const unverified = new Map<string, { c: IndexCandidate; queries: string[] }>();
    for (const a of analyzed) {
      for (const c of generateCandidates(a.shape, catalog, opts.candidates)) {
        const t = catalog.tables.find((x) => x.schema === c.table.schema && x.name === c.table.name);
        if (t && t.kind !== 'table' && t.kind !== 'matview') continue; // partitioned parents, foreign tables, views
        if (c.method !== 'btree') {
          const u = unverified.get(c.key) ?? { c, queries: [] };
          u.queries.push(a.stmt.query);
          unverified.set(c.key, u);
          continue;
        }
        if (!pool.has(c.key)) pool.set(c.key, c);
      }
    }
    const targets = new Map(analyzed.map((a) => [a.target.id, a.target]));
    const toCost = [...pool.values()].map((c) => ({
      key: c.key,
      shape: c as IndexShape,
      queryIds: analyzed.filter((a) => candidateMayServe(c, a.shape)).map((a) => a.target.id),
    }));
    const costed = await costCandidates(session, targets, toCost, {
      onProgress: (done, total) => progress({ phase: 'candidates', done, total }),
    });

    const workloadQueries: WorkloadQuery[] = analyzed.map((a) => ({
      id: a.target.id,
      query: a.stmt.query,
      callsPerDay: a.callsPerDay,
      meanMs: a.stmt.meanMs,
      baselineCost: a.baseline,
      equalityColumns: Object.fromEntries(a.shape.usages.map((u) => [tableKey(u.table), u.equality])),
    }));
    const inputs: CandidateInput[] = costed
      .filter((c) => !c.error)
      .map((c) => ({ ...pool.get(c.key)!, key: c.key, sizeBytes: c.sizeBytes, costs: c.costs }));
    const tables = opts.writeActivity
      ? tableWriteStats(catalog, parsed, opts.writeActivity, existing, window.seconds, opts.writeActivity.until ? Date.parse(opts.writeActivity.until) : Date.now())
      : tableWriteStats(catalog, parsed, activity, existing, window.seconds, Date.now());

    progress({ phase: 'select', done: 0, total: 1 });
    const selOpts: SelectionOptions = {
      maxIndexes: opts.budgetIndexes ?? 10,
      maxIndexesPerTable: opts.maxIndexesPerTable,
      maxTotalBytes: opts.maxTotalBytes,
      minImprovementPct: opts.minImprovementPct,
      minCostSaved: opts.minCostSaved,
      lambda: opts.lambda,
      writeCostMsPerRow: opts.writeCostMsPerRow,
      existing,
    };
    let selection = selectIndexes(workloadQueries, inputs, tables, selOpts);

    // Verification: the chosen indexes together, in one HypoPG session state. An index no plan uses once the others
    // exist is dropped and the rest re-checked.
    let chosen = selection.chosen;
    let setCost = await costIndexSet(session, analyzed.map((a) => a.target), chosen.map((c) => ({ key: c.key, shape: c.candidate })));
    for (let round = 0; round < 3; round++) {
      progress({ phase: 'verify', done: round, total: 3 });
      const used = new Set<string>();
      for (const r of setCost.perQuery.values()) r.usedKeys.forEach((k) => used.add(k));
      const unused = chosen.filter((c) => !used.has(c.key));
      if (unused.length === 0) break;
      // Re-select without the ones the planner ignores in company (their solo benefit was an illusion of additivity).
      const banned = new Set(unused.map((c) => c.key));
      selection = selectIndexes(workloadQueries, inputs.filter((c) => !banned.has(c.key!)), tables, selOpts);
      const chosenKeys = new Set(chosen.map((c) => c.key));
      chosen = selection.chosen.filter((c) => chosenKeys.has(c.key) || !banned.has(c.key));
      setCost = await costIndexSet(session, analyzed.map((a) => a.target), chosen.map((c) => ({ key: c.key, shape: c.candidate })));
    }

    const byId = new Map(analyzed.map((a) => [a.target.id, a]));
    const taken = new Set(existing.map((e) => `${e.schema}.${e.name}`));
    const recommendations: IndexRecommendation[] = [];
    for (const c of chosen) {
      const helped: HelpedQuery[] = [];
      let wBefore = 0;
      let wSaved = 0;
      let msSaved = 0;
      for (const [qid, r] of setCost.perQuery) {
        if (!r.usedKeys.includes(c.key)) continue;
        const a = byId.get(qid)!;
        const after = Number.isFinite(r.cost) ? r.cost : a.baseline;
        const frac = a.baseline > 0 ? Math.max(0, (a.baseline - after) / a.baseline) : 0;
        const msPerCall = a.stmt.meanMs ?? null;
        const w = (msPerCall ?? a.baseline * 0.01) * a.callsPerDay;
        wBefore += w;
        wSaved += w * frac;
        msSaved += (msPerCall ?? a.baseline * 0.01) * a.callsPerDay * frac;
        helped.push({
          queryid: qid,
          query: a.stmt.query,
          callsPerDay: a.callsPerDay,
          meanMs: msPerCall,
          costBefore: a.baseline,
          costAfter: after,
          reductionPct: frac * 100,
        });
      }
      if (helped.length === 0) continue;
      helped.sort((x, y) => y.callsPerDay * (y.costBefore - y.costAfter) - x.callsPerDay * (x.costBefore - x.costAfter));
      const shape = c.candidate;
      const name = uniqueName(shape, taken);
      recommendations.push({
        key: c.key,
        name,
        schema: shape.table.schema,
        table: shape.table.name,
        columns: displayColumns(shape.columns),
        keys: shape.columns,
        include: shape.include,
        where: shape.where ? renderPredicate(shape.where) : null,
        predicate: shape.where,
        method: shape.method,
        ddl: renderCreateIndex(shape, { name }),
        estimatedCostReductionPct: wBefore > 0 ? (wSaved / wBefore) * 100 : 0,
        estimatedTimeSavedMsPerDay: msSaved,
        estimatedSizeBytes: setCost.sizes.get(c.key) ?? c.candidate.sizeBytes,
        writeOverheadMsPerDay: c.writeOverheadMsPerDay,
        queries: helped,
        reasons: c.candidate.reasons ?? [],
        whyNotOthers: c.competitors,
      });
    }
    recommendations.sort((a, b) => b.estimatedTimeSavedMsPerDay - a.estimatedTimeSavedMsPerDay);

    let before = 0;
    let after = 0;
    for (const a of analyzed) {
      before += a.callsPerDay * a.baseline;
      const r = setCost.perQuery.get(a.target.id);
      after += a.callsPerDay * (r && Number.isFinite(r.cost) ? Math.min(r.cost, a.baseline) : a.baseline);
    }

    // GIN trigram and other methods HypoPG cannot simulate: listed for a person to judge, only for big tables.
    const unverifiedOut: UnverifiedSuggestion[] = [];
    for (const { c, queries } of unverified.values()) {
      const t = catalog.tables.find((x) => x.schema === c.table.schema && x.name === c.table.name);
      if (!t || t.rows < 10_000) continue;
      const name = uniqueName(c, taken);
      unverifiedOut.push({
        schema: c.table.schema,
        table: c.table.name,
        columns: displayColumns(c.columns),
        method: c.method,
        ddl: renderCreateIndex(c, { name }),
        reason: `${c.reasons.join('; ')} — HypoPG cannot simulate ${c.method} indexes: create it on a staging copy and compare EXPLAIN`,
        queries: [...new Set(queries)],
      });
    }

    progress({ phase: 'hygiene', done: 0, total: 1 });
    let drops: DropRecommendation[] = [];
    if (opts.hygiene !== false) {
      const statsAge = activity.since ? (Date.now() - Date.parse(activity.since)) / 1000 : 0;
      drops = findIndexHygiene(existing, {
        statsSince: activity.since,
        includeUnused: statsAge >= (opts.minUnusedWindowSeconds ?? 7 * DAY),
      });
    }

    const findings = analyzed
      .map((a) => ({
        queryid: a.target.id,
        query: a.stmt.query,
        findings: analyzePlan(a.plan, { tableRows: Object.fromEntries(catalog.tables.map((t) => [`${t.schema}.${t.name}`, t.rows])) }),
      }))
      .filter((f) => f.findings.length > 0);

    return {
      recommendations,
      drops,
      unverified: unverifiedOut,
      analyzedQueries: analyzed.length,
      skipped,
      workloadCost: { before, after },
      window,
      findings,
      inspection: {
        serverVersion: inspection.serverVersion,
        database: inspection.database,
        role: inspection.role,
        readAllStats: inspection.readAllStats,
        warnings,
      },
      candidatesEvaluated: costed.length,
      parameterValues: {
        observed: analyzed.filter((a) => a.target.scenarios?.[0]?.source === 'observed').length,
        statistics: analyzed.filter((a) => a.target.scenarios?.[0]?.source === 'statistics').length,
        generic: analyzed.filter((a) => !a.target.scenarios?.length).length,
      },
    };
  } finally {
    await closeHypoSession(session);
  }
}

/** Runs the advisor against a target (DSN or the caller's pg.Client). Read-only. */
export async function adviseDatabase(target: Target, opts: AdviseOptions = {}): Promise<AdviseResult> {
  return withTarget(target, { statementTimeoutMs: opts.statementTimeoutMs ?? 10_000, readOnly: true }, (client) => adviseClient(client, opts), {
    applicationName: 'perfdeck-advisor',
  });
}

/** A one-line summary of a recommendation for logs and the CLI. */
export function summarizeRecommendation(r: IndexRecommendation): string {
  const shape = { method: r.method, columns: r.keys, include: r.include, where: null } as const;
  return `${r.schema}.${r.table} ${describeIndex(shape)}${r.where ? ` WHERE ${r.where}` : ''}: −${r.estimatedCostReductionPct.toFixed(1)}% cost on ${r.queries.length} quer${r.queries.length === 1 ? 'y' : 'ies'} (${describeColumns(r.keys)})`;
}
