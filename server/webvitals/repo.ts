// Prisma access for web budgets and Lighthouse runs; returns DTOs. Only server/webvitals/service.ts calls this.
import type { LighthouseResult, LighthouseRun, Prisma, WebBudget } from '@/prisma/generated/client';
import { db } from '../db';
import type {
  Budget,
  BudgetDto,
  BudgetFailureDto,
  FormFactor,
  LighthouseResultDto,
  LighthouseRunDetailDto,
  LighthouseRunDto,
  LighthouseRunStatus,
  Opportunity,
  PageResult,
} from './schema';

type Client = Prisma.TransactionClient | ReturnType<typeof db>;

// ─── budgets ───

export function toBudgetDto(b: WebBudget): BudgetDto {
  return {
    id: b.id,
    pagePattern: b.pagePattern,
    formFactor: b.formFactor as FormFactor,
    minPerformanceScore: b.minPerformanceScore,
    maxLcpMs: b.maxLcpMs,
    maxCls: b.maxCls,
    maxTbtMs: b.maxTbtMs,
    maxScriptBytes: b.maxScriptBytes,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export async function findBudgets(formFactor?: FormFactor): Promise<BudgetDto[]> {
  const rows = await db().webBudget.findMany({
    where: formFactor ? { formFactor } : {},
    orderBy: [{ formFactor: 'asc' }, { pagePattern: 'asc' }],
  });
  return rows.map(toBudgetDto);
}

export async function findBudget(id: string, client: Client = db()): Promise<BudgetDto | null> {
  const row = await client.webBudget.findUnique({ where: { id } });
  return row ? toBudgetDto(row) : null;
}

export async function findBudgetByPattern(pagePattern: string, formFactor: FormFactor, client: Client = db()): Promise<BudgetDto | null> {
  const row = await client.webBudget.findUnique({ where: { pagePattern_formFactor: { pagePattern, formFactor } } });
  return row ? toBudgetDto(row) : null;
}

const budgetData = (b: Budget) => ({
  pagePattern: b.pagePattern,
  formFactor: b.formFactor,
  minPerformanceScore: b.minPerformanceScore,
  maxLcpMs: b.maxLcpMs,
  maxCls: b.maxCls,
  maxTbtMs: b.maxTbtMs,
  maxScriptBytes: b.maxScriptBytes,
});

export async function insertBudget(id: string, b: Budget, client: Client = db()): Promise<BudgetDto> {
  return toBudgetDto(await client.webBudget.create({ data: { id, ...budgetData(b) } }));
}

export async function updateBudget(id: string, b: Budget, client: Client = db()): Promise<BudgetDto> {
  return toBudgetDto(await client.webBudget.update({ where: { id }, data: budgetData(b) }));
}

export async function deleteBudget(id: string, client: Client = db()): Promise<void> {
  await client.webBudget.delete({ where: { id } });
}

/** Inserts the given budgets where no budget exists for that pattern and form factor; returns how many it added. */
export async function insertMissingBudgets(rows: { id: string; budget: Budget }[], client: Client = db()): Promise<number> {
  const r = await client.webBudget.createMany({
    data: rows.map(({ id, budget }) => ({ id, ...budgetData(budget) })),
    skipDuplicates: true,
  });
  return r.count;
}

// ─── runs ───

type RunWithCounts = LighthouseRun & { results?: Pick<LighthouseResult, 'pass'>[] };

export function toRunDto(r: RunWithCounts): LighthouseRunDto {
  const results = r.results ?? [];
  return {
    id: r.id,
    status: r.status as LighthouseRunStatus,
    progress: r.progress,
    commitSha: r.commitSha,
    formFactor: r.formFactor as FormFactor,
    pages: r.pages,
    jobId: r.jobId,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    error: r.error,
    createdById: r.createdById,
    createdAt: r.createdAt.toISOString(),
    resultCount: results.length,
    failedCount: results.filter((x) => !x.pass).length,
  };
}

// Every read of results leaves out reportGz: it is tens of KB per row and only the report viewer needs it.
const resultColumns = {
  id: true,
  runId: true,
  page: true,
  formFactor: true,
  score: true,
  lcpMs: true,
  cls: true,
  tbtMs: true,
  fcpMs: true,
  siMs: true,
  scriptBytes: true,
  totalBytes: true,
  opportunities: true,
  failures: true,
  runs: true,
  medianRunIndex: true,
  pass: true,
  createdAt: true,
} as const satisfies Prisma.LighthouseResultSelect;

type ResultRow = Prisma.LighthouseResultGetPayload<{ select: typeof resultColumns }>;

export function toResultDto(r: ResultRow): LighthouseResultDto {
  return {
    id: r.id,
    runId: r.runId,
    page: r.page,
    formFactor: r.formFactor as FormFactor,
    score: r.score,
    lcpMs: r.lcpMs,
    cls: r.cls,
    tbtMs: r.tbtMs,
    fcpMs: r.fcpMs,
    siMs: r.siMs,
    scriptBytes: r.scriptBytes,
    totalBytes: r.totalBytes,
    opportunities: (r.opportunities as unknown as Opportunity[]) ?? [],
    failures: (r.failures as unknown as BudgetFailureDto[]) ?? [],
    runs: r.runs,
    medianRunIndex: r.medianRunIndex,
    pass: r.pass,
    createdAt: r.createdAt.toISOString(),
  };
}

export interface NewRun {
  id: string;
  formFactor: FormFactor;
  pages: string[];
  commitSha?: string | null;
  createdById?: string | null;
  jobId?: string | null;
}

export async function insertRun(run: NewRun, client: Client = db()): Promise<LighthouseRunDto> {
  const row = await client.lighthouseRun.create({
    data: {
      id: run.id,
      formFactor: run.formFactor,
      pages: run.pages,
      commitSha: run.commitSha ?? null,
      createdById: run.createdById ?? null,
      jobId: run.jobId ?? null,
    },
  });
  return toRunDto(row);
}

export async function findRunRow(id: string): Promise<LighthouseRun | null> {
  return db().lighthouseRun.findUnique({ where: { id } });
}

export async function updateRun(
  id: string,
  data: Partial<Pick<LighthouseRun, 'status' | 'progress' | 'startedAt' | 'finishedAt' | 'error' | 'jobId' | 'pages'>>,
): Promise<void> {
  await db().lighthouseRun.update({ where: { id }, data });
}

/**
 * Moves a run from one of `from` to `to` atomically; false when it was not in one of those states
 * (so two workers, or a retry, cannot both run it).
 */
export async function transitionRun(
  id: string,
  from: LighthouseRunStatus[],
  data: { status: LighthouseRunStatus } & Partial<Pick<LighthouseRun, 'startedAt' | 'finishedAt' | 'error' | 'progress'>>,
): Promise<boolean> {
  const r = await db().lighthouseRun.updateMany({ where: { id, status: { in: from } }, data });
  return r.count === 1;
}

export async function findRuns(opts: { limit: number; formFactor?: FormFactor; before?: Date }): Promise<LighthouseRunDto[]> {
  const rows = await db().lighthouseRun.findMany({
    where: {
      ...(opts.formFactor ? { formFactor: opts.formFactor } : {}),
      ...(opts.before ? { createdAt: { lt: opts.before } } : {}),
    },
    orderBy: { createdAt: 'desc' },
    take: opts.limit,
    include: { results: { select: { pass: true } } },
  });
  return rows.map(toRunDto);
}

export async function findRun(id: string): Promise<LighthouseRunDetailDto | null> {
  const row = await db().lighthouseRun.findUnique({
    where: { id },
    include: { results: { select: resultColumns, orderBy: { page: 'asc' } } },
  });
  if (!row) return null;
  return { ...toRunDto(row), results: row.results.map(toResultDto) };
}

/** Runs left `running` by a process that died; the service fails them. */
export async function findStaleRunningRuns(startedBefore: Date): Promise<string[]> {
  const rows = await db().lighthouseRun.findMany({
    where: { status: 'running', startedAt: { lt: startedBefore } },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

// ─── results ───

export interface NewResult {
  id: string;
  runId: string;
  result: PageResult;
  failures: BudgetFailureDto[];
  pass: boolean;
  reportGz: Uint8Array;
}

export async function insertResult(r: NewResult): Promise<LighthouseResultDto> {
  const p = r.result;
  const row = await db().lighthouseResult.create({
    data: {
      id: r.id,
      runId: r.runId,
      page: p.page,
      formFactor: p.formFactor,
      score: p.score,
      lcpMs: p.lcpMs,
      cls: p.cls,
      tbtMs: p.tbtMs,
      fcpMs: p.fcpMs,
      siMs: p.siMs,
      scriptBytes: p.scriptBytes === null ? null : Math.round(p.scriptBytes),
      totalBytes: p.totalBytes === null ? null : Math.round(p.totalBytes),
      opportunities: p.opportunities as unknown as Prisma.InputJsonValue,
      failures: r.failures as unknown as Prisma.InputJsonValue,
      runs: p.runs,
      medianRunIndex: p.medianRunIndex,
      reportGz: new Uint8Array(r.reportGz),
      pass: r.pass,
    },
    select: resultColumns,
  });
  return toResultDto(row);
}

export async function findResultReportGz(resultId: string): Promise<{ page: string; reportGz: Uint8Array } | null> {
  return db().lighthouseResult.findUnique({ where: { id: resultId }, select: { page: true, reportGz: true } });
}

/** The newest results for a page and form factor, newest first (a trend line). */
export async function findPageResults(page: string, formFactor: FormFactor, limit: number): Promise<LighthouseResultDto[]> {
  const rows = await db().lighthouseResult.findMany({
    where: { page, formFactor },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: resultColumns,
  });
  return rows.map(toResultDto);
}

/** The latest result of every page for a form factor. */
export async function findLatestResults(formFactor: FormFactor): Promise<LighthouseResultDto[]> {
  const rows = await db().lighthouseResult.findMany({
    where: { formFactor },
    orderBy: [{ page: 'asc' }, { createdAt: 'desc' }],
    distinct: ['page'],
    select: resultColumns,
  });
  return rows.map(toResultDto);
}

/** Commit of each run, for labelling results that came from different runs. */
export async function findRunCommits(ids: readonly string[]): Promise<Map<string, string | null>> {
  if (!ids.length) return new Map();
  const rows = await db().lighthouseRun.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, commitSha: true } });
  return new Map(rows.map((r) => [r.id, r.commitSha]));
}

export interface TrendPointRow {
  runId: string;
  createdAt: string;
  commitSha: string | null;
  score: number | null;
  lcpMs: number | null;
  cls: number | null;
  tbtMs: number | null;
  scriptBytes: number | null;
}

/** A page's newest results with just the charted columns, newest first. */
export async function findPageTrendPoints(page: string, formFactor: FormFactor, limit: number): Promise<TrendPointRow[]> {
  const rows = await db().lighthouseResult.findMany({
    where: { page, formFactor },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: { runId: true, createdAt: true, score: true, lcpMs: true, cls: true, tbtMs: true, scriptBytes: true, run: { select: { commitSha: true } } },
  });
  return rows.map((r) => ({
    runId: r.runId,
    createdAt: r.createdAt.toISOString(),
    commitSha: r.run.commitSha,
    score: r.score,
    lcpMs: r.lcpMs,
    cls: r.cls,
    tbtMs: r.tbtMs,
    scriptBytes: r.scriptBytes,
  }));
}
