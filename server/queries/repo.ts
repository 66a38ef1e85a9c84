// Prisma access for query insights; returns DTOs or plain rows. Only server/queries/service.ts (and the job helpers it
// owns) call this.
import { Prisma, type IndexAnalysis, type IndexRecommendation, type QueryPlan, type RecommendationEvent } from '@/prisma/generated/client';
import type { ApprovalState, StateEvent } from '../approvals/state-machine';
import { db } from '../db';
import type { StatementDeltas, StatementsSnapshot } from './collector';
import { sumTableWrites, type IntervalDelta, type TableWriteCounters } from './deltas';
import type { PlanFinding } from './plan-findings';
import {
  DEFAULT_COLLECTOR_SETTINGS,
  type AnalysisDto,
  type AnalysisSummary,
  type CollectorSettings,
  type InspectionDto,
  type QueryPlanDto,
  type RecommendationDto,
  type SnapshotDto,
} from './schema';

type Client = Prisma.TransactionClient | ReturnType<typeof db>;
const J = (v: unknown) => v as Prisma.InputJsonValue;

// ─── settings ───

export interface SettingsRow {
  settings: CollectorSettings;
  customized: boolean;
  inspection: InspectionDto | null;
  inspectedAt: string | null;
  lastCollectedAt: string | null;
  lastError: string | null;
}

export async function findSettings(targetId: string, client: Client = db()): Promise<SettingsRow> {
  const r = await client.queryCollectorSettings.findUnique({ where: { targetId } });
  if (!r) return { settings: { ...DEFAULT_COLLECTOR_SETTINGS }, customized: false, inspection: null, inspectedAt: null, lastCollectedAt: null, lastError: null };
  return {
    settings: {
      enabled: r.enabled,
      intervalMinutes: r.intervalMinutes,
      retentionDays: r.retentionDays,
      maxSnapshots: r.maxSnapshots,
      sampleRetentionHours: r.sampleRetentionHours,
      slowMeanMs: r.slowMeanMs,
      slowSharePct: r.slowSharePct,
    },
    customized: true,
    inspection: (r.inspection as unknown as InspectionDto | null) ?? null,
    inspectedAt: r.inspectedAt?.toISOString() ?? null,
    lastCollectedAt: r.lastCollectedAt?.toISOString() ?? null,
    lastError: r.lastError,
  };
}

export async function saveSettings(tx: Client, targetId: string, s: CollectorSettings): Promise<void> {
  await tx.queryCollectorSettings.upsert({ where: { targetId }, create: { targetId, ...s }, update: s });
}

/** Status fields written by the collector (creates the row with default settings when there is none). */
export async function updateCollectorStatus(
  targetId: string,
  data: { inspection?: InspectionDto; inspectedAt?: Date; lastCollectedAt?: Date; lastError?: string | null },
): Promise<void> {
  const { inspection, ...rest } = data;
  const patch = { ...rest, ...(inspection ? { inspection: J(inspection) } : {}) };
  await db().queryCollectorSettings.upsert({
    where: { targetId },
    create: { targetId, ...DEFAULT_COLLECTOR_SETTINGS, ...patch },
    update: patch,
  });
}

// ─── targets (read-only view of the foundation's table) ───

export async function findQueryTargets(): Promise<{ id: string; name: string; postgres: string | null; enabled: boolean; intervalMinutes: number }[]> {
  const rows = await db().target.findMany({
    orderBy: { name: 'asc' },
    select: { id: true, name: true, postgresDsnEnc: true, postgresHint: true, queryCollectorSettings: { select: { enabled: true, intervalMinutes: true } } },
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    postgres: t.postgresDsnEnc ? t.postgresHint : null,
    enabled: t.queryCollectorSettings?.enabled ?? DEFAULT_COLLECTOR_SETTINGS.enabled,
    intervalMinutes: t.queryCollectorSettings?.intervalMinutes ?? DEFAULT_COLLECTOR_SETTINGS.intervalMinutes,
  }));
}

export async function findTargetByName(name: string): Promise<{ id: string; name: string } | null> {
  return db().target.findUnique({ where: { name }, select: { id: true, name: true } });
}

export async function targetExists(id: string): Promise<boolean> {
  return (await db().target.count({ where: { id } })) > 0;
}

// ─── snapshots ───

export function toSnapshotDto(s: {
  id: string;
  takenAt: Date;
  intervalStart: Date | null;
  intervalSeconds: number | null;
  resetDetected: boolean;
  firstSnapshot: boolean;
  statementCount: number;
  totalCalls: number;
  totalExecTimeMs: number;
}): SnapshotDto {
  return {
    id: s.id,
    takenAt: s.takenAt.toISOString(),
    intervalStart: s.intervalStart?.toISOString() ?? null,
    intervalSeconds: s.intervalSeconds,
    resetDetected: s.resetDetected,
    firstSnapshot: s.firstSnapshot,
    statementCount: s.statementCount,
    totalCalls: s.totalCalls,
    totalExecTimeMs: s.totalExecTimeMs,
  };
}

const SNAPSHOT_FIELDS = {
  id: true,
  takenAt: true,
  intervalStart: true,
  intervalSeconds: true,
  resetDetected: true,
  firstSnapshot: true,
  statementCount: true,
  totalCalls: true,
  totalExecTimeMs: true,
} as const;

export async function findLatestSnapshot(targetId: string): Promise<SnapshotDto | null> {
  const s = await db().querySnapshot.findFirst({ where: { targetId }, orderBy: { takenAt: 'desc' }, select: SNAPSHOT_FIELDS });
  return s ? toSnapshotDto(s) : null;
}

export async function snapshotStats(targetId: string): Promise<{ count: number; oldest: string | null }> {
  const [count, oldest] = await Promise.all([
    db().querySnapshot.count({ where: { targetId } }),
    db().querySnapshot.findFirst({ where: { targetId }, orderBy: { takenAt: 'asc' }, select: { takenAt: true } }),
  ]);
  return { count, oldest: oldest?.takenAt.toISOString() ?? null };
}

export async function findSnapshotsInWindow(targetId: string, fromExclusive: string, to: string): Promise<SnapshotDto[]> {
  const rows = await db().querySnapshot.findMany({
    where: { targetId, takenAt: { gt: new Date(fromExclusive), lte: new Date(to) } },
    orderBy: { takenAt: 'asc' },
    select: SNAPSHOT_FIELDS,
  });
  return rows.map(toSnapshotDto);
}

/** Recent snapshots for the overview chart (oldest first). */
export async function findRecentSnapshots(targetId: string, take: number): Promise<SnapshotDto[]> {
  const rows = await db().querySnapshot.findMany({ where: { targetId }, orderBy: { takenAt: 'desc' }, take, select: SNAPSHOT_FIELDS });
  return rows.reverse().map(toSnapshotDto);
}

/** The cumulative counters of the target's latest snapshot (null when there is none or they were pruned). */
export type StoredCounters = StatementsSnapshot & { tables?: TableWriteCounters[] };

export async function lockAndReadLatestCounters(tx: Prisma.TransactionClient, targetId: string): Promise<{ id: string; takenAt: Date; counters: StoredCounters | null } | null> {
  // Two collections of one target (the schedule and "Collect now") must not both compute deltas against the same
  // previous snapshot: serialize per target for the rest of the transaction.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`perfdeck.queries.collect:${targetId}`}))`;
  const prev = await tx.querySnapshot.findFirst({ where: { targetId }, orderBy: { takenAt: 'desc' }, select: { id: true, takenAt: true, counters: true } });
  return prev ? { id: prev.id, takenAt: prev.takenAt, counters: (prev.counters as unknown as StoredCounters | null) ?? null } : null;
}

export async function insertSnapshot(
  tx: Prisma.TransactionClient,
  args: {
    id: string;
    targetId: string;
    snap: StatementsSnapshot & { tables: TableWriteCounters[] };
    deltas: StatementDeltas & { first: boolean };
    tableWrites: TableWriteCounters[] | null;
    previousId: string | null;
    jobId: string | null;
  },
): Promise<void> {
  const { snap, deltas } = args;
  const takenAt = new Date(snap.takenAt);
  // Only the newest snapshot keeps its counters (the texts live in QueryStatement): history stays small.
  const counters = { ...snap, rows: snap.rows.map(({ query: _q, ...r }) => r) };
  await tx.querySnapshot.create({
    data: {
      id: args.id,
      targetId: args.targetId,
      takenAt,
      statsReset: snap.statsReset ? new Date(snap.statsReset) : null,
      dealloc: snap.dealloc,
      intervalStart: deltas.intervalSeconds > 0 ? new Date(deltas.from) : null,
      intervalSeconds: deltas.intervalSeconds > 0 ? deltas.intervalSeconds : null,
      resetDetected: deltas.resetDetected,
      firstSnapshot: deltas.first,
      statementCount: deltas.rows.length,
      totalCalls: deltas.rows.reduce((s, r) => s + r.calls, 0),
      totalExecTimeMs: deltas.rows.reduce((s, r) => s + r.totalExecTimeMs, 0),
      counters: J(counters),
      tableWrites: args.tableWrites ? J(args.tableWrites) : Prisma.DbNull,
      jobId: args.jobId,
    },
  });
  if (args.previousId) await tx.querySnapshot.update({ where: { id: args.previousId }, data: { counters: Prisma.DbNull } });
  if (deltas.rows.length) {
    await tx.queryStatSample.createMany({
      data: deltas.rows.map((r) => ({
        snapshotId: args.id,
        targetId: args.targetId,
        queryid: r.queryid,
        takenAt,
        calls: r.calls,
        totalExecTimeMs: r.totalExecTimeMs,
        sumSqExecTimeMs: r.sumSqExecTimeMs,
        rows: r.rows,
        sharedBlksHit: r.sharedBlksHit,
        sharedBlksRead: r.sharedBlksRead,
        tempBlksRead: r.tempBlksRead,
        tempBlksWritten: r.tempBlksWritten,
        reset: r.reset,
      })),
    });
  }
}

/**
 * Table writes over the snapshots taken since `from` that know their interval's writes: the advisor's write rates.
 * Null when no such snapshot exists (a single, first snapshot cannot tell a bulk load from workload).
 */
export async function windowTableWrites(targetId: string, from: Date): Promise<{ since: string; until: string; tables: TableWriteCounters[] } | null> {
  const rows = await db().querySnapshot.findMany({
    where: { targetId, takenAt: { gte: from }, NOT: { tableWrites: { equals: Prisma.DbNull } } },
    orderBy: { takenAt: 'asc' },
    select: { takenAt: true, intervalStart: true, tableWrites: true },
  });
  const usable = rows.filter((r) => r.intervalStart);
  if (!usable.length) return null;
  return {
    since: usable[0].intervalStart!.toISOString(),
    until: usable[usable.length - 1].takenAt.toISOString(),
    tables: sumTableWrites(usable.map((r) => (r.tableWrites as unknown as TableWriteCounters[]) ?? [])),
  };
}

// ─── statements ───

export async function findKnownQueryids(targetId: string, queryids: string[]): Promise<Set<string>> {
  if (!queryids.length) return new Set();
  const rows = await db().queryStatement.findMany({ where: { targetId, queryid: { in: queryids } }, select: { queryid: true } });
  return new Set(rows.map((r) => r.queryid));
}

/** Inserts new statements (with their fingerprint) and moves lastSeenAt of known ones, in one statement. */
export async function upsertStatements(
  tx: Prisma.TransactionClient,
  targetId: string,
  seenAt: Date,
  rows: { queryid: string; query: string; fingerprint: string | null }[],
): Promise<void> {
  if (!rows.length) return;
  await tx.$executeRaw`
    INSERT INTO "QueryStatement" ("targetId", "queryid", "query", "fingerprint", "lastSeenAt")
    SELECT ${targetId}, q.queryid, q.query, q.fp, ${seenAt}
      FROM unnest(${rows.map((r) => r.queryid)}::text[], ${rows.map((r) => r.query)}::text[], ${rows.map((r) => r.fingerprint)}::text[]) AS q(queryid, query, fp)
    ON CONFLICT ("targetId", "queryid") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt",
      "fingerprint" = COALESCE("QueryStatement"."fingerprint", EXCLUDED."fingerprint")`;
}

export interface StatementRow {
  queryid: string;
  query: string;
  fingerprint: string | null;
  planCost: number | null;
  planFindings: PlanFinding[];
  planError: string | null;
  plannedAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

const toStatementRow = (s: {
  queryid: string;
  query: string;
  fingerprint: string | null;
  planCost: number | null;
  planFindings: unknown;
  planError: string | null;
  plannedAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}): StatementRow => ({
  queryid: s.queryid,
  query: s.query,
  fingerprint: s.fingerprint,
  planCost: s.planCost,
  planFindings: (s.planFindings as PlanFinding[] | null) ?? [],
  planError: s.planError,
  plannedAt: s.plannedAt?.toISOString() ?? null,
  firstSeenAt: s.firstSeenAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
});

export async function findStatements(targetId: string, queryids: string[]): Promise<Map<string, StatementRow>> {
  if (!queryids.length) return new Map();
  const rows = await db().queryStatement.findMany({ where: { targetId, queryid: { in: queryids } } });
  return new Map(rows.map((r) => [r.queryid, toStatementRow(r)]));
}

export async function findStatement(targetId: string, queryid: string): Promise<StatementRow | null> {
  const r = await db().queryStatement.findUnique({ where: { targetId_queryid: { targetId, queryid } } });
  return r ? toStatementRow(r) : null;
}

export async function updateStatementPlan(
  targetId: string,
  queryid: string,
  data: { planCost: number | null; planFindings: PlanFinding[]; planError: string | null },
): Promise<void> {
  await db().queryStatement.update({
    where: { targetId_queryid: { targetId, queryid } },
    data: { planCost: data.planCost, planFindings: J(data.planFindings), planError: data.planError, plannedAt: new Date() },
  });
}

/** After an index changes, the stored generic plans of the statements it was for are stale: plan them again. */
export async function invalidateStatementPlans(targetId: string, queryids: string[]): Promise<void> {
  if (!queryids.length) return;
  await db().queryStatement.updateMany({ where: { targetId, queryid: { in: queryids } }, data: { plannedAt: null } });
}

// ─── window aggregates ───

/** An IntervalDelta summed over a window of intervals. */
export type WindowAggregate = Omit<IntervalDelta, 'takenAt'> & { intervals: number };

/**
 * Σ of the per-interval deltas per statement, for snapshots taken in (fromExclusive, to]; with `measuredOnly`, only
 * intervals of known length (not a first snapshot's "since the last reset").
 */
export async function aggregateWindow(targetId: string, fromExclusive: string, to: string, opts: { measuredOnly?: boolean } = {}): Promise<WindowAggregate[]> {
  const measured = opts.measuredOnly
    ? Prisma.sql`AND "snapshotId" IN (SELECT "id" FROM "QuerySnapshot" WHERE "targetId" = ${targetId} AND NOT "firstSnapshot" AND "intervalSeconds" IS NOT NULL)`
    : Prisma.empty;
  const rows = await db().$queryRaw<
    { queryid: string; calls: number; total: number; sumsq: number; rows: number; hit: number; read: number; tr: number; tw: number; reset: boolean; n: bigint }[]
  >`
    SELECT "queryid", sum("calls")::float8 AS calls, sum("totalExecTimeMs")::float8 AS total, sum("sumSqExecTimeMs")::float8 AS sumsq,
           sum("rows")::float8 AS rows, sum("sharedBlksHit")::float8 AS hit, sum("sharedBlksRead")::float8 AS read,
           sum("tempBlksRead")::float8 AS tr, sum("tempBlksWritten")::float8 AS tw, bool_or("reset") AS reset, count(*) AS n
      FROM "QueryStatSample"
     WHERE "targetId" = ${targetId} AND "takenAt" > ${new Date(fromExclusive)} AND "takenAt" <= ${new Date(to)} ${measured}
     GROUP BY "queryid"`;
  return rows.map((r) => ({
    queryid: r.queryid,
    calls: Number(r.calls),
    totalExecTimeMs: Number(r.total),
    sumSqExecTimeMs: Number(r.sumsq),
    rows: Number(r.rows),
    sharedBlksHit: Number(r.hit),
    sharedBlksRead: Number(r.read),
    tempBlksRead: Number(r.tr),
    tempBlksWritten: Number(r.tw),
    reset: !!r.reset,
    intervals: Number(r.n),
  }));
}

/** The measured intervals (not first snapshots) taken since `from`: their total length and time span. */
export async function measuredIntervals(targetId: string, from: Date): Promise<{ seconds: number; from: string; to: string; count: number } | null> {
  const rows = await db().querySnapshot.findMany({
    where: { targetId, takenAt: { gte: from }, firstSnapshot: false, intervalSeconds: { not: null } },
    orderBy: { takenAt: 'asc' },
    select: { takenAt: true, intervalSeconds: true },
  });
  if (!rows.length) return null;
  return {
    seconds: rows.reduce((s, r) => s + (r.intervalSeconds ?? 0), 0),
    from: new Date(rows[0].takenAt.getTime() - 1).toISOString(),
    to: rows[rows.length - 1].takenAt.toISOString(),
    count: rows.length,
  };
}

export async function findStatementIntervals(targetId: string, queryid: string, take: number) {
  const rows = await db().queryStatSample.findMany({
    where: { targetId, queryid },
    orderBy: { takenAt: 'desc' },
    take,
    include: { snapshot: { select: { intervalSeconds: true } } },
  });
  return rows.reverse();
}

// ─── samples ───

export async function insertSamples(
  targetId: string,
  samples: { fingerprint: string; queryid: string | null; durationMs: number; at: Date; plan: unknown }[],
  texts: { fingerprint: string; query: string }[],
): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.querySample.createMany({
      data: samples.map((s) => ({
        targetId,
        fingerprint: s.fingerprint,
        queryid: s.queryid,
        durationMs: s.durationMs,
        at: s.at,
        plan: s.plan === undefined || s.plan === null ? Prisma.DbNull : J(s.plan),
      })),
    });
    if (texts.length) {
      const now = new Date();
      await tx.$executeRaw`
        INSERT INTO "QueryFingerprint" ("targetId", "fingerprint", "query", "lastSeenAt")
        SELECT ${targetId}, f.fp, f.q, ${now} FROM unnest(${texts.map((t) => t.fingerprint)}::text[], ${texts.map((t) => t.query)}::text[]) AS f(fp, q)
        ON CONFLICT ("targetId", "fingerprint") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"`;
    }
  });
}

/** fingerprint → the first queryid collected with it. */
export async function queryidsForFingerprints(targetId: string, fingerprints: string[]): Promise<Map<string, string>> {
  if (!fingerprints.length) return new Map();
  const rows = await db().queryStatement.findMany({
    where: { targetId, fingerprint: { in: fingerprints } },
    select: { queryid: true, fingerprint: true },
    orderBy: { lastSeenAt: 'desc' },
  });
  const out = new Map<string, string>();
  for (const r of rows) if (r.fingerprint && !out.has(r.fingerprint)) out.set(r.fingerprint, r.queryid);
  return out;
}

export interface LatencyRow {
  fingerprint: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Percentiles per fingerprint over samples at or after `from` (percentile_disc: nearest rank, the same definition as
 * percentiles.ts). `fingerprints` null = every fingerprint of the target.
 */
export async function latencyByFingerprint(targetId: string, from: Date, fingerprints: string[] | null): Promise<LatencyRow[]> {
  if (fingerprints && fingerprints.length === 0) return [];
  const filter = fingerprints ? Prisma.sql`AND "fingerprint" = ANY(${fingerprints}::text[])` : Prisma.empty;
  const rows = await db().$queryRaw<{ fingerprint: string; n: bigint; p: number[]; max: number }[]>`
    SELECT "fingerprint", count(*) AS n, percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "durationMs") AS p, max("durationMs") AS max
      FROM "QuerySample" WHERE "targetId" = ${targetId} AND "at" >= ${from} ${filter}
     GROUP BY "fingerprint"`;
  return rows.map((r) => ({ fingerprint: r.fingerprint, count: Number(r.n), p50: r.p[0], p95: r.p[1], p99: r.p[2], max: Number(r.max) }));
}

export async function fingerprintTexts(targetId: string, fingerprints: string[]): Promise<Map<string, string>> {
  if (!fingerprints.length) return new Map();
  const rows = await db().queryFingerprint.findMany({ where: { targetId, fingerprint: { in: fingerprints } }, select: { fingerprint: true, query: true } });
  return new Map(rows.map((r) => [r.fingerprint, r.query]));
}

export async function findSampleDurations(targetId: string, fingerprint: string, from: Date, take: number): Promise<{ at: string; durationMs: number }[]> {
  const rows = await db().querySample.findMany({
    where: { targetId, fingerprint, at: { gte: from } },
    orderBy: { at: 'desc' },
    take,
    select: { at: true, durationMs: true },
  });
  return rows.map((r) => ({ at: r.at.toISOString(), durationMs: r.durationMs }));
}

export async function findLatestSamplePlan(targetId: string, fingerprint: string): Promise<{ at: string; durationMs: number; plan: unknown } | null> {
  const r = await db().querySample.findFirst({
    where: { targetId, fingerprint, plan: { not: Prisma.DbNull } },
    orderBy: { at: 'desc' },
    select: { at: true, durationMs: true, plan: true },
  });
  return r ? { at: r.at.toISOString(), durationMs: r.durationMs, plan: r.plan } : null;
}

// ─── EXPLAIN ANALYZE runs ───

export function toPlanDto(p: QueryPlan): QueryPlanDto {
  return {
    id: p.id,
    queryid: p.queryid,
    analyzed: p.analyzed,
    params: (p.params as string[] | null) ?? null,
    plan: p.plan,
    totalCost: p.totalCost,
    executionMs: p.executionMs,
    findings: (p.findings as unknown as PlanFinding[]) ?? [],
    createdAt: p.createdAt.toISOString(),
  };
}

export async function insertPlan(
  tx: Client,
  data: { id: string; targetId: string; queryid: string; params: string[]; plan: unknown; totalCost: number; executionMs: number | null; findings: PlanFinding[]; createdById: string | null },
): Promise<QueryPlanDto> {
  const p = await tx.queryPlan.create({ data: { ...data, analyzed: true, params: J(data.params), plan: J(data.plan), findings: J(data.findings) } });
  return toPlanDto(p);
}

export async function findPlans(targetId: string, queryid: string, take = 5): Promise<QueryPlanDto[]> {
  const rows = await db().queryPlan.findMany({ where: { targetId, queryid }, orderBy: { createdAt: 'desc' }, take });
  return rows.map(toPlanDto);
}

// ─── analyses ───

export function toAnalysisDto(a: IndexAnalysis): AnalysisDto {
  return {
    id: a.id,
    targetId: a.targetId,
    status: a.status,
    progress: a.progress,
    phase: a.phase,
    jobId: a.jobId,
    summary: (a.summary as unknown as AnalysisSummary | null) ?? null,
    findings: (a.findings as unknown as AnalysisDto['findings'] | null) ?? [],
    unverified: (a.unverified as unknown as AnalysisDto['unverified'] | null) ?? [],
    skipped: (a.skipped as unknown as AnalysisDto['skipped'] | null) ?? [],
    error: a.error,
    createdAt: a.createdAt.toISOString(),
    startedAt: a.startedAt?.toISOString() ?? null,
    finishedAt: a.finishedAt?.toISOString() ?? null,
  };
}

export async function insertAnalysis(tx: Client, data: { id: string; targetId: string; jobId: string; options: unknown; createdById: string | null }): Promise<AnalysisDto> {
  return toAnalysisDto(await tx.indexAnalysis.create({ data: { ...data, options: J(data.options) } }));
}

export async function findAnalysis(id: string): Promise<AnalysisDto | null> {
  const a = await db().indexAnalysis.findUnique({ where: { id } });
  return a ? toAnalysisDto(a) : null;
}

export async function findAnalyses(targetId: string, take: number): Promise<AnalysisDto[]> {
  const rows = await db().indexAnalysis.findMany({ where: { targetId }, orderBy: { createdAt: 'desc' }, take });
  return rows.map(toAnalysisDto);
}

export async function updateAnalysis(id: string, data: Prisma.IndexAnalysisUpdateInput, client: Client = db()): Promise<void> {
  await client.indexAnalysis.update({ where: { id }, data });
}

/** Claims a queued analysis (status → running); false when someone else already did or it is gone. */
export async function claimAnalysis(id: string): Promise<boolean> {
  const r = await db().indexAnalysis.updateMany({ where: { id, status: 'queued' }, data: { status: 'running', startedAt: new Date(), progress: 0.01 } });
  return r.count === 1;
}

// ─── recommendations ───

type RecWithEvents = IndexRecommendation & { events: RecommendationEvent[] };

export function toRecommendationDto(r: RecWithEvents): RecommendationDto {
  return {
    id: r.id,
    targetId: r.targetId,
    analysisId: r.analysisId,
    kind: r.kind as 'create' | 'drop',
    schema: r.schema,
    table: r.table,
    indexName: r.indexName,
    columns: r.columns as string[],
    include: r.include as string[],
    where: r.where,
    method: r.method,
    ddl: r.ddl,
    estimatedCostReductionPct: r.estimatedCostReductionPct,
    estimatedTimeSavedMsPerDay: r.estimatedTimeSavedMsPerDay,
    estimatedSizeBytes: r.estimatedSizeBytes,
    writeOverheadMsPerDay: r.writeOverheadMsPerDay,
    queries: r.queries as unknown as RecommendationDto['queries'],
    reasons: r.reasons as string[],
    whyNotOthers: r.whyNotOthers as string[],
    dropKind: r.dropKind,
    dropReason: r.dropReason,
    coveredBy: r.coveredBy,
    state: r.state as ApprovalState,
    progress: r.progress,
    progressPhase: r.progressPhase,
    jobId: r.jobId,
    result: (r.result as unknown as RecommendationDto['result']) ?? null,
    error: r.error,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    appliedAt: r.appliedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    events: [...r.events]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((e) => ({ from: e.fromState, to: e.toState, at: e.at.toISOString(), actorEmail: e.actorEmail, note: e.note })),
  };
}

export async function findRecommendationRow(id: string, client: Client = db()): Promise<RecWithEvents | null> {
  return client.indexRecommendation.findUnique({ where: { id }, include: { events: true } });
}

export async function findRecommendation(id: string): Promise<RecommendationDto | null> {
  const r = await findRecommendationRow(id);
  return r ? toRecommendationDto(r) : null;
}

const STATE_ORDER: Record<string, number> = { applying: 0, approved: 1, proposed: 2, failed: 3, applied: 4, did_not_help: 5, rolled_back: 6, rejected: 7, superseded: 8 };

/** Newest analysis first; within it, in-flight before proposals before outcomes; biggest saving first. */
export async function findRecommendations(targetId: string, opts: { states?: string[]; take?: number } = {}): Promise<RecommendationDto[]> {
  const rows = await db().indexRecommendation.findMany({
    where: { targetId, ...(opts.states ? { state: { in: opts.states } } : {}) },
    include: { events: true },
    orderBy: [{ createdAt: 'desc' }],
    take: opts.take ?? 200,
  });
  return rows
    .map(toRecommendationDto)
    .sort(
      (a, b) =>
        (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) ||
        (a.kind === b.kind ? 0 : a.kind === 'create' ? -1 : 1) ||
        (b.estimatedTimeSavedMsPerDay ?? 0) - (a.estimatedTimeSavedMsPerDay ?? 0) ||
        b.createdAt.localeCompare(a.createdAt),
    );
}

export async function findActiveRecommendationKeys(tx: Client, targetId: string): Promise<Set<string>> {
  const rows = await tx.indexRecommendation.findMany({
    where: { targetId, state: { in: ['approved', 'applying', 'failed'] } },
    select: { key: true },
  });
  return new Set(rows.map((r) => r.key));
}

export async function findProposed(tx: Client, targetId: string): Promise<{ id: string }[]> {
  return tx.indexRecommendation.findMany({ where: { targetId, state: 'proposed' }, select: { id: true } });
}

export async function insertRecommendation(tx: Client, data: Prisma.IndexRecommendationUncheckedCreateInput, created: StateEvent<ApprovalState>): Promise<void> {
  await tx.indexRecommendation.create({ data });
  await insertEvent(tx, String(data.id), created);
}

export async function insertEvent(tx: Client, recommendationId: string, e: StateEvent<ApprovalState>): Promise<void> {
  await tx.recommendationEvent.create({
    data: { recommendationId, fromState: e.from, toState: e.to, actorId: e.actor?.id ?? null, actorEmail: e.actor?.email ?? null, note: e.note ?? null, at: new Date(e.at) },
  });
}

/**
 * Moves a recommendation to its next state only if it is still in `from` (compare-and-set), and records the event.
 * Returns false when the state changed under us (someone else decided first).
 */
export async function applyTransition(
  tx: Client,
  id: string,
  e: StateEvent<ApprovalState>,
  data: Omit<Prisma.IndexRecommendationUpdateManyMutationInput, 'state'> = {},
): Promise<boolean> {
  const r = await tx.indexRecommendation.updateMany({ where: { id, state: e.from ?? undefined }, data: { ...data, state: e.to } });
  if (r.count !== 1) return false;
  await insertEvent(tx, id, e);
  return true;
}

export async function updateRecommendationProgress(id: string, progress: number, phase: string | null): Promise<void> {
  await db().indexRecommendation.updateMany({ where: { id, state: 'applying' }, data: { progress, progressPhase: phase } });
}

export async function updateRecommendation(id: string, data: Prisma.IndexRecommendationUpdateInput): Promise<void> {
  await db().indexRecommendation.update({ where: { id }, data });
}

// ─── retention ───

/**
 * Keeps history bounded: snapshots older than the retention or beyond the newest `maxSnapshots` (their deltas
 * cascade), samples older than the sample retention, statements not seen since the retention with nothing pointing at
 * them, and this collector's own finished job records older than a day.
 */
export async function pruneHistory(targetId: string, s: CollectorSettings, now = new Date()): Promise<{ snapshots: number; samples: number; statements: number }> {
  const cutoff = new Date(now.getTime() - s.retentionDays * 86_400_000);
  const keep = await db().querySnapshot.findMany({ where: { targetId }, orderBy: { takenAt: 'desc' }, skip: s.maxSnapshots - 1, take: 1, select: { takenAt: true } });
  const byCount = keep[0]?.takenAt;
  const snaps = await db().querySnapshot.deleteMany({
    where: { targetId, OR: [{ takenAt: { lt: cutoff } }, ...(byCount ? [{ takenAt: { lt: byCount } }] : [])] },
  });
  const samples = await db().querySample.deleteMany({ where: { targetId, at: { lt: new Date(now.getTime() - s.sampleRetentionHours * 3_600_000) } } });
  await db().queryFingerprint.deleteMany({ where: { targetId, lastSeenAt: { lt: new Date(now.getTime() - s.sampleRetentionHours * 3_600_000) } } });
  const statements = await db().$executeRaw`
    DELETE FROM "QueryStatement" st
     WHERE st."targetId" = ${targetId} AND st."lastSeenAt" < ${cutoff}
       AND NOT EXISTS (SELECT 1 FROM "QueryStatSample" x WHERE x."targetId" = st."targetId" AND x."queryid" = st."queryid")`;
  await db().jobRecord.deleteMany({
    where: { name: 'queries.collect', status: { in: ['succeeded', 'failed', 'abandoned'] }, finishedAt: { lt: new Date(now.getTime() - 86_400_000) } },
  });
  return { snapshots: snaps.count, samples: samples.count, statements: Number(statements) };
}
