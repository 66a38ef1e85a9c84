// Applying an approved recommendation: CREATE INDEX CONCURRENTLY with lock_timeout / statement_timeout on one
// connection while a second one follows pg_stat_progress_create_index; on failure the INVALID index it leaves behind is
// dropped; on success the helped queries are EXPLAINed again and the index is dropped again when the planner does not
// use it or the cost did not drop. Also: dropIndex (hygiene) and renderMigration (SQL + Prisma migration folder).
import type pg from 'pg';
import { analyzeQuery, highestParam, relationNames } from './candidates';
import { openClient } from './connection';
import { applyDdl, progressFraction, type ApplyRecommendation } from './apply-render';
import { renderDropIndex } from './ddl';
import { explainRobust, openPlanSession, type ExplainTarget } from './hypo';
import { readCatalog } from './metadata';
import { paramScenarios } from './param-values';
import { parseSql } from './parse-sql';

export { applyDdl, progressFraction, renderMigration, type ApplyRecommendation } from './apply-render';

export interface ApplyProgress {
  phase: string;
  /** 0–1, monotonic. */
  fraction: number;
  blocksDone?: number;
  blocksTotal?: number;
  tuplesDone?: number;
  tuplesTotal?: number;
}

export interface ApplyOptions {
  onProgress?: (p: ApplyProgress) => void;
  /** How long CREATE INDEX may wait for a lock before giving up (default 5 s). */
  lockTimeoutMs?: number;
  /** Upper bound for the whole build (default 1 h). */
  statementTimeoutMs?: number;
  /** Lock wait allowed for dropping a failed build's INVALID index (default 60 s; it waits for open transactions). */
  cleanupLockTimeoutMs?: number;
  pollMs?: number;
  /** EXPLAIN the queries afterwards and roll back when it did not help (default true). */
  verify?: boolean;
}

export interface PlanCheck {
  queryid: string;
  cost: number;
  usesIndex: boolean;
  error?: string;
}

export interface ApplyResult {
  outcome: 'applied' | 'failed' | 'did_not_help';
  error?: string;
  index: string;
  ddl: string;
  before: PlanCheck[];
  after: PlanCheck[] | null;
  durationMs: number;
  /** An INVALID index that could not be removed (needs DROP INDEX CONCURRENTLY by hand). */
  leftoverInvalidIndex?: string;
}

async function indexState(client: pg.Client, schema: string, name: string): Promise<{ valid: boolean; constraint: boolean } | null> {
  const { rows } = await client.query(
    `SELECT x.indisvalid AS valid, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) AS constraint
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE n.nspname = $1 AND i.relname = $2`,
    [schema, name],
  );
  return rows[0] ? { valid: !!rows[0].valid, constraint: !!rows[0].constraint } : null;
}

async function setTimeouts(client: pg.Client, lockMs: number, statementMs: number) {
  await client.query(`SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)`, [
    `${Math.max(0, Math.round(lockMs))}ms`,
    `${Math.max(0, Math.round(statementMs))}ms`,
  ]);
}

async function planChecks(client: pg.Client, rec: ApplyRecommendation): Promise<PlanCheck[]> {
  const s = await openPlanSession(client);
  const trees = await Promise.all(rec.queries.map((q) => parseSql(q.query).catch(() => null)));
  const names = new Set([rec.table, ...trees.flatMap((t) => (t ? relationNames(t.stmts) : []))]);
  const catalog = await readCatalog(client, { relationNames: [...names] });
  const out: PlanCheck[] = [];
  for (const [i, q] of rec.queries.entries()) {
    try {
      const tree = trees[i] ?? (await parseSql(q.query));
      const target: ExplainTarget = {
        id: q.queryid,
        sql: q.query,
        paramCount: highestParam(tree.stmts),
        scenarios: paramScenarios(analyzeQuery(tree, catalog), catalog),
      };
      const r = await explainRobust(s, target);
      out.push({ queryid: q.queryid, cost: r.cost, usesIndex: r.indexes.includes(rec.name) });
    } catch (err) {
      out.push({ queryid: q.queryid, cost: Number.NaN, usesIndex: false, error: (err as Error).message.split('\n')[0] });
    }
  }
  return out;
}

async function dropWithRetry(client: pg.Client, schema: string, name: string, lockMs: number): Promise<string | null> {
  await setTimeouts(client, lockMs, Math.max(lockMs * 2, 60_000));
  try {
    await client.query(renderDropIndex(schema, name));
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/**
 * Creates the recommended index concurrently, reporting progress, and verifies it. Never leaves an INVALID index
 * behind when it can help it: a failed build is cleaned up with DROP INDEX CONCURRENTLY (which itself waits for the
 * transactions that blocked the build, up to cleanupLockTimeoutMs).
 */
export async function applyIndex(dsn: string, rec: ApplyRecommendation, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const started = performance.now();
  const ddl = applyDdl(rec);
  const onProgress = opts.onProgress ?? (() => {});
  let last = 0;
  const report = (p: ApplyProgress) => {
    last = Math.max(last, p.fraction);
    onProgress({ ...p, fraction: last });
  };
  const build = await openClient(dsn, { applicationName: 'perfdeck-apply-index' });
  const monitor = await openClient(dsn, { applicationName: 'perfdeck-apply-monitor' });
  const result = (outcome: ApplyResult['outcome'], extra: Partial<ApplyResult>): ApplyResult => ({
    outcome,
    index: rec.name,
    ddl,
    before: [],
    after: null,
    durationMs: performance.now() - started,
    ...extra,
  });
  try {
    const existing = await indexState(monitor, rec.schema, rec.name);
    if (existing?.valid) return result('failed', { error: `an index named "${rec.name}" already exists in schema "${rec.schema}"` });
    if (existing && !existing.valid) {
      // A leftover of an earlier interrupted build under the same name: it has to go before CREATE can reuse it.
      const err = await dropWithRetry(monitor, rec.schema, rec.name, opts.cleanupLockTimeoutMs ?? 60_000);
      if (err) return result('failed', { error: `could not drop the earlier INVALID "${rec.name}": ${err}`, leftoverInvalidIndex: rec.name });
    }
    const before = opts.verify === false ? [] : await planChecks(monitor, rec);
    report({ phase: 'starting', fraction: 0 });

    const { rows: pidRows } = await build.query('SELECT pg_backend_pid() AS pid');
    const pid = Number(pidRows[0].pid);
    await setTimeouts(build, opts.lockTimeoutMs ?? 5_000, opts.statementTimeoutMs ?? 3_600_000);

    let done = false;
    const poll = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
        if (done) break;
        try {
          const { rows } = await monitor.query(
            `SELECT phase, blocks_done::float8 AS blocks_done, blocks_total::float8 AS blocks_total,
                    tuples_done::float8 AS tuples_done, tuples_total::float8 AS tuples_total
               FROM pg_stat_progress_create_index WHERE pid = $1`,
            [pid],
          );
          const r = rows[0];
          if (r) {
            report({
              phase: r.phase,
              fraction: progressFraction(r),
              blocksDone: r.blocks_done,
              blocksTotal: r.blocks_total,
              tuplesDone: r.tuples_done,
              tuplesTotal: r.tuples_total,
            });
          }
        } catch {
          // Progress is best effort; the build's own outcome decides.
        }
      }
    })();

    let buildError: string | null = null;
    try {
      await build.query(ddl);
    } catch (err) {
      buildError = (err as Error).message.split('\n')[0];
    } finally {
      done = true;
      await poll;
    }

    if (buildError) {
      report({ phase: 'cleanup', fraction: last });
      const state = await indexState(monitor, rec.schema, rec.name);
      if (state && !state.valid) {
        const err = await dropWithRetry(monitor, rec.schema, rec.name, opts.cleanupLockTimeoutMs ?? 60_000);
        if (err) return result('failed', { error: buildError, before, leftoverInvalidIndex: rec.name });
      }
      return result('failed', { error: buildError, before });
    }

    if (opts.verify === false) {
      report({ phase: 'done', fraction: 1 });
      return result('applied', { before });
    }
    report({ phase: 'verifying', fraction: 0.97 });
    const after = await planChecks(monitor, rec);
    const ok = (xs: PlanCheck[]) => xs.filter((x) => Number.isFinite(x.cost));
    const sum = (xs: PlanCheck[]) => ok(xs).reduce((s, x) => s + x.cost, 0);
    const used = after.some((x) => x.usesIndex);
    const cheaper = ok(after).length > 0 && sum(after) < sum(before) - 1e-9;
    if (!used || !cheaper) {
      report({ phase: 'rolling back', fraction: 0.98 });
      const err = await dropWithRetry(monitor, rec.schema, rec.name, opts.cleanupLockTimeoutMs ?? 60_000);
      return result('did_not_help', {
        error: `${!used ? 'the planner does not use the index' : 'the plans did not get cheaper'}${err ? `; dropping it failed: ${err}` : ''}`,
        before,
        after,
      });
    }
    report({ phase: 'done', fraction: 1 });
    return result('applied', { before, after });
  } catch (err) {
    return result('failed', { error: (err as Error).message.split('\n')[0] });
  } finally {
    await build.end().catch(() => {});
    await monitor.end().catch(() => {});
  }
}

export interface DropResult {
  outcome: 'dropped' | 'failed';
  error?: string;
  ddl: string;
}

/** DROP INDEX CONCURRENTLY for a hygiene recommendation. Refuses indexes that back a constraint. */
export async function dropIndex(
  dsn: string,
  target: { schema: string; index: string },
  opts: { lockTimeoutMs?: number; statementTimeoutMs?: number } = {},
): Promise<DropResult> {
  const ddl = renderDropIndex(target.schema, target.index);
  const client = await openClient(dsn, { applicationName: 'perfdeck-drop-index' });
  try {
    const state = await indexState(client, target.schema, target.index);
    if (!state) return { outcome: 'dropped', ddl }; // already gone: the goal is reached
    if (state.constraint) return { outcome: 'failed', error: 'the index backs a constraint (primary key, unique or exclusion): drop the constraint instead', ddl };
    await setTimeouts(client, opts.lockTimeoutMs ?? 5_000, opts.statementTimeoutMs ?? 3_600_000);
    await client.query(ddl);
    return { outcome: 'dropped', ddl };
  } catch (err) {
    return { outcome: 'failed', error: (err as Error).message.split('\n')[0], ddl };
  } finally {
    await client.end().catch(() => {});
  }
}

