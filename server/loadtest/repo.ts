// Prisma access for load tests; returns DTOs. Only service.ts and the coordinator/shard runners call this.
import type { LoadRun, LoadRunSecond, LoadRunShard, Prisma, Scenario, Target } from '@/prisma/generated/client';
import { db } from '../db';
import type { MergedScope, MergedSecond, RunSummary } from './merge';
import { expectedSeconds } from './progress';
import { scenarioSpecSchema, type AssertionResult, type ErrorCounts, type ScenarioSpec, type StatusCounts } from './schema';
import { isFinished, type LoadRunDto, type RunListItemDto, type RunSecondDto, type RunStatus, type ScenarioDto } from './types';
import type { RunVerdict } from './verdict';

type Tx = Prisma.TransactionClient;
const client = (tx?: Tx) => tx ?? db();

/** A stored spec that no longer parses (schema evolved) is shown as stored; launching it re-validates and refuses. */
function specOf(json: unknown): ScenarioSpec {
  const r = scenarioSpecSchema.safeParse(json);
  return r.success ? r.data : (json as ScenarioSpec);
}

function stripSummary(s: RunSummary | null): LoadRunDto['summary'] {
  if (!s) return null;
  const { hist: _h, svcHist: _s, ...rest } = s;
  return rest;
}

type RunWithNames = LoadRun & { scenario: Scenario; target: Target };

export function toRunListItem(r: RunWithNames): RunListItemDto {
  const summary = r.summary as unknown as RunSummary | null;
  return {
    id: r.id,
    scenarioId: r.scenarioId,
    scenarioName: r.scenario.name,
    targetName: r.target.name,
    status: r.status as RunStatus,
    progress: r.progress,
    shardCount: r.shardCount,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    requests: summary?.requests ?? null,
    p95Ms: summary?.responseTimeMs?.count ? summary.responseTimeMs.p95 : null,
    errorRate: summary ? summary.errorRate : null,
    verdict: (r.verdict as unknown as RunVerdict | null)?.verdict ?? null,
    isBaseline: r.scenario.baselineRunId === r.id,
  };
}

export function toRunDto(r: RunWithNames & { shards: LoadRunShard[] }, createdBy: string | null = null): LoadRunDto {
  const spec = specOf(r.spec);
  return {
    id: r.id,
    scenarioId: r.scenarioId,
    scenarioName: r.scenario.name,
    targetId: r.targetId,
    targetName: r.target.name,
    baseUrl: r.baseUrl,
    status: r.status as RunStatus,
    finished: isFinished(r.status),
    stage: r.stage,
    progress: r.progress,
    shardCount: r.shardCount,
    expectedSeconds: expectedSeconds(spec),
    lastSecond: r.lastSecond,
    startAt: r.startAt?.toISOString() ?? null,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    createdBy,
    spec,
    summary: stripSummary(r.summary as unknown as RunSummary | null),
    assertions: (r.assertionResults as unknown as AssertionResult[] | null) ?? null,
    verdict: (r.verdict as unknown as RunVerdict | null) ?? null,
    baselineRunId: r.baselineRunId,
    isBaseline: r.scenario.baselineRunId === r.id,
    error: r.error,
    shards: [...r.shards]
      .sort((a, b) => a.index - b.index)
      .map((s) => ({ index: s.index, status: s.status, workerId: s.workerId, lastSecond: s.lastSecond, requests: s.requests, error: s.error })),
  };
}

export function toScenarioDto(s: Scenario & { target: Target }, lastRun: RunWithNames | null): ScenarioDto {
  return {
    id: s.id,
    targetId: s.targetId,
    targetName: s.target.name,
    targetBaseUrl: s.target.baseUrl,
    name: s.name,
    description: s.description,
    preset: s.preset,
    spec: specOf(s.spec),
    baselineRunId: s.baselineRunId,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    lastRun: lastRun ? toRunListItem(lastRun) : null,
  };
}

// ─── scenarios ───

export async function findScenarios(opts: { targetId?: string; name?: string } = {}): Promise<ScenarioDto[]> {
  const rows = await db().scenario.findMany({
    where: { ...(opts.targetId ? { targetId: opts.targetId } : {}), ...(opts.name ? { name: opts.name } : {}) },
    include: { target: true, runs: { orderBy: { createdAt: 'desc' }, take: 1, include: { scenario: true, target: true } } },
    orderBy: [{ target: { name: 'asc' } }, { name: 'asc' }],
  });
  return rows.map((s) => toScenarioDto(s, s.runs[0] ?? null));
}

export async function findScenario(id: string, tx?: Tx): Promise<ScenarioDto | null> {
  const s = await client(tx).scenario.findUnique({
    where: { id },
    include: { target: true, runs: { orderBy: { createdAt: 'desc' }, take: 1, include: { scenario: true, target: true } } },
  });
  return s ? toScenarioDto(s, s.runs[0] ?? null) : null;
}

export async function findScenarioRow(id: string, tx?: Tx) {
  return client(tx).scenario.findUnique({ where: { id }, include: { target: true } });
}

export async function findScenarioByName(targetId: string, name: string, tx?: Tx) {
  return client(tx).scenario.findUnique({ where: { targetId_name: { targetId, name } } });
}

// ─── runs ───

const runInclude = { scenario: true, target: true, shards: true } as const;

export async function findRunDto(id: string): Promise<LoadRunDto | null> {
  const r = await db().loadRun.findUnique({ where: { id }, include: runInclude });
  if (!r) return null;
  const by = r.createdById ? await db().user.findUnique({ where: { id: r.createdById }, select: { email: true } }) : null;
  return toRunDto(r, by?.email ?? null);
}

export async function findRunRow(id: string, tx?: Tx) {
  return client(tx).loadRun.findUnique({ where: { id }, include: { scenario: true } });
}

export async function findRuns(opts: { scenarioId?: string; targetId?: string; limit: number }): Promise<RunListItemDto[]> {
  const rows = await db().loadRun.findMany({
    where: { ...(opts.scenarioId ? { scenarioId: opts.scenarioId } : {}), ...(opts.targetId ? { targetId: opts.targetId } : {}) },
    orderBy: { createdAt: 'desc' },
    take: opts.limit,
    include: { scenario: true, target: true },
  });
  return rows.map(toRunListItem);
}

export async function findActiveRunForTarget(targetId: string, tx?: Tx) {
  return client(tx).loadRun.findFirst({ where: { targetId, status: { in: ['queued', 'running'] } }, orderBy: { createdAt: 'desc' } });
}

export async function updateRun(id: string, data: Prisma.LoadRunUpdateInput, tx?: Tx): Promise<void> {
  await client(tx).loadRun.update({ where: { id }, data });
}

/** Conditional update: only when the run is in one of `from`. True when this call made the change. */
export async function transitionRun(id: string, from: readonly RunStatus[], data: Prisma.LoadRunUpdateManyMutationInput, tx?: Tx): Promise<boolean> {
  const r = await client(tx).loadRun.updateMany({ where: { id, status: { in: [...from] } }, data });
  return r.count === 1;
}

// ─── seconds ───

function scopeJson(s: MergedScope) {
  return { requests: s.requests, failed: s.failed, status: s.status, errors: s.errors, hist: s.hist, svcHist: s.svcHist, p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms, maxMs: s.maxMs };
}

export async function insertSeconds(runId: string, seconds: readonly MergedSecond[], tx?: Tx): Promise<void> {
  if (!seconds.length) return;
  await client(tx).loadRunSecond.createMany({
    skipDuplicates: true,
    data: seconds.map((m) => ({
      runId,
      second: m.second,
      requests: m.requests,
      failed: m.failed,
      status: m.status as unknown as Prisma.InputJsonValue,
      errors: m.errors as unknown as Prisma.InputJsonValue,
      byEndpoint: Object.fromEntries(Object.entries(m.byEndpoint).map(([k, v]) => [k, scopeJson(v)])) as unknown as Prisma.InputJsonValue,
      hist: m.hist,
      svcHist: m.svcHist,
      p50Ms: m.p50Ms,
      p95Ms: m.p95Ms,
      p99Ms: m.p99Ms,
      maxMs: m.maxMs,
      lateStarts: m.lateStarts,
      dropped: m.dropped,
      targetRate: m.targetRate,
      activeVus: m.activeVus,
      shardsReported: m.shardsReported,
    })),
  });
}

/** A stored second back as a MergedSecond (what the accumulator, verdict and exports read). */
export function rowToMerged(r: LoadRunSecond): MergedSecond {
  return {
    second: r.second,
    requests: r.requests,
    failed: r.failed,
    status: r.status as unknown as StatusCounts,
    errors: r.errors as unknown as ErrorCounts,
    hist: r.hist,
    svcHist: r.svcHist,
    p50Ms: r.p50Ms,
    p95Ms: r.p95Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    byEndpoint: r.byEndpoint as unknown as Record<string, MergedScope>,
    lateStarts: r.lateStarts,
    dropped: r.dropped,
    targetRate: r.targetRate,
    activeVus: r.activeVus,
    shardsReported: r.shardsReported,
  };
}

export function mergedToDto(m: MergedSecond): RunSecondDto {
  const scope = (s: MergedScope) => ({ requests: s.requests, failed: s.failed, p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms });
  return {
    second: m.second,
    ...scope(m),
    status: m.status,
    errors: m.errors,
    maxMs: m.maxMs,
    targetRate: m.targetRate,
    activeVus: m.activeVus,
    shardsReported: m.shardsReported,
    byEndpoint: Object.fromEntries(Object.entries(m.byEndpoint).map(([k, v]) => [k, scope(v)])),
  };
}

/** Stored seconds after `afterSecond`, in order, at most `limit`. */
export async function findSeconds(runId: string, afterSecond = -1, limit = 10_000): Promise<MergedSecond[]> {
  const rows = await db().loadRunSecond.findMany({ where: { runId, second: { gt: afterSecond } }, orderBy: { second: 'asc' }, take: limit });
  return rows.map(rowToMerged);
}

// ─── shards ───

export async function createShards(runId: string, jobIds: readonly string[], tx?: Tx): Promise<void> {
  await client(tx).loadRunShard.createMany({
    data: jobIds.map((jobId, index) => ({ id: `${runId}-${index}`, runId, index, jobId })),
    skipDuplicates: true,
  });
}

export async function updateShard(runId: string, index: number, data: Prisma.LoadRunShardUpdateManyMutationInput, tx?: Tx): Promise<void> {
  await client(tx).loadRunShard.updateMany({ where: { runId, index }, data });
}
