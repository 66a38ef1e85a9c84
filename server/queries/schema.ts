// Query insights: zod inputs (ingestion body, slow-query list parameters, collector settings, EXPLAIN ANALYZE values)
// and the DTOs pages, route handlers and the CLI receive. Pure: zod and types only.
import { z } from 'zod';
import type { ApprovalState } from '../approvals/state-machine';
import type { PlanFinding } from './plan-findings';

// ─── ingestion: POST /api/v1/queries ───

/** Most samples one request may carry (the demo's tracker sends at most 500). */
export const INGEST_MAX_SAMPLES = 1000;
/** Largest accepted body; a plan-carrying batch of 1000 samples stays well below it. */
export const INGEST_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const INGEST_MAX_QUERY_CHARS = 100_000;
export const INGEST_MAX_PLAN_CHARS = 200_000;
/** Samples from the far past or future are a clock or encoding bug, not a timing. */
export const INGEST_MAX_SKEW_MS = 7 * 86_400_000;

const isoDate = z
  .string({ error: 'must be an ISO 8601 date-time string, e.g. 2026-12-04T20:45:30.683Z' })
  .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-04T20:45:30.683Z',
  });

export const ingestSampleSchema = z.strictObject(
  {
    query: z
      .string({ error: 'must be the statement text (a string)' })
      .trim()
      .min(1, 'must not be empty')
      .max(INGEST_MAX_QUERY_CHARS, `must be at most ${INGEST_MAX_QUERY_CHARS} characters`),
    durationMs: z
      .number({ error: 'must be a number of milliseconds' })
      .refine(Number.isFinite, 'must be a finite number')
      .min(0, 'must be ≥ 0')
      .max(86_400_000, 'must be at most one day (86400000 ms)'),
    at: isoDate,
    plan: z
      .unknown()
      .optional()
      .refine((p) => p === undefined || p === null || (typeof p === 'object' && JSON.stringify(p).length <= INGEST_MAX_PLAN_CHARS), {
        message: `must be the EXPLAIN (FORMAT JSON) output (an array or object) of at most ${INGEST_MAX_PLAN_CHARS} characters`,
      }),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s): ${iss.keys.join(', ')} (allowed: query, durationMs, at, plan)` : undefined) },
);
export type IngestSample = z.infer<typeof ingestSampleSchema>;

export const ingestBodySchema = z.strictObject(
  {
    target: z.string({ error: 'must be the target name (a string)' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    samples: z
      .array(ingestSampleSchema, { error: 'must be an array of samples' })
      .min(1, 'must hold at least one sample')
      .max(INGEST_MAX_SAMPLES, `must hold at most ${INGEST_MAX_SAMPLES} samples per request (send several requests)`),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s): ${iss.keys.join(', ')} (allowed: target, samples)` : undefined) },
);
export type IngestBody = z.infer<typeof ingestBodySchema>;

export interface IngestIssue {
  /** "samples[3].durationMs", "target", or "" for the body itself. */
  field: string;
  message: string;
}

/** Validates an ingestion body; issues name the field the way a client developer reads them. At most 20 issues. */
export function validateIngestBody(raw: unknown, opts: { now?: number } = {}): { ok: true; body: IngestBody } | { ok: false; issues: IngestIssue[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: '', message: 'the body must be a JSON object {"target": "<target name>", "samples": [...]}' }] };
  }
  const r = ingestBodySchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 20).map((i) => ({ field: fieldPath(i.path), message: i.message }));
    return { ok: false, issues };
  }
  const now = opts.now ?? Date.now();
  const skewed: IngestIssue[] = [];
  r.data.samples.forEach((s, i) => {
    if (Math.abs(Date.parse(s.at) - now) > INGEST_MAX_SKEW_MS) skewed.push({ field: `samples[${i}].at`, message: 'must be within 7 days of now (check the clock)' });
  });
  if (skewed.length) return { ok: false, issues: skewed.slice(0, 20) };
  return { ok: true, body: r.data };
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export interface IngestResultDto {
  target: string;
  accepted: number;
  /** Samples whose statement matched a collected pg_stat_statements entry (by libpg_query fingerprint). */
  matched: number;
  /** Samples whose text is not a single parsable statement: not stored. */
  rejected: { index: number; message: string }[];
}

// ─── slow-query list parameters (query string of the page and of GET /api/v1/targets/:id/queries) ───

export const QUERY_WINDOWS = ['interval', '1h', '6h', '24h', '7d'] as const;
export type QueryWindow = (typeof QUERY_WINDOWS)[number];
export const WINDOW_LABEL: Record<QueryWindow, string> = {
  interval: 'Last interval',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};
export const QUERY_SORTS = ['total_time', 'mean_time', 'calls', 'p95'] as const;
export type QuerySort = (typeof QUERY_SORTS)[number];
export const SORT_LABEL: Record<QuerySort, string> = { total_time: 'Total time', mean_time: 'Mean', calls: 'Calls', p95: 'p95 (samples)' };

const enumParam = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: () => `${what} must be one of: ${values.join(', ')}` });

export const slowQueryParamsSchema = z.strictObject(
  {
    window: enumParam(QUERY_WINDOWS, 'window').default('24h'),
    sort: enumParam(QUERY_SORTS, 'sort').default('total_time'),
    order: enumParam(['desc', 'asc'] as const, 'order').default('desc'),
    show: enumParam(['slow', 'all'] as const, 'show').default('slow'),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be between 1 and 500')
      .max(500, 'limit must be between 1 and 500')
      .default(50),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown parameter(s): ${iss.keys.join(', ')}` : undefined) },
);
export type SlowQueryParams = z.infer<typeof slowQueryParamsSchema>;
export const DEFAULT_SLOW_QUERY_PARAMS: SlowQueryParams = { window: '24h', sort: 'total_time', order: 'desc', show: 'slow', limit: 50 };

/**
 * Reads list parameters from a query string (URLSearchParams or Next's searchParams object). Empty values count as
 * absent; repeated parameters are an error. `ignore` names parameters that belong to someone else (the page's
 * `target`).
 */
export function parseSlowQueryParams(
  input: URLSearchParams | Record<string, string | string[] | undefined>,
  opts: { ignore?: string[] } = {},
): { ok: true; params: SlowQueryParams } | { ok: false; params: SlowQueryParams; issues: IngestIssue[] } {
  const entries: [string, string][] = [];
  const repeated: string[] = [];
  const push = (k: string, v: string | string[] | undefined) => {
    if (opts.ignore?.includes(k) || v === undefined) return;
    if (Array.isArray(v)) {
      if (v.length > 1) repeated.push(k);
      if (v[0]) entries.push([k, v[0]]);
    } else if (v !== '') entries.push([k, v]);
  };
  if (input instanceof URLSearchParams) {
    const seen = new Set<string>();
    for (const [k, v] of input) {
      if (seen.has(k) && !opts.ignore?.includes(k)) repeated.push(k);
      seen.add(k);
      push(k, v);
    }
  } else for (const [k, v] of Object.entries(input)) push(k, v);
  const r = slowQueryParamsSchema.safeParse(Object.fromEntries(entries));
  const issues: IngestIssue[] = [...new Set(repeated)].map((k) => ({ field: k, message: `${k} is given more than once` }));
  if (!r.success) issues.push(...r.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })));
  if (issues.length) {
    // Keep what was valid, default the rest: the page still renders and says what it ignored.
    const fallback = { ...DEFAULT_SLOW_QUERY_PARAMS };
    for (const [k, v] of entries) {
      const one = slowQueryParamsSchema.shape[k as keyof SlowQueryParams]?.safeParse(v);
      if (one?.success) (fallback as Record<string, unknown>)[k] = one.data;
    }
    return { ok: false, params: fallback, issues };
  }
  return { ok: true, params: r.data! };
}

// ─── collector settings ───

export const collectorSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  intervalMinutes: z.coerce.number({ error: 'Enter a number of minutes' }).int('Whole minutes').min(1, 'At least 1 minute').max(1440, 'At most 1440 minutes (a day)'),
  retentionDays: z.coerce.number({ error: 'Enter a number of days' }).int('Whole days').min(1, 'At least 1 day').max(90, 'At most 90 days'),
  maxSnapshots: z.coerce.number({ error: 'Enter a number' }).int('A whole number').min(10, 'At least 10').max(20_000, 'At most 20000'),
  sampleRetentionHours: z.coerce.number({ error: 'Enter a number of hours' }).int('Whole hours').min(1, 'At least 1 hour').max(168, 'At most 168 hours (7 days)'),
  slowMeanMs: z.coerce.number({ error: 'Enter milliseconds' }).min(0.1, 'At least 0.1 ms').max(600_000, 'At most 600000 ms'),
  slowSharePct: z.coerce.number({ error: 'Enter a percentage' }).min(0.1, 'At least 0.1 %').max(100, 'At most 100 %'),
});
export type CollectorSettings = z.infer<typeof collectorSettingsSchema>;
export const DEFAULT_COLLECTOR_SETTINGS: CollectorSettings = {
  enabled: true,
  intervalMinutes: 5,
  retentionDays: 7,
  maxSnapshots: 2016,
  sampleRetentionHours: 24,
  slowMeanMs: 100,
  slowSharePct: 5,
};

// ─── EXPLAIN ANALYZE ───

export const explainAnalyzeInputSchema = z.object({
  queryid: z.string().min(1).max(40),
  /** Text values for $1..$n, in order. */
  params: z.array(z.string().max(10_000, 'A value may be at most 10000 characters')).max(100, 'At most 100 parameters'),
});

// ─── DTOs ───

export interface RequirementDto {
  name: string;
  ok: boolean;
  required: boolean;
  detail: string;
  fix: string | null;
}

export interface InspectionDto {
  serverVersion: string;
  database: string;
  role: string;
  readAllStats: boolean;
  requirements: RequirementDto[];
  ready: { collect: boolean; advise: boolean };
}

export interface CollectorStatusDto {
  targetId: string;
  settings: CollectorSettings;
  /** Stored settings row exists (otherwise the defaults apply). */
  customized: boolean;
  inspection: InspectionDto | null;
  inspectedAt: string | null;
  lastCollectedAt: string | null;
  lastError: string | null;
  snapshotCount: number;
  oldestSnapshotAt: string | null;
  latestSnapshot: SnapshotDto | null;
}

export interface SnapshotDto {
  id: string;
  takenAt: string;
  intervalStart: string | null;
  intervalSeconds: number | null;
  resetDetected: boolean;
  firstSnapshot: boolean;
  statementCount: number;
  totalCalls: number;
  totalExecTimeMs: number;
}

export interface LatencySummaryDto {
  source: 'samples';
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface SlowQueryDto {
  queryid: string;
  query: string;
  fingerprint: string | null;
  calls: number;
  totalExecTimeMs: number;
  meanExecTimeMs: number;
  stddevExecTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  /** Share of all statements' execution time in the window, %. */
  sharePct: number;
  callsPerSecond: number | null;
  slow: boolean;
  reasons: ('mean' | 'total_share')[];
  /** Counters restarted inside the window for this statement (reset or eviction). */
  reset: boolean;
  /** From samples the application reported, when there are any in the window. */
  latency: LatencySummaryDto | null;
  findings: PlanFinding[];
  planCost: number | null;
  plannedAt: string | null;
}

export interface SlowQueryListDto {
  targetId: string;
  params: SlowQueryParams;
  thresholds: { meanMs: number; sharePct: number };
  window: { from: string | null; to: string | null; seconds: number | null; snapshots: number; resets: number };
  totals: { calls: number; totalExecTimeMs: number; statements: number };
  rows: SlowQueryDto[];
  /** Statements the application reported that no collected pg_stat_statements entry matches. */
  unmatchedSamples: { fingerprint: string; query: string; latency: LatencySummaryDto }[];
}

export interface IntervalPointDto {
  takenAt: string;
  intervalSeconds: number | null;
  calls: number;
  totalExecTimeMs: number;
  meanExecTimeMs: number;
  stddevExecTimeMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  reset: boolean;
  /** Percentiles of the timings the application reported during this interval. */
  samples: { count: number; p50: number; p95: number; p99: number } | null;
}

export interface HelpedQueryDto {
  queryid: string;
  query: string;
  callsPerDay: number;
  meanMs: number | null;
  costBefore: number;
  costAfter: number;
  reductionPct: number;
}

export interface RecommendationEventDto {
  from: string | null;
  to: string;
  at: string;
  actorEmail: string | null;
  note: string | null;
}

export interface PlanCheckDto {
  queryid: string;
  cost: number | null;
  usesIndex: boolean;
  error?: string;
}

export interface RecommendationDto {
  id: string;
  targetId: string;
  analysisId: string | null;
  kind: 'create' | 'drop';
  schema: string;
  table: string;
  indexName: string;
  columns: string[];
  include: string[];
  where: string | null;
  method: string;
  ddl: string;
  estimatedCostReductionPct: number | null;
  estimatedTimeSavedMsPerDay: number | null;
  estimatedSizeBytes: number | null;
  writeOverheadMsPerDay: number | null;
  queries: HelpedQueryDto[];
  reasons: string[];
  whyNotOthers: string[];
  dropKind: string | null;
  dropReason: string | null;
  coveredBy: string | null;
  state: ApprovalState;
  progress: number;
  progressPhase: string | null;
  jobId: string | null;
  result: {
    outcome: string;
    before: PlanCheckDto[];
    after: PlanCheckDto[] | null;
    durationMs: number;
    leftoverInvalidIndex?: string;
  } | null;
  error: string | null;
  decidedAt: string | null;
  appliedAt: string | null;
  createdAt: string;
  updatedAt: string;
  events: RecommendationEventDto[];
}

export interface AnalysisSummary {
  analyzedQueries: number;
  candidatesEvaluated: number;
  recommendations: number;
  drops: number;
  workloadCost: { before: number; after: number };
  window: { seconds: number; source: string };
  parameterValues: { observed: number; statistics: number; generic: number };
  skippedCount: number;
  warnings: string[];
  durationMs: number;
  /** collected: the measured intervals of the last day; pg_stat_statements: everything since its last reset. */
  workloadSource?: 'collected' | 'pg_stat_statements';
}

export interface AnalysisDto {
  id: string;
  targetId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | string;
  progress: number;
  phase: string | null;
  jobId: string | null;
  summary: AnalysisSummary | null;
  findings: { queryid: string; query: string; findings: PlanFinding[] }[];
  unverified: { schema: string; table: string; columns: string[]; method: string; ddl: string; reason: string; queries: string[] }[];
  skipped: { queryid?: string; query: string; reason: string }[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface QueryPlanDto {
  id: string;
  queryid: string;
  analyzed: boolean;
  params: string[] | null;
  plan: unknown;
  totalCost: number;
  executionMs: number | null;
  findings: PlanFinding[];
  createdAt: string;
}
