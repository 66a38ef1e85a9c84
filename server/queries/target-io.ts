// What the console reads from a target database for collection and the query pages: the snapshot, generic plans with
// findings (table sizes from the catalog), and representative parameter values for EXPLAIN ANALYZE. Read-only
// sessions with statement timeouts; used only by server/queries/service.ts.
import type pg from 'pg';
import { analyzeQuery, relationNames } from './candidates';
import { snapshotStatements, type StatementsSnapshot } from './collector';
import { withTarget } from './connection';
import { explainStatement, type ExplainResult } from './explain';
import { readCatalog } from './metadata';
import { paramScenarios } from './param-values';
import { parseSql } from './parse-sql';
import { analyzePlan, rootPlan } from './plan-findings';
import type { TableWriteCounters } from './deltas';

// The console's and the advisor's own statements on the target are not the application's workload.
export const OWN_STATEMENT = /\b(hypopg\w*|pg_stat_statements\w*|pg_qualstats\w*|pg_stat_progress_create_index)\b|\bperfdeck_hypo_\d+|\bpg_advisory_xact_lock\(hashtext\('perfdeck/i;

export type CollectedSnapshot = StatementsSnapshot & { tables: TableWriteCounters[] };

/** pg_stat_statements (this database, the console's own statements left out) and the tables' write counters. */
export async function readSnapshot(dsn: string): Promise<CollectedSnapshot> {
  return withTarget(
    dsn,
    { statementTimeoutMs: 15_000, readOnly: true },
    async (c) => {
      const snap = await snapshotStatements(c);
      const { rows } = await c.query(
        `SELECT schemaname AS schema, relname AS name, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd,
                n_tup_hot_upd::float8 AS hot, n_tup_del::float8 AS del
           FROM pg_stat_user_tables`,
      );
      return {
        ...snap,
        rows: snap.rows.filter((r) => !OWN_STATEMENT.test(r.query)),
        tables: rows.map((r) => ({ schema: r.schema, name: r.name, inserts: Number(r.ins), updates: Number(r.upd), hotUpdates: Number(r.hot), deletes: Number(r.del) })),
      };
    },
    { applicationName: 'perfdeck-collector' },
  );
}

/** SELECT / INSERT / UPDATE / DELETE (what EXPLAIN can plan without running anything else). */
export async function explainableKind(sql: string): Promise<boolean> {
  try {
    const tree = await parseSql(sql);
    const stmts = tree.stmts ?? [];
    if (stmts.length !== 1) return false;
    const stmt = (stmts[0] as { stmt?: Record<string, unknown> }).stmt ?? {};
    return ['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt'].some((k) => k in stmt);
  } catch {
    return false;
  }
}

function planRelations(explain: unknown): string[] {
  const out = new Set<string>();
  const walk = (n: Record<string, any> | null) => {
    if (!n) return;
    if (n['Relation Name']) out.add(String(n['Relation Name']));
    (n.Plans ?? []).forEach(walk);
  };
  walk(rootPlan(explain) as Record<string, any> | null);
  return [...out];
}

async function tableRowsFor(client: pg.Client, names: string[]): Promise<Record<string, number>> {
  if (!names.length) return {};
  const { rows } = await client.query(
    `SELECT n.nspname AS schema, c.relname AS name, greatest(c.reltuples, 0)::float8 AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = ANY($1) AND c.relkind IN ('r', 'p', 'm')`,
    [names],
  );
  const out: Record<string, number> = {};
  for (const r of rows) {
    out[`${r.schema}.${r.name}`] = Number(r.rows);
    out[r.name] ??= Number(r.rows);
  }
  return out;
}

export interface PlannedStatement {
  result: ExplainResult | null;
  error: string | null;
  suggestedParams: string[];
  paramCount: number;
}

/** Generic plan + findings (with real table sizes) for one statement on an open client. */
async function planOne(client: pg.Client, sql: string, opts: { suggestParams?: boolean }): Promise<PlannedStatement> {
  let paramCount = 0;
  let suggestedParams: string[] = [];
  try {
    const tree = await parseSql(sql);
    const names = relationNames(tree.stmts);
    if (opts.suggestParams) {
      const catalog = await readCatalog(client, { relationNames: names });
      const shape = analyzeQuery(tree, catalog);
      paramCount = shape.paramCount;
      const frequent = paramScenarios(shape, catalog).find((s) => s.name === 'frequent');
      suggestedParams = Array.from({ length: paramCount }, (_, i) => frequent?.values[i] ?? '');
    }
    const result = await explainStatement(client, sql, { statementTimeoutMs: 5_000 });
    const tableRows = await tableRowsFor(client, planRelations(result.plan));
    return { result: { ...result, findings: analyzePlan(result.plan, { tableRows }) }, error: null, suggestedParams, paramCount };
  } catch (err) {
    return { result: null, error: (err as Error).message.split('\n')[0], suggestedParams, paramCount };
  }
}

/** Plans several statements over one read-only connection (the collector's "plan the slowest" step). */
export async function planStatements(dsn: string, statements: { queryid: string; query: string }[]): Promise<Map<string, PlannedStatement>> {
  const out = new Map<string, PlannedStatement>();
  if (!statements.length) return out;
  await withTarget(
    dsn,
    { statementTimeoutMs: 5_000, readOnly: true },
    async (client) => {
      for (const s of statements) out.set(s.queryid, await planOne(client, s.query, {}));
    },
    { applicationName: 'perfdeck-collector' },
  );
  return out;
}

/** One statement's generic plan for the detail page, with parameter values to offer for EXPLAIN ANALYZE. */
export async function planForPage(dsn: string, sql: string): Promise<PlannedStatement> {
  return withTarget(dsn, { statementTimeoutMs: 5_000, readOnly: true }, (client) => planOne(client, sql, { suggestParams: true }), {
    applicationName: 'perfdeck-console',
  });
}
