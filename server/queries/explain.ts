// EXPLAIN for the console: the generic plan of a normalized ($1) statement, and EXPLAIN ANALYZE with real parameter
// values inside BEGIN … ROLLBACK with a statement_timeout (whatever the statement writes is rolled back; sequence
// increments are not transactional and stay).
import { highestParam } from './candidates';
import { withTarget, type Target } from './connection';
import { closeHypoSession, explainGeneric, openPlanSession } from './hypo';
import { parseSql } from './parse-sql';
import { analyzePlan, planSummary, type PlanFinding, type PlanFindingOptions } from './plan-findings';

export interface ExplainResult {
  /** EXPLAIN (FORMAT JSON) output. */
  plan: unknown;
  totalCost: number;
  indexes: string[];
  findings: PlanFinding[];
  /** ANALYZE data present. */
  analyzed: boolean;
  executionMs: number | null;
}

async function checkedParamCount(sql: string): Promise<number> {
  const tree = await parseSql(sql);
  if ((tree.stmts ?? []).length !== 1) throw new Error('EXPLAIN takes exactly one statement');
  return highestParam(tree.stmts);
}

/** The generic plan (no parameter values needed), in a read-only session. */
export async function explainStatement(
  target: Target,
  sql: string,
  opts: { statementTimeoutMs?: number; findings?: PlanFindingOptions } = {},
): Promise<ExplainResult> {
  const paramCount = await checkedParamCount(sql);
  return withTarget(target, { statementTimeoutMs: opts.statementTimeoutMs ?? 10_000, readOnly: true }, async (client) => {
    const s = await openPlanSession(client);
    try {
      const r = await explainGeneric(s, { sql, paramCount });
      return { plan: r.plan, totalCost: r.cost, indexes: r.indexes, findings: analyzePlan(r.plan, opts.findings), analyzed: false, executionMs: null };
    } finally {
      await closeHypoSession(s, { hypopg: false });
    }
  });
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) with the given parameter values. Runs the statement for real inside a transaction that
 * is always rolled back, with statement_timeout and lock_timeout set for that transaction only.
 */
export async function explainAnalyze(
  target: Target,
  sql: string,
  params: unknown[] = [],
  opts: { statementTimeoutMs?: number; lockTimeoutMs?: number; findings?: PlanFindingOptions } = {},
): Promise<ExplainResult> {
  const paramCount = await checkedParamCount(sql);
  if (params.length !== paramCount) throw new Error(`the statement has ${paramCount} parameter(s), ${params.length} value(s) given`);
  return withTarget(target, {}, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)`, [
        `${Math.round(opts.statementTimeoutMs ?? 10_000)}ms`,
        `${Math.round(opts.lockTimeoutMs ?? 2_000)}ms`,
      ]);
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.replace(/[\s;]+$/, '')}`, params);
      const plan = rows[0]['QUERY PLAN'];
      const summary = planSummary(plan);
      const exec = Array.isArray(plan) ? plan[0]?.['Execution Time'] : null;
      return {
        plan,
        totalCost: summary.totalCost,
        indexes: summary.indexes,
        findings: analyzePlan(plan, opts.findings),
        analyzed: true,
        executionMs: typeof exec === 'number' ? exec : null,
      };
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
  });
}
