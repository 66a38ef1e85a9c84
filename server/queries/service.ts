// The one way into query insights for pages, actions, route handlers, workers and the CLI: collection (scheduled and
// "Collect now"), the slow-query list and a statement's detail, plans (generic, EXPLAIN ANALYZE on request), sample
// ingestion, advisor runs, and the approve → apply lifecycle of index recommendations. Every function takes the
// Actor first and authorizes before anything else; every mutation writes its audit row in the same transaction.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/prisma/generated/client';
import { actorForTransition, APPROVAL_MACHINE, TransitionError, type ApprovalState, type StateEvent } from '../approvals/state-machine';
import { recordAudit } from '../audit/service';
import { authorize } from '../auth/authorize';
import { SYSTEM_ACTOR, type Actor } from '../auth/roles';
import { db } from '../db';
import { AppError, ConflictError, ForbiddenError, NotFoundError, parseInput, UnavailableError, ValidationError } from '../errors';
import { enqueue } from '../jobs/enqueue';
import { getQueue } from '../jobs/queues';
import type { JobContext } from '../jobs/runner';
import { loadTargetConnections } from '../targets/service';
import { adviseDatabase, AdvisorNotReadyError, type AdviseResult, type WorkloadStatement } from './advisor';
import { applyIndex, dropIndex, type ApplyProgress } from './apply';
import { TargetError } from './connection';
import { buildSlowQueryRows, deltasForSnapshot, meanStddevFromSums, tableWriteDeltas, windowBounds, type SlowRowInput } from './deltas';
import { explainAnalyze } from './explain';
import { fingerprintSql } from './fingerprint';
import { inspectTarget, type TargetInspection } from './inspect';
import { summarizeDurations, summarizeWindows } from './percentiles';
import { analyzePlan } from './plan-findings';
import { migrationDownload, type MigrationDownload } from './recommendations';
import * as repo from './repo';
import {
  collectorSettingsSchema,
  explainAnalyzeInputSchema,
  validateIngestBody,
  type AnalysisDto,
  type AnalysisSummary,
  type CollectorStatusDto,
  type IngestResultDto,
  type InspectionDto,
  type IntervalPointDto,
  type LatencySummaryDto,
  type QueryPlanDto,
  type RecommendationDto,
  type SlowQueryListDto,
  type SlowQueryParams,
} from './schema';
import { explainableKind, OWN_STATEMENT, planForPage, planStatements, readSnapshot } from './target-io';


const createdBy = (actor: Actor) => (actor.via === 'system' ? null : actor.id);

function toInspectionDto(i: TargetInspection): InspectionDto {
  return {
    serverVersion: i.serverVersion,
    database: i.database,
    role: i.role,
    readAllStats: i.readAllStats,
    requirements: i.requirements.map((r) => ({ name: r.name, ok: r.ok, required: r.required, detail: r.detail, fix: r.fix })),
    ready: i.ready,
  };
}

async function requireDsn(targetId: string): Promise<string> {
  const conn = await loadTargetConnections(targetId);
  if (!conn.postgresDsn) throw new ValidationError(`Target "${conn.name}" has no Postgres DSN: an admin can add one on the target's page.`);
  return conn.postgresDsn;
}

async function requireTarget(targetId: string): Promise<void> {
  if (!(await repo.targetExists(targetId))) throw new NotFoundError('Target');
}

// ─────────────────────────────── reads ───────────────────────────────

export interface QueryTargetDto {
  id: string;
  name: string;
  postgres: string | null;
  enabled: boolean;
  intervalMinutes: number;
}

export async function listQueryTargets(actor: Actor): Promise<QueryTargetDto[]> {
  authorize(actor, 'viewer');
  return repo.findQueryTargets();
}

export async function getCollectorStatus(actor: Actor, targetId: string): Promise<CollectorStatusDto> {
  authorize(actor, 'viewer');
  await requireTarget(targetId);
  const [s, latest, stats] = await Promise.all([repo.findSettings(targetId), repo.findLatestSnapshot(targetId), repo.snapshotStats(targetId)]);
  return {
    targetId,
    settings: s.settings,
    customized: s.customized,
    inspection: s.inspection,
    inspectedAt: s.inspectedAt,
    lastCollectedAt: s.lastCollectedAt,
    lastError: s.lastError,
    snapshotCount: stats.count,
    oldestSnapshotAt: stats.oldest,
    latestSnapshot: latest,
  };
}

/** The latest snapshots (oldest first), for the activity chart. */
export async function listRecentSnapshots(actor: Actor, targetId: string, take = 96) {
  authorize(actor, 'viewer');
  return repo.findRecentSnapshots(targetId, Math.min(Math.max(take, 1), 2000));
}

const toLatency = (r: repo.LatencyRow | undefined): LatencySummaryDto | null =>
  r ? { source: 'samples', count: r.count, p50: r.p50, p95: r.p95, p99: r.p99, max: r.max } : null;

/** The slow-query list (or every statement with show=all) over a window of collected intervals. */
export async function listSlowQueries(actor: Actor, targetId: string, params: SlowQueryParams): Promise<SlowQueryListDto> {
  authorize(actor, 'viewer');
  await requireTarget(targetId);
  const { settings } = await repo.findSettings(targetId);
  const thresholds = { meanMs: settings.slowMeanMs, sharePct: settings.slowSharePct };
  const latest = await repo.findLatestSnapshot(targetId);
  const empty: SlowQueryListDto = {
    targetId,
    params,
    thresholds,
    window: { from: null, to: null, seconds: null, snapshots: 0, resets: 0 },
    totals: { calls: 0, totalExecTimeMs: 0, statements: 0 },
    rows: [],
    unmatchedSamples: [],
  };
  if (!latest) return empty;
  const bounds = windowBounds(params.window, latest.takenAt);
  const snaps = await repo.findSnapshotsInWindow(targetId, bounds.fromExclusive!, bounds.to!);
  const from = snaps.map((s) => s.intervalStart).find((x) => x !== null) ?? snaps[0]?.takenAt ?? null;
  const seconds = snaps.every((s) => s.intervalSeconds !== null) ? snaps.reduce((sum, s) => sum + (s.intervalSeconds ?? 0), 0) : null;
  const aggregates = await repo.aggregateWindow(targetId, bounds.fromExclusive!, bounds.to!);
  const texts = await repo.findStatements(targetId, aggregates.map((a) => a.queryid));
  const kept = aggregates.filter((a) => !OWN_STATEMENT.test(texts.get(a.queryid)?.query ?? ''));

  // Samples: from the window's start up to now (the app keeps reporting between snapshots).
  const sampleFrom = new Date(from ?? bounds.fromExclusive!);
  const latency = await repo.latencyByFingerprint(targetId, sampleFrom, null);
  const latencyByFp = new Map(latency.map((l) => [l.fingerprint, l]));

  const inputs: SlowRowInput[] = kept.map((a) => {
    const st = texts.get(a.queryid);
    const { mean, stddev } = meanStddevFromSums(a.calls, a.totalExecTimeMs, a.sumSqExecTimeMs);
    return {
      stat: { ...a, meanExecTimeMs: mean, stddevExecTimeMs: stddev },
      query: st?.query ?? `(queryid ${a.queryid})`,
      fingerprint: st?.fingerprint ?? null,
      findings: st?.planFindings ?? [],
      planCost: st?.planCost ?? null,
      plannedAt: st?.plannedAt ?? null,
      latency: toLatency(st?.fingerprint ? latencyByFp.get(st.fingerprint) : undefined),
    };
  });
  const { rows, totals } = buildSlowQueryRows(inputs, params, thresholds, seconds);
  const matchedFps = new Set([...texts.values()].map((t) => t.fingerprint).filter(Boolean));
  const unmatched = latency.filter((l) => !matchedFps.has(l.fingerprint)).sort((a, b) => b.p95 * b.count - a.p95 * a.count).slice(0, 10);
  const unmatchedTexts = await repo.fingerprintTexts(targetId, unmatched.map((u) => u.fingerprint));
  return {
    ...empty,
    window: { from, to: latest.takenAt, seconds, snapshots: snaps.length, resets: snaps.filter((s) => s.resetDetected).length },
    totals,
    rows,
    unmatchedSamples: unmatched.map((u) => ({ fingerprint: u.fingerprint, query: unmatchedTexts.get(u.fingerprint) ?? '(text not kept)', latency: toLatency(u)! })),
  };
}

export interface QueryDetailDto {
  targetId: string;
  statement: repo.StatementRow;
  intervals: IntervalPointDto[];
  latency: (LatencySummaryDto & { mean: number; from: string }) | null;
  plans: QueryPlanDto[];
  samplePlan: { at: string; durationMs: number; plan: unknown; findings: ReturnType<typeof analyzePlan> } | null;
}

const SAMPLE_CAP = 20_000;

export async function getQueryDetail(actor: Actor, targetId: string, queryid: string): Promise<QueryDetailDto> {
  authorize(actor, 'viewer');
  const statement = await repo.findStatement(targetId, queryid);
  if (!statement) throw new NotFoundError('Statement');
  const { settings } = await repo.findSettings(targetId);
  const rows = await repo.findStatementIntervals(targetId, queryid, 288);
  const intervals: IntervalPointDto[] = rows.map((r) => {
    const { mean, stddev } = meanStddevFromSums(r.calls, r.totalExecTimeMs, r.sumSqExecTimeMs);
    return {
      takenAt: r.takenAt.toISOString(),
      intervalSeconds: r.snapshot.intervalSeconds,
      calls: r.calls,
      totalExecTimeMs: r.totalExecTimeMs,
      meanExecTimeMs: mean,
      stddevExecTimeMs: stddev,
      rows: r.rows,
      sharedBlksHit: r.sharedBlksHit,
      sharedBlksRead: r.sharedBlksRead,
      reset: r.reset,
      samples: null,
    };
  });
  let latency: QueryDetailDto['latency'] = null;
  let samplePlan: QueryDetailDto['samplePlan'] = null;
  if (statement.fingerprint) {
    const from = new Date(Date.now() - settings.sampleRetentionHours * 3_600_000);
    // Newest first and capped: percentiles over at most SAMPLE_CAP recent samples (the page says how many).
    const samples = await repo.findSampleDurations(targetId, statement.fingerprint, from, SAMPLE_CAP);
    const s = summarizeDurations(samples.map((x) => x.durationMs));
    if (s) latency = { source: 'samples', count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max, mean: s.mean, from: samples[samples.length - 1].at };
    const perInterval = summarizeWindows(
      samples,
      intervals.map((i) => ({ start: new Date(Date.parse(i.takenAt) - (i.intervalSeconds ?? 0) * 1000).toISOString(), end: i.takenAt })),
    );
    perInterval.forEach((p, k) => {
      if (p) intervals[k].samples = { count: p.count, p50: p.p50, p95: p.p95, p99: p.p99 };
    });
    const sp = await repo.findLatestSamplePlan(targetId, statement.fingerprint);
    if (sp) samplePlan = { ...sp, findings: analyzePlan(sp.plan) };
  }
  return { targetId, statement, intervals, latency, plans: await repo.findPlans(targetId, queryid), samplePlan };
}

export interface LivePlanDto {
  plan: unknown | null;
  totalCost: number | null;
  findings: ReturnType<typeof analyzePlan>;
  error: string | null;
  suggestedParams: string[];
  paramCount: number;
  explainable: boolean;
}

/** The statement's generic plan, fresh from the target (read-only, 5 s timeout), with findings. */
export async function explainQuery(actor: Actor, targetId: string, queryid: string): Promise<LivePlanDto> {
  authorize(actor, 'viewer');
  const st = await repo.findStatement(targetId, queryid);
  if (!st) throw new NotFoundError('Statement');
  if (!(await explainableKind(st.query))) {
    return { plan: null, totalCost: null, findings: [], error: 'Only SELECT, INSERT, UPDATE and DELETE statements have a plan to show.', suggestedParams: [], paramCount: 0, explainable: false };
  }
  let dsn: string;
  try {
    dsn = await requireDsn(targetId);
  } catch (err) {
    return { plan: null, totalCost: null, findings: [], error: (err as Error).message, suggestedParams: [], paramCount: 0, explainable: true };
  }
  const p = await planForPage(dsn, st.query).catch((err: Error) => ({ result: null, error: err.message.split('\n')[0], suggestedParams: [] as string[], paramCount: 0 }));
  if (p.result) {
    await repo.updateStatementPlan(targetId, queryid, { planCost: p.result.totalCost, planFindings: p.result.findings, planError: null }).catch(() => {});
  }
  return {
    plan: p.result?.plan ?? null,
    totalCost: p.result?.totalCost ?? null,
    findings: p.result?.findings ?? [],
    error: p.error,
    suggestedParams: p.suggestedParams,
    paramCount: p.paramCount,
    explainable: true,
  };
}

// ─────────────────────────────── collection ───────────────────────────────

export async function collectNow(actor: Actor, targetId: string): Promise<{ jobId: string }> {
  authorize(actor, 'operator');
  await requireDsn(targetId);
  const jobId = randomUUID();
  await db().$transaction(async (tx) => {
    await recordAudit(tx, actor, { action: 'queries.collect', entityType: 'target', entityId: targetId, after: { jobId } });
  });
  await enqueue('queries.collect', { targetId, scheduled: false }, { actor, jobId });
  return { jobId };
}

export async function saveCollectorSettings(actor: Actor, targetId: string, input: unknown): Promise<CollectorStatusDto> {
  authorize(actor, 'operator');
  await requireTarget(targetId);
  const data = parseInput(collectorSettingsSchema, input);
  await db().$transaction(async (tx) => {
    const before = await repo.findSettings(targetId, tx);
    await repo.saveSettings(tx, targetId, data);
    await recordAudit(tx, actor, { action: 'queries.settings.update', entityType: 'target', entityId: targetId, before: before.settings, after: data });
  });
  // The schedule follows at once (the workers also re-sync every minute).
  await syncCollectorSchedules().catch(() => {});
  return getCollectorStatus(actor, targetId);
}

export interface CollectResult {
  skipped?: string;
  snapshotId?: string;
  statements?: number;
  resetDetected?: boolean;
  firstSnapshot?: boolean;
  planned?: number;
  pruned?: { snapshots: number; samples: number; statements: number };
}

/** How many of the slowest statements of an interval get a fresh generic plan per collection. */
const PLAN_PER_COLLECTION = 10;
/** A stored plan younger than this is not re-planned by the collector. */
const PLAN_MAX_AGE_MS = 15 * 60_000;

/** The queries.collect job: inspect, snapshot, deltas, plan the slowest, prune. */
export async function runCollectJob(payload: { targetId: string; scheduled?: boolean }, ctx: { progress: JobContext['progress']; jobId: string | null }): Promise<CollectResult> {
  const { targetId, scheduled } = payload;
  let conn: Awaited<ReturnType<typeof loadTargetConnections>>;
  try {
    conn = await loadTargetConnections(targetId);
  } catch (err) {
    if (err instanceof NotFoundError && scheduled) {
      await getQueue('queries').removeJobScheduler(schedulerId(targetId)).catch(() => {});
      return { skipped: 'target deleted' };
    }
    throw err;
  }
  if (!conn.postgresDsn) {
    if (scheduled) return { skipped: 'no Postgres DSN' };
    throw new ValidationError(`Target "${conn.name}" has no Postgres DSN.`);
  }
  const dsn = conn.postgresDsn;
  const fail = async (message: string): Promise<CollectResult> => {
    await repo.updateCollectorStatus(targetId, { lastError: message });
    // A schedule on a target that is not ready would fail every few minutes: record it and show it instead.
    if (scheduled) return { skipped: message };
    throw new AppError(message, 422, 'target_not_ready');
  };

  await ctx.progress(0.05, 'Inspecting the target');
  let inspection: TargetInspection;
  try {
    inspection = await inspectTarget(dsn);
  } catch (err) {
    return fail(err instanceof TargetError ? err.message : `Inspection failed: ${(err as Error).message.split('\n')[0]}`);
  }
  await repo.updateCollectorStatus(targetId, { inspection: toInspectionDto(inspection), inspectedAt: new Date() });
  if (!inspection.ready.collect) {
    const missing = inspection.requirements.filter((r) => r.required && !r.ok && r.name.startsWith('pg_stat_statements'));
    return fail(`pg_stat_statements is not usable on this target: ${missing.map((r) => `${r.name} — fix: ${r.fix}`).join('; ')}`);
  }

  await ctx.progress(0.2, 'Reading pg_stat_statements');
  let snap;
  try {
    snap = await readSnapshot(dsn);
  } catch (err) {
    return fail(`Reading pg_stat_statements failed: ${(err as Error).message.split('\n')[0]}`);
  }

  await ctx.progress(0.4, 'Computing deltas');
  // Fingerprints (to match reported samples) only for statements not seen before.
  const known = await repo.findKnownQueryids(targetId, snap.rows.map((r) => r.queryid));
  const fps = new Map<string, string | null>();
  for (const r of snap.rows) if (!known.has(r.queryid)) fps.set(r.queryid, await fingerprintSql(r.query));

  const snapshotId = randomUUID();
  const stored = await db().$transaction(
    async (tx) => {
      const prev = await repo.lockAndReadLatestCounters(tx, targetId);
      if (prev && prev.takenAt.getTime() >= Date.parse(snap.takenAt)) return null; // a newer snapshot won the race
      const deltas = deltasForSnapshot(prev?.counters ? { ...prev.counters, rows: prev.counters.rows.map((r) => ({ ...r, query: '' })) } : null, snap);
      const tableWrites = tableWriteDeltas(prev?.counters?.tables, snap.tables);
      await repo.insertSnapshot(tx, { id: snapshotId, targetId, snap, deltas, tableWrites, previousId: prev?.id ?? null, jobId: ctx.jobId });
      const active = new Set(deltas.rows.map((r) => r.queryid));
      await repo.upsertStatements(
        tx,
        targetId,
        new Date(snap.takenAt),
        snap.rows.filter((r) => active.has(r.queryid) || !known.has(r.queryid)).map((r) => ({ queryid: r.queryid, query: r.query, fingerprint: fps.get(r.queryid) ?? null })),
      );
      return deltas;
    },
    { timeout: 60_000 },
  );
  if (!stored) return { skipped: 'a newer snapshot was stored meanwhile' };

  await ctx.progress(0.6, 'Planning the slowest statements');
  const { settings } = await repo.findSettings(targetId);
  const texts = await repo.findStatements(targetId, stored.rows.slice(0, 50).map((r) => r.queryid));
  const total = stored.rows.reduce((s, r) => s + r.totalExecTimeMs, 0);
  const candidates: { queryid: string; query: string }[] = [];
  for (const r of stored.rows) {
    if (candidates.length >= PLAN_PER_COLLECTION) break;
    const st = texts.get(r.queryid);
    if (!st) continue;
    const slowEnough = r.meanExecTimeMs >= settings.slowMeanMs || (total > 0 && (r.totalExecTimeMs / total) * 100 >= settings.slowSharePct) || candidates.length < 5;
    const fresh = st.plannedAt && Date.now() - Date.parse(st.plannedAt) < PLAN_MAX_AGE_MS;
    if (!slowEnough || fresh || !(await explainableKind(st.query))) continue;
    candidates.push({ queryid: r.queryid, query: st.query });
  }
  let planned = 0;
  if (candidates.length) {
    const plans = await planStatements(dsn, candidates).catch(() => new Map());
    for (const [queryid, p] of plans) {
      await repo.updateStatementPlan(targetId, queryid, { planCost: p.result?.totalCost ?? null, planFindings: p.result?.findings ?? [], planError: p.error });
      planned++;
    }
  }

  await ctx.progress(0.85, 'Pruning history');
  const pruned = await repo.pruneHistory(targetId, settings);
  await repo.updateCollectorStatus(targetId, { lastCollectedAt: new Date(snap.takenAt), lastError: null });
  return { snapshotId, statements: stored.rows.length, resetDetected: stored.resetDetected, firstSnapshot: stored.first, planned, pruned };
}

const schedulerId = (targetId: string) => `queries.collect:${targetId}`;

/**
 * One BullMQ job scheduler per target with a Postgres DSN and collection enabled, every `intervalMinutes`; schedulers
 * of deleted, disabled or DSN-less targets are removed. Idempotent: the workers run it at start and every minute,
 * saving the settings runs it at once.
 */
export async function syncCollectorSchedules(): Promise<{ scheduled: string[]; removed: string[] }> {
  const targets = await db().target.findMany({
    where: { postgresDsnEnc: { not: null } },
    select: { id: true, queryCollectorSettings: { select: { enabled: true, intervalMinutes: true } } },
  });
  const queue = getQueue('queries');
  const existing = await queue.getJobSchedulers(0, -1);
  const have = new Map(existing.filter((s) => String(s.key ?? s.id ?? '').startsWith('queries.collect:')).map((s) => [String(s.key ?? s.id), s]));
  const scheduled: string[] = [];
  const removed: string[] = [];
  const wanted = new Set<string>();
  for (const t of targets) {
    if (t.queryCollectorSettings && !t.queryCollectorSettings.enabled) continue;
    const every = (t.queryCollectorSettings?.intervalMinutes ?? 5) * 60_000;
    const id = schedulerId(t.id);
    wanted.add(id);
    if (Number(have.get(id)?.every) === every) continue;
    await queue.upsertJobScheduler(id, { every }, { name: 'queries.collect', data: { targetId: t.id, scheduled: true }, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    scheduled.push(t.id);
  }
  for (const id of have.keys()) {
    if (wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed.push(id.slice('queries.collect:'.length));
  }
  return { scheduled, removed };
}

// ─────────────────────────────── ingestion ───────────────────────────────

/** POST /api/v1/queries: timings an application reports, matched to collected statements by fingerprint. */
export async function ingestSamples(actor: Actor, raw: unknown): Promise<IngestResultDto> {
  authorize(actor, 'operator');
  const v = validateIngestBody(raw);
  if (!v.ok) {
    const first = v.issues[0];
    throw new ValidationError(
      `Invalid query samples: ${first.field ? `${first.field} ${first.message}` : first.message}${v.issues.length > 1 ? ` (and ${v.issues.length - 1} more)` : ''}`,
      Object.fromEntries(v.issues.map((i) => [i.field || '_', i.message])),
    );
  }
  const target = await repo.findTargetByName(v.body.target);
  if (!target) throw new AppError(`No target named "${v.body.target}": register it on the Targets page first (names are case-sensitive).`, 404, 'not_found');
  const rejected: IngestResultDto['rejected'] = [];
  const fpOf = new Map<string, string | null>();
  for (const s of v.body.samples) if (!fpOf.has(s.query)) fpOf.set(s.query, await fingerprintSql(s.query));
  const fps = [...new Set([...fpOf.values()].filter((x): x is string => !!x))];
  const matches = await repo.queryidsForFingerprints(target.id, fps);
  const samples: Parameters<typeof repo.insertSamples>[1] = [];
  const texts = new Map<string, string>();
  v.body.samples.forEach((s, index) => {
    const fp = fpOf.get(s.query);
    if (!fp) {
      if (rejected.length < 20) rejected.push({ index, message: 'query is not a single parsable SQL statement' });
      return;
    }
    if (!texts.has(fp)) texts.set(fp, s.query.slice(0, 10_000));
    samples.push({ fingerprint: fp, queryid: matches.get(fp) ?? null, durationMs: s.durationMs, at: new Date(s.at), plan: s.plan ?? null });
  });
  // Telemetry, not a decision: not audited (a batch every few seconds would drown the audit log).
  if (samples.length) await repo.insertSamples(target.id, samples, [...texts].map(([fingerprint, query]) => ({ fingerprint, query })));
  return { target: target.name, accepted: samples.length, matched: samples.filter((s) => s.queryid).length, rejected };
}

// ─────────────────────────────── EXPLAIN ANALYZE ───────────────────────────────

/** Approver only: runs the statement for real (statement_timeout 5 s, in a transaction that is rolled back). */
export async function runExplainAnalyze(actor: Actor, targetId: string, input: unknown): Promise<QueryPlanDto> {
  authorize(actor, 'approver');
  const data = parseInput(explainAnalyzeInputSchema, input);
  const st = await repo.findStatement(targetId, data.queryid);
  if (!st) throw new NotFoundError('Statement');
  if (!(await explainableKind(st.query))) throw new ValidationError('Only SELECT, INSERT, UPDATE and DELETE statements can be explained.');
  const dsn = await requireDsn(targetId);
  let r;
  try {
    r = await explainAnalyze(dsn, st.query, data.params, { statementTimeoutMs: 5_000, lockTimeoutMs: 1_000 });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    if (/parameter\(s\)/.test(msg)) throw new ValidationError(msg, { params: msg });
    if (err instanceof TargetError) throw new UnavailableError(msg);
    throw new ValidationError(`EXPLAIN ANALYZE failed: ${msg}`);
  }
  return db().$transaction(async (tx) => {
    const plan = await repo.insertPlan(tx, {
      id: randomUUID(),
      targetId,
      queryid: data.queryid,
      params: data.params,
      plan: r.plan,
      totalCost: r.totalCost,
      executionMs: r.executionMs,
      findings: r.findings,
      createdById: createdBy(actor),
    });
    await recordAudit(tx, actor, {
      action: 'queries.explain_analyze',
      entityType: 'query_statement',
      entityId: `${targetId}:${data.queryid}`,
      after: { planId: plan.id, params: data.params, executionMs: r.executionMs, rolledBack: true },
    });
    return plan;
  });
}

// ─────────────────────────────── analysis ───────────────────────────────

export async function analyzeWorkload(actor: Actor, targetId: string, input: { budgetIndexes?: number } = {}): Promise<AnalysisDto> {
  authorize(actor, 'operator');
  await requireDsn(targetId);
  const budget = input.budgetIndexes === undefined ? 10 : Number(input.budgetIndexes);
  if (!Number.isInteger(budget) || budget < 1 || budget > 50) throw new ValidationError('The index budget must be a whole number from 1 to 50.', { budgetIndexes: 'From 1 to 50' });
  const running = await db().indexAnalysis.findFirst({ where: { targetId, status: { in: ['queued', 'running'] } } });
  if (running) throw new ConflictError('An analysis of this target is already running; wait for it to finish.');
  const id = randomUUID();
  const jobId = randomUUID();
  const analysis = await db().$transaction(async (tx) => {
    const a = await repo.insertAnalysis(tx, { id, targetId, jobId, options: { budgetIndexes: budget }, createdById: createdBy(actor) });
    await recordAudit(tx, actor, { action: 'queries.analyze', entityType: 'index_analysis', entityId: id, after: { targetId, budgetIndexes: budget } });
    return a;
  });
  try {
    await enqueue('queries.analyze', { targetId, analysisId: id }, { actor, jobId });
  } catch (err) {
    await repo.updateAnalysis(id, { status: 'failed', error: (err as Error).message, finishedAt: new Date() });
    throw err;
  }
  return analysis;
}

export async function getAnalysis(actor: Actor, id: string): Promise<AnalysisDto> {
  authorize(actor, 'viewer');
  const a = await repo.findAnalysis(id);
  if (!a) throw new NotFoundError('Analysis');
  return a;
}

export async function listAnalyses(actor: Actor, targetId: string, take = 5): Promise<AnalysisDto[]> {
  authorize(actor, 'viewer');
  return repo.findAnalyses(targetId, Math.min(Math.max(take, 1), 50));
}

const PHASES: Record<string, [number, number, string]> = {
  workload: [0.02, 0.03, 'Reading the workload'],
  baseline: [0.05, 0.2, 'Costing each statement as it is'],
  candidates: [0.25, 0.55, 'Costing candidate indexes with HypoPG'],
  select: [0.8, 0.05, 'Choosing the best set under the budget'],
  verify: [0.85, 0.1, 'Checking the chosen set together'],
  hygiene: [0.95, 0.04, 'Looking for duplicate, unused and invalid indexes'],
};

/** The queries.analyze job: runs the advisor and stores its recommendations as proposals. */
export async function runAnalyzeJob(payload: { targetId: string; analysisId: string }, ctx: Pick<JobContext, 'progress'> & { jobId?: string }): Promise<{ recommendations: number; drops: number }> {
  const { analysisId, targetId } = payload;
  if (!(await repo.claimAnalysis(analysisId))) throw new ConflictError('This analysis is not queued any more.');
  const started = Date.now();
  const analysis = await repo.findAnalysis(analysisId);
  const options = (await db().indexAnalysis.findUnique({ where: { id: analysisId }, select: { options: true } }))?.options as { budgetIndexes?: number } | null;
  const budget = options?.budgetIndexes ?? 10;
  let lastWrite = 0;
  let lastFraction = 0;
  const onProgress = (p: { phase: string; done: number; total: number }) => {
    const [start, span, label] = PHASES[p.phase] ?? [lastFraction, 0, p.phase];
    const fraction = Math.max(lastFraction, start + span * (p.total > 0 ? Math.min(1, p.done / p.total) : 0));
    lastFraction = fraction;
    const message = p.total > 1 ? `${label} (${p.done}/${p.total})` : label;
    void ctx.progress(fraction, message);
    if (Date.now() - lastWrite > 500) {
      lastWrite = Date.now();
      void repo.updateAnalysis(analysisId, { progress: fraction, phase: message }).catch(() => {});
    }
  };
  let result: AdviseResult;
  let workloadSource: AnalysisSummary['workloadSource'] = 'pg_stat_statements';
  try {
    const dsn = await requireDsn(targetId);
    // Write rates from the collected intervals of the last day when there are any: cumulative counters would count
    // a bulk load (a restore, the demo's seed) as if it were the daily write workload.
    // A fresh snapshot first, so the analysis covers activity up to now (not only up to the last scheduled one).
    await ctx.progress(0.01, 'Collecting the latest statistics');
    await runCollectJob({ targetId, scheduled: true }, { progress: async () => {}, jobId: ctx.jobId ?? null });
    const since = new Date(Date.now() - 86_400_000);
    const writeActivity = await repo.windowTableWrites(targetId, since);
    // The workload: what was collected over the measured intervals of the last day (a bulk load or a one-off before
    // the first snapshot is not in it), else pg_stat_statements as it stands (everything since its last reset).
    const collected = await collectedWorkload(targetId, since);
    workloadSource = collected ? 'collected' : 'pg_stat_statements';
    result = await adviseDatabase(dsn, {
      budgetIndexes: budget,
      onProgress,
      ...(writeActivity ? { writeActivity } : {}),
      ...(collected ? { workload: collected.statements, windowSeconds: collected.seconds } : {}),
    });
  } catch (err) {
    const message =
      err instanceof AdvisorNotReadyError || err instanceof TargetError || err instanceof AppError
        ? err.message
        : `The advisor failed: ${(err as Error).message.split('\n')[0]}`;
    await repo.updateAnalysis(analysisId, { status: 'failed', error: message, finishedAt: new Date() });
    throw new Error(message);
  }
  const summary: AnalysisSummary = {
    analyzedQueries: result.analyzedQueries,
    candidatesEvaluated: result.candidatesEvaluated,
    recommendations: result.recommendations.length,
    drops: result.drops.length,
    workloadCost: result.workloadCost,
    window: result.window,
    parameterValues: result.parameterValues,
    skippedCount: result.skipped.length,
    warnings: result.inspection.warnings,
    durationMs: Date.now() - started,
    workloadSource,
  };
  await storeAnalysisResult(analysis!, result, summary);
  return { recommendations: result.recommendations.length, drops: result.drops.length };
}

/** The statements of the measured intervals since `from`, as the advisor's workload (null when there are none). */
async function collectedWorkload(targetId: string, from: Date): Promise<{ statements: WorkloadStatement[]; seconds: number } | null> {
  const span = await repo.measuredIntervals(targetId, from);
  if (!span || span.seconds < 1) return null;
  const aggregates = await repo.aggregateWindow(targetId, span.from, span.to, { measuredOnly: true });
  const texts = await repo.findStatements(targetId, aggregates.map((a) => a.queryid));
  const statements = aggregates.flatMap((a) => {
    const st = texts.get(a.queryid);
    if (!st || a.calls <= 0) return [];
    return [{ queryid: a.queryid, query: st.query, calls: a.calls, meanMs: a.totalExecTimeMs / a.calls, rows: a.rows }];
  });
  return statements.length ? { statements, seconds: span.seconds } : null;
}

async function storeAnalysisResult(analysis: AnalysisDto, result: AdviseResult, summary: AnalysisSummary): Promise<void> {
  const sys = actorForTransition(SYSTEM_ACTOR);
  await db().$transaction(
    async (tx) => {
      // What nobody decided on is replaced by the newer analysis.
      for (const old of await repo.findProposed(tx, analysis.targetId)) {
        const e = APPROVAL_MACHINE.transition('proposed', 'superseded', sys, { note: `superseded by analysis ${analysis.id}` });
        await repo.applyTransition(tx, old.id, e);
      }
      const active = await repo.findActiveRecommendationKeys(tx, analysis.targetId);
      const created = (): StateEvent<ApprovalState> => ({ from: null, to: 'proposed', at: new Date().toISOString(), actor: null, note: `analysis ${analysis.id}` });
      for (const r of result.recommendations) {
        if (active.has(r.key)) continue; // already approved / applying / failed and awaiting a decision
        await repo.insertRecommendation(
          tx,
          {
            id: randomUUID(),
            targetId: analysis.targetId,
            analysisId: analysis.id,
            kind: 'create',
            key: r.key,
            schema: r.schema,
            table: r.table,
            indexName: r.name,
            columns: r.columns,
            keys: r.keys as unknown as Prisma.InputJsonValue,
            include: r.include,
            where: r.where,
            predicate: (r.predicate ?? undefined) as Prisma.InputJsonValue | undefined,
            method: r.method,
            ddl: r.ddl,
            estimatedCostReductionPct: r.estimatedCostReductionPct,
            estimatedTimeSavedMsPerDay: r.estimatedTimeSavedMsPerDay,
            estimatedSizeBytes: r.estimatedSizeBytes,
            writeOverheadMsPerDay: r.writeOverheadMsPerDay,
            queries: r.queries as unknown as Prisma.InputJsonValue,
            reasons: r.reasons,
            whyNotOthers: r.whyNotOthers,
          },
          created(),
        );
      }
      for (const d of result.drops) {
        const key = `drop:${d.schema}.${d.index}`;
        if (active.has(key)) continue;
        await repo.insertRecommendation(
          tx,
          {
            id: randomUUID(),
            targetId: analysis.targetId,
            analysisId: analysis.id,
            kind: 'drop',
            key,
            schema: d.schema,
            table: d.table,
            indexName: d.index,
            method: 'btree',
            ddl: d.ddl,
            estimatedSizeBytes: d.sizeBytes,
            dropKind: d.kind,
            dropReason: d.reason,
            coveredBy: d.coveredBy ?? null,
          },
          created(),
        );
      }
      await repo.updateAnalysis(
        analysis.id,
        {
          status: 'succeeded',
          progress: 1,
          phase: 'Done',
          finishedAt: new Date(),
          summary: summary as unknown as Prisma.InputJsonValue,
          findings: result.findings as unknown as Prisma.InputJsonValue,
          unverified: result.unverified as unknown as Prisma.InputJsonValue,
          skipped: result.skipped.slice(0, 200) as unknown as Prisma.InputJsonValue,
        },
        tx,
      );
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'queries.analysis.complete',
        entityType: 'index_analysis',
        entityId: analysis.id,
        after: { recommendations: result.recommendations.map((r) => r.ddl), drops: result.drops.map((d) => d.ddl) },
      });
    },
    { timeout: 60_000 },
  );
}

export async function abandonAnalysis(analysisId: string): Promise<void> {
  await db().indexAnalysis.updateMany({
    where: { id: analysisId, status: { in: ['queued', 'running'] } },
    data: { status: 'failed', error: 'The worker stopped before the analysis finished; run it again.', finishedAt: new Date() },
  });
}

// ─────────────────────────────── recommendations ───────────────────────────────

export async function listRecommendations(actor: Actor, targetId: string, opts: { states?: string[] } = {}): Promise<RecommendationDto[]> {
  authorize(actor, 'viewer');
  await requireTarget(targetId);
  const states = opts.states?.filter((s) => APPROVAL_MACHINE.isState(s));
  if (opts.states && opts.states.length !== (states?.length ?? 0)) {
    throw new ValidationError(`state must be one of: ${APPROVAL_MACHINE.definition.states.join(', ')}`, { state: 'unknown state' });
  }
  return repo.findRecommendations(targetId, { states });
}

export async function getRecommendation(actor: Actor, id: string): Promise<RecommendationDto> {
  authorize(actor, 'viewer');
  const r = await repo.findRecommendation(id);
  if (!r) throw new NotFoundError('Recommendation');
  return r;
}

function transitionError(err: unknown): never {
  if (err instanceof TransitionError) {
    if (err.code === 'forbidden') throw new ForbiddenError(`${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}.`);
    throw new ConflictError(`This recommendation ${err.message}.`);
  }
  throw err;
}

async function decide(actor: Actor, id: string, to: ApprovalState, note: string | null, action: string, extra: Prisma.IndexRecommendationUpdateManyMutationInput = {}) {
  const row = await repo.findRecommendationRow(id);
  if (!row) throw new NotFoundError('Recommendation');
  const from = row.state as ApprovalState;
  let e: StateEvent<ApprovalState>;
  try {
    e = APPROVAL_MACHINE.transition(from, to, actorForTransition(actor), { note });
  } catch (err) {
    transitionError(err);
  }
  await db().$transaction(async (tx) => {
    const ok = await repo.applyTransition(tx, id, e, { decidedById: createdBy(actor), decidedAt: new Date(), ...extra });
    if (!ok) throw new ConflictError('Someone else changed this recommendation meanwhile; reload to see its state.');
    await recordAudit(tx, actor, { action, entityType: 'index_recommendation', entityId: id, before: { state: from }, after: { state: to, ddl: row.ddl, note } });
  });
  return row;
}

/** Approver: approve (or retry after a failure) and queue the apply job. */
export async function approveRecommendation(actor: Actor, id: string, opts: { note?: string } = {}): Promise<RecommendationDto> {
  authorize(actor, 'approver');
  const jobId = randomUUID();
  await decide(actor, id, 'approved', opts.note?.slice(0, 500) || null, 'recommendation.approve', { jobId, error: null, progress: 0, progressPhase: null });
  try {
    await enqueue('queries.applyIndex', { recommendationId: id, action: 'apply' }, { actor, jobId });
  } catch (err) {
    const sys = actorForTransition(SYSTEM_ACTOR);
    await db().$transaction(async (tx) => {
      await repo.applyTransition(tx, id, APPROVAL_MACHINE.transition('approved', 'failed', sys, { note: 'could not queue the job' }), { error: (err as Error).message });
    });
    throw err;
  }
  return getRecommendation(actor, id);
}

export async function rejectRecommendation(actor: Actor, id: string, opts: { note?: string } = {}): Promise<RecommendationDto> {
  authorize(actor, 'approver');
  await decide(actor, id, 'rejected', opts.note?.slice(0, 500) || null, 'recommendation.reject');
  return getRecommendation(actor, id);
}

/** Approver: drop an applied index again (a job; the state becomes rolled back when the drop succeeded). */
export async function rollbackRecommendation(actor: Actor, id: string): Promise<{ jobId: string }> {
  authorize(actor, 'approver');
  const row = await repo.findRecommendationRow(id);
  if (!row) throw new NotFoundError('Recommendation');
  const check = APPROVAL_MACHINE.check(row.state as ApprovalState, 'rolled_back', actorForTransition(actor));
  if (!check.ok) transitionError(new TransitionError(check.reason, check.code));
  if (row.kind !== 'create') throw new ConflictError('Only a created index can be rolled back.');
  const jobId = randomUUID();
  await db().$transaction(async (tx) => {
    await recordAudit(tx, actor, { action: 'recommendation.rollback.request', entityType: 'index_recommendation', entityId: id, after: { jobId, index: `${row.schema}.${row.indexName}` } });
  });
  await repo.updateRecommendation(id, { progressPhase: 'rolling back', error: null });
  await enqueue('queries.applyIndex', { recommendationId: id, action: 'rollback' }, { actor, jobId });
  return { jobId };
}

/** The migration files for a recommendation (anyone who can read it; the download is audited). */
export async function downloadMigration(actor: Actor, id: string): Promise<MigrationDownload> {
  authorize(actor, 'viewer');
  const row = await repo.findRecommendationRow(id);
  if (!row) throw new NotFoundError('Recommendation');
  const m = migrationDownload({
    kind: row.kind as 'create' | 'drop',
    schema: row.schema,
    table: row.table,
    name: row.indexName,
    method: row.method,
    keys: row.keys as never,
    include: row.include as string[],
    predicate: (row.predicate as never) ?? null,
    queries: row.queries as never,
    dropReason: row.dropReason,
  });
  await db().$transaction(async (tx) => {
    await recordAudit(tx, actor, { action: 'recommendation.migration.download', entityType: 'index_recommendation', entityId: id, after: { name: m.name } });
  });
  return m;
}

/** The queries.applyIndex job: CREATE INDEX CONCURRENTLY (or DROP for hygiene) with progress, outcome recorded. */
export async function runApplyJob(payload: { recommendationId: string; action: 'apply' | 'rollback' }, ctx: Pick<JobContext, 'progress'>): Promise<{ outcome: string }> {
  const id = payload.recommendationId;
  const row = await repo.findRecommendationRow(id);
  if (!row) throw new NotFoundError('Recommendation');
  const sys = actorForTransition(SYSTEM_ACTOR);
  const dsn = await requireDsn(row.targetId);
  const helped = (row.queries as { queryid: string; query: string }[]) ?? [];

  if (payload.action === 'rollback') {
    if (row.state !== 'applied') return { outcome: `skipped: the recommendation is ${row.state}` };
    await ctx.progress(0.1, 'Dropping the index concurrently');
    const d = await dropIndex(dsn, { schema: row.schema, index: row.indexName });
    if (d.outcome !== 'dropped') {
      await repo.updateRecommendation(id, { error: `Rollback failed: ${d.error}`, progressPhase: null });
      throw new Error(`Rollback failed: ${d.error}`);
    }
    await db().$transaction(async (tx) => {
      await repo.applyTransition(tx, id, APPROVAL_MACHINE.transition('applied', 'rolled_back', sys, { note: d.ddl }), { progressPhase: null });
      await recordAudit(tx, SYSTEM_ACTOR, { action: 'recommendation.rollback', entityType: 'index_recommendation', entityId: id, after: { ddl: d.ddl } });
    });
    await repo.invalidateStatementPlans(row.targetId, helped.map((q) => q.queryid));
    return { outcome: 'rolled_back' };
  }

  const begin = APPROVAL_MACHINE.check(row.state as ApprovalState, 'applying', sys);
  if (!begin.ok) return { outcome: `skipped: the recommendation is ${row.state}` };
  const moved = await db().$transaction((tx) =>
    repo.applyTransition(tx, id, APPROVAL_MACHINE.transition(row.state as ApprovalState, 'applying', sys), { progress: 0, progressPhase: 'starting', error: null }),
  );
  if (!moved) return { outcome: 'skipped: the state changed meanwhile' };

  let lastWrite = 0;
  const onProgress = (p: ApplyProgress) => {
    void ctx.progress(p.fraction, p.phase);
    if (Date.now() - lastWrite > 300 || p.fraction >= 1) {
      lastWrite = Date.now();
      void repo.updateRecommendationProgress(id, p.fraction, p.phase).catch(() => {});
    }
  };

  let outcome: 'applied' | 'failed' | 'did_not_help';
  let error: string | null = null;
  let result: Prisma.InputJsonValue | undefined;
  if (row.kind === 'drop') {
    await ctx.progress(0.1, 'Dropping the index concurrently');
    const d = await dropIndex(dsn, { schema: row.schema, index: row.indexName });
    outcome = d.outcome === 'dropped' ? 'applied' : 'failed';
    error = d.error ?? null;
    result = { outcome: d.outcome, before: [], after: null, durationMs: 0 };
  } else {
    const r = await applyIndex(
      dsn,
      {
        schema: row.schema,
        table: row.table,
        name: row.indexName,
        method: row.method,
        keys: row.keys as never,
        include: row.include as string[],
        predicate: (row.predicate as never) ?? null,
        queries: helped,
      },
      { onProgress },
    );
    outcome = r.outcome;
    error = r.error ?? null;
    const check = (xs: typeof r.before) => xs.map((x) => ({ queryid: x.queryid, cost: Number.isFinite(x.cost) ? x.cost : null, usesIndex: x.usesIndex, ...(x.error ? { error: x.error } : {}) }));
    result = {
      outcome: r.outcome,
      before: check(r.before),
      after: r.after ? check(r.after) : null,
      durationMs: Math.round(r.durationMs),
      ...(r.leftoverInvalidIndex ? { leftoverInvalidIndex: r.leftoverInvalidIndex } : {}),
    };
  }
  await db().$transaction(async (tx) => {
    await repo.applyTransition(tx, id, APPROVAL_MACHINE.transition('applying', outcome, sys, { note: error }), {
      result,
      error,
      progress: outcome === 'applied' ? 1 : undefined,
      progressPhase: outcome === 'applied' ? 'done' : null,
      appliedAt: outcome === 'applied' ? new Date() : undefined,
    });
    await recordAudit(tx, SYSTEM_ACTOR, { action: `recommendation.${outcome}`, entityType: 'index_recommendation', entityId: id, after: { ddl: row.ddl, error } });
  });
  await repo.invalidateStatementPlans(row.targetId, helped.map((q) => q.queryid));
  if (outcome === 'failed') throw new Error(error ?? 'applying the index failed');
  return { outcome };
}

/** The sweeper found the apply job's worker dead: nothing may stay "applying". */
export async function abandonApply(recommendationId: string): Promise<void> {
  const row = await repo.findRecommendationRow(recommendationId);
  if (!row || (row.state !== 'applying' && row.state !== 'approved')) return;
  const sys = actorForTransition(SYSTEM_ACTOR);
  const note = 'The worker stopped during the build. An INVALID index may be left behind; applying again drops it first.';
  await db().$transaction((tx) => repo.applyTransition(tx, recommendationId, APPROVAL_MACHINE.transition(row.state as ApprovalState, 'failed', sys, { note }), { error: note, progressPhase: null }));
}

