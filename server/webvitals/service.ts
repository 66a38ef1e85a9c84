// The one way into web budgets for pages, actions, route handlers, workers and the CI gate (scripts/perf-budgets.ts).
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { recordAudit } from '../audit/service';
import { authorize } from '../auth/authorize';
import type { Actor, Role } from '../auth/roles';
import { db } from '../db';
import { env } from '../env';
import { ConflictError, NotFoundError, parseInput } from '../errors';
import { enqueue } from '../jobs/enqueue';
import { buildBoard, type BoardRow } from './board';
import { evaluatePageResult, type PageBudgetEvaluation } from './budgets-to-assertions';
import { compareRunResults, type RunComparison } from './compare';
import { gateRole, prepareGateCredentials, signIn } from './gate-user';
import { auditPages, findExistingPages, type PageAudit } from './lighthouse-runner';
import { AUDITED_PAGES, pagesForRole, selectAuditedPages } from './pages';
import * as repo from './repo';
import { describeRunProgress, type RunProgress } from './run-progress';
import {
  budgetSchema,
  createRunInputSchema,
  defaultBudgets,
  formFactorSchema,
  type Budget,
  type BudgetDto,
  type FormFactor,
  type LighthouseResultDto,
  type LighthouseRunDetailDto,
  type LighthouseRunDto,
  type PageResult,
} from './schema';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);


// ─── budgets ───

export async function listBudgets(actor: Actor, formFactor?: FormFactor): Promise<BudgetDto[]> {
  authorize(actor, 'viewer');
  return repo.findBudgets(formFactor);
}

/**
 * Budgets that judge a run. With no rows for that form factor the documented defaults apply, so a fresh install
 * (or a database that was never seeded) still has a gate.
 */
export async function loadEffectiveBudgets(formFactor: FormFactor): Promise<Budget[]> {
  const rows = await repo.findBudgets(formFactor);
  return rows.length ? rows : defaultBudgets().filter((b) => b.formFactor === formFactor);
}

/** Creates a budget, or updates it when `id` is given. Budgets decide whether CI passes, so only admins change them. */
export async function saveBudget(actor: Actor, input: unknown): Promise<BudgetDto> {
  authorize(actor, 'admin');
  const data = parseInput(budgetSchema, input);
  const clash = await repo.findBudgetByPattern(data.pagePattern, data.formFactor);
  if (clash && clash.id !== data.id) {
    throw new ConflictError(`A ${data.formFactor} budget for ${data.pagePattern} exists.`, {
      pagePattern: 'A budget for this pattern and form factor exists',
    });
  }
  return db().$transaction(async (tx) => {
    if (data.id) {
      const before = await repo.findBudget(data.id, tx);
      if (!before) throw new NotFoundError('Budget');
      const after = await repo.updateBudget(data.id, data, tx);
      await recordAudit(tx, actor, { action: 'webbudget.update', entityType: 'web_budget', entityId: data.id, before, after });
      return after;
    }
    const created = await repo.insertBudget(randomUUID(), data, tx);
    await recordAudit(tx, actor, { action: 'webbudget.create', entityType: 'web_budget', entityId: created.id, after: created });
    return created;
  });
}

export async function removeBudget(actor: Actor, id: string): Promise<void> {
  authorize(actor, 'admin');
  await db().$transaction(async (tx) => {
    const before = await repo.findBudget(id, tx);
    if (!before) throw new NotFoundError('Budget');
    await repo.deleteBudget(id, tx);
    await recordAudit(tx, actor, { action: 'webbudget.delete', entityType: 'web_budget', entityId: id, before });
  });
}

/** Seed helper: inserts the default budgets (`/*`, mobile and desktop) where missing. Idempotent. */
export async function ensureDefaultBudgets(): Promise<number> {
  return repo.insertMissingBudgets(defaultBudgets().map((budget) => ({ id: randomUUID(), budget })));
}

// ─── runs and results (reads) ───

export async function listRuns(actor: Actor, opts: { limit?: number; formFactor?: FormFactor; before?: string } = {}): Promise<LighthouseRunDto[]> {
  authorize(actor, 'viewer');
  const before = opts.before ? new Date(opts.before) : undefined;
  return repo.findRuns({
    limit: Math.min(Math.max(opts.limit ?? 20, 1), 100),
    formFactor: opts.formFactor ? parseInput(formFactorSchema, opts.formFactor) : undefined,
    before: before && !Number.isNaN(before.getTime()) ? before : undefined,
  });
}

export async function getRun(actor: Actor, runId: string): Promise<LighthouseRunDetailDto> {
  authorize(actor, 'viewer');
  const run = await repo.findRun(runId);
  if (!run) throw new NotFoundError('Lighthouse run');
  return run;
}

/** The median run's full Lighthouse report (LHR JSON), decompressed. */
export async function getResultReport(actor: Actor, resultId: string): Promise<{ page: string; lhrJson: string }> {
  authorize(actor, 'viewer');
  const row = await repo.findResultReportGz(resultId);
  if (!row) throw new NotFoundError('Lighthouse report');
  return { page: row.page, lhrJson: (await gunzipAsync(row.reportGz)).toString('utf8') };
}

export async function getPageTrend(actor: Actor, page: string, formFactor: FormFactor, limit = 30): Promise<LighthouseResultDto[]> {
  authorize(actor, 'viewer');
  return repo.findPageResults(page, parseInput(formFactorSchema, formFactor), Math.min(Math.max(limit, 1), 200));
}

export async function listLatestResults(actor: Actor, formFactor: FormFactor): Promise<LighthouseResultDto[]> {
  authorize(actor, 'viewer');
  return repo.findLatestResults(parseInput(formFactorSchema, formFactor));
}

// ─── runs (writes) ───

/** Records a queued run. Launching audits is an operator's action, like launching a load test. */
export async function createRun(actor: Actor, input: unknown, opts: { jobId?: string } = {}): Promise<LighthouseRunDto> {
  authorize(actor, 'operator');
  const data = parseInput(createRunInputSchema, input);
  const pages = [...new Set(data.pages ?? AUDITED_PAGES.map((p) => p.path))];
  return db().$transaction(async (tx) => {
    const run = await repo.insertRun(
      {
        id: randomUUID(),
        formFactor: data.formFactor,
        pages,
        commitSha: data.commitSha ?? null,
        createdById: actor.via === 'system' ? null : actor.id,
        jobId: opts.jobId ?? null,
      },
      tx,
    );
    await recordAudit(tx, actor, {
      action: 'webvitals.run.create',
      entityType: 'lighthouse_run',
      entityId: run.id,
      after: { formFactor: run.formFactor, pages: run.pages, commitSha: run.commitSha },
    });
    return run;
  });
}

export interface ExecuteRunOptions {
  /** Where the console is served, e.g. http://127.0.0.1:3210 */
  baseUrl: string;
  /** Cookie header of a signed-in (viewer) session, for every page except sign-in. */
  cookie?: string | null;
  runs?: number;
  chromePath?: string;
  signal?: AbortSignal;
  /** fraction in [0,1] and a message; matches JobContext.progress so a worker can pass ctx.progress. */
  progress?: (fraction: number, message?: string) => Promise<void> | void;
  /** Called as each page finishes (stored or not), e.g. for the gate's per-page output line. */
  onPage?: (outcome: PageOutcome) => void;
  /**
   * Drop pages that do not answer 200 (not built yet, or not allowed for this user) instead of failing on them;
   * the run's `pages` is narrowed to what was audited. The gate discovers pages itself and leaves this off.
   */
  skipMissingPages?: boolean;
  /** Role of the session in `cookie`: pages that need a higher role are dropped like missing pages (they would only
   * show a "needs the admin role" notice). */
  role?: Role;
}

export type PageOutcome =
  | { ok: true; page: string; result: PageResult; evaluation: PageBudgetEvaluation; resultId: string }
  | { ok: false; page: string; error: string };

export interface ExecuteRunSummary {
  runId: string;
  status: 'succeeded' | 'failed';
  outcomes: PageOutcome[];
  /** Every page was audited and met its budget. */
  pass: boolean;
}

/**
 * Audits the run's pages, judges each against the budgets and stores one result per page (the median run, its report
 * gzip-compressed). The run ends `succeeded` when every page was audited, whatever the budgets said (breaches are
 * per result, `pass`); `failed` when a page could not be audited or the audit itself broke.
 */
export async function executeRun(runId: string, opts: ExecuteRunOptions): Promise<ExecuteRunSummary> {
  const run = await repo.findRunRow(runId);
  if (!run) throw new NotFoundError('Lighthouse run');
  const started = await repo.transitionRun(runId, ['queued'], { status: 'running', startedAt: new Date(), progress: 0, error: null });
  if (!started) throw new ConflictError(`Lighthouse run ${runId} is ${run.status}, not queued.`);

  const formFactor = parseInput(formFactorSchema, run.formFactor);
  const outcomes: PageOutcome[] = [];
  try {
    const budgets = await loadEffectiveBudgets(formFactor);
    let pages = selectAuditedPages(run.pages.join(','));
    const requested = pages.length;
    if (opts.role) {
      const { allowed, skipped } = pagesForRole(pages, opts.role);
      if (!allowed.length) throw new Error(`${skipped.map((p) => p.path).join(', ')} need${skipped.length === 1 ? 's' : ''} a role the audit does not sign in with (${opts.role})`);
      pages = allowed;
    }
    if (opts.skipMissingPages) {
      const { found } = await findExistingPages(opts.baseUrl, pages, opts.cookie);
      if (!found.length) throw new Error(`None of ${pages.map((p) => p.path).join(', ')} answered 200 at ${opts.baseUrl}`);
      pages = pages.filter((p) => found.some((f) => f.path === p.path));
    }
    if (pages.length !== requested) await repo.updateRun(runId, { pages: pages.map((p) => p.path) });
    let lastProgressWrite = 0;
    const audits: PageAudit[] = await auditPages({
      baseUrl: opts.baseUrl,
      pages,
      formFactor,
      runs: opts.runs,
      cookie: opts.cookie,
      chromePath: opts.chromePath,
      signal: opts.signal,
      onProgress: (done, total, page) => {
        const fraction = total ? done / total : 1;
        // Each run takes seconds, so a write per run is cheap; the throttle only guards against bursts.
        if (Date.now() - lastProgressWrite > 250 || done === total) {
          lastProgressWrite = Date.now();
          void repo.updateRun(runId, { progress: fraction }).catch(() => {});
        }
        void opts.progress?.(fraction, `Lighthouse ${done}/${total}: ${page}`);
      },
    });

    for (const audit of audits) {
      let outcome: PageOutcome;
      if (!audit.ok) {
        outcome = { ok: false, page: audit.page, error: audit.error };
      } else {
        const evaluation = evaluatePageResult(budgets, audit.result);
        const stored = await repo.insertResult({
          id: randomUUID(),
          runId,
          result: audit.result,
          failures: evaluation.failures,
          pass: evaluation.pass,
          reportGz: await gzipAsync(Buffer.from(audit.lhrJson, 'utf8')),
        });
        outcome = { ok: true, page: audit.page, result: audit.result, evaluation, resultId: stored.id };
      }
      outcomes.push(outcome);
      opts.onPage?.(outcome);
    }

    const broken = outcomes.filter((o): o is Extract<PageOutcome, { ok: false }> => !o.ok);
    const status = broken.length ? 'failed' : 'succeeded';
    const error = broken.length ? broken.map((o) => `${o.page}: ${o.error}`).join('\n').slice(0, 4000) : null;
    await repo.updateRun(runId, { status, progress: 1, finishedAt: new Date(), error });
    return { runId, status, outcomes, pass: !broken.length && outcomes.every((o) => o.ok && o.evaluation.pass) };
  } catch (err) {
    await repo
      .updateRun(runId, { status: 'failed', finishedAt: new Date(), error: (err as Error).message.slice(0, 4000) })
      .catch(() => {});
    throw err;
  }
}

/**
 * Records a run and queues it for the workers (`webvitals.audit`, queue concurrency 1). Returns at once; the run's
 * status and progress follow in Postgres.
 */
export async function launchRun(actor: Actor, input: unknown): Promise<LighthouseRunDto> {
  const jobId = randomUUID();
  const run = await createRun(actor, input, { jobId });
  try {
    await enqueue('webvitals.audit', { runId: run.id }, { actor, jobId });
  } catch (err) {
    await repo.transitionRun(run.id, ['queued'], { status: 'failed', finishedAt: new Date(), error: (err as Error).message });
    throw err;
  }
  return run;
}

/**
 * The `webvitals.audit` job: signs in to this console (PERFDECK_URL) as the gate's viewer and executes the run,
 * skipping pages that do not exist yet. A failure before the audit starts still ends the run as `failed`.
 */
export async function runAuditJob(
  runId: string,
  ctx: { progress: (fraction: number, message?: string) => Promise<void>; signal?: AbortSignal },
): Promise<{ status: string; pass: boolean; pages: number; failed: number }> {
  const baseUrl = env().PERFDECK_URL;
  let cookie: string;
  let role: Role;
  try {
    const creds = await prepareGateCredentials();
    cookie = await signIn(baseUrl, creds);
    role = await gateRole(creds);
  } catch (err) {
    await repo.transitionRun(runId, ['queued'], { status: 'failed', finishedAt: new Date(), error: (err as Error).message.slice(0, 4000) });
    throw err;
  }
  const s = await executeRun(runId, { baseUrl, cookie, role, progress: ctx.progress, signal: ctx.signal, skipMissingPages: true });
  return { status: s.status, pass: s.pass, pages: s.outcomes.length, failed: s.outcomes.filter((o) => !o.ok || !o.evaluation.pass).length };
}

/** For the job sweeper: a run whose worker died must not stay `running` forever. */
export async function abandonRun(runId: string): Promise<void> {
  await repo.transitionRun(runId, ['queued', 'running'], {
    status: 'failed',
    finishedAt: new Date(),
    error: 'The audit stopped before it finished (worker or gate process exited)',
  });
}

// ─── the console page (reads composed for /web-budgets) ───

export interface BudgetBoard {
  formFactor: FormFactor;
  rows: BoardRow[];
  /** No budget rows exist for this form factor, so the documented defaults judge it. */
  budgetsAreDefaults: boolean;
}

/** Each page's latest result for a form factor, judged against the budget that governs it now. */
export async function getBudgetBoard(actor: Actor, formFactor: FormFactor): Promise<BudgetBoard> {
  authorize(actor, 'viewer');
  const ff = parseInput(formFactorSchema, formFactor);
  const [results, rows] = await Promise.all([repo.findLatestResults(ff), repo.findBudgets(ff)]);
  const budgets = rows.length ? rows : defaultBudgets().filter((b) => b.formFactor === ff);
  const commits = await repo.findRunCommits(results.map((r) => r.runId));
  return { formFactor: ff, rows: buildBoard(results, budgets, commits, ff), budgetsAreDefaults: rows.length === 0 };
}

export type TrendPoint = repo.TrendPointRow;

/** Per page, its last `limit` results (oldest first, ready to chart) for the pages that have any. */
export async function getPageTrends(actor: Actor, formFactor: FormFactor, pages: readonly string[], limit = 20): Promise<Record<string, TrendPoint[]>> {
  authorize(actor, 'viewer');
  const ff = parseInput(formFactorSchema, formFactor);
  const n = Math.min(Math.max(limit, 2), 100);
  const entries = await Promise.all(pages.map(async (p) => [p, (await repo.findPageTrendPoints(p, ff, n)).reverse()] as const));
  return Object.fromEntries(entries.filter(([, points]) => points.length > 0));
}

export type LighthouseRunProgressDto = LighthouseRunDto & { detail: RunProgress };

/** A run as the progress bar needs it: pages done of total and the page being audited. */
export async function getRunProgress(actor: Actor, runId: string): Promise<LighthouseRunProgressDto> {
  const run = await getRun(actor, runId);
  const { results: _results, ...dto } = run;
  return { ...dto, detail: describeRunProgress(run) };
}

export async function compareRuns(actor: Actor, aId: string, bId: string): Promise<RunComparison> {
  const [a, b] = await Promise.all([getRun(actor, aId), getRun(actor, bId)]);
  return compareRunResults(a, b);
}
