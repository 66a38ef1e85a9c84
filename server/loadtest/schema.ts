// Scenario spec (stored in the DB, edited in the UI, run by the engine) and the wire types the engine emits.
// Pure: zod only. Messages are written for the person filling in the form, not for a developer.
import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

// Placeholders a body template may contain; replaced per request (see renderBody in engine.ts).
export const BODY_PLACEHOLDERS = ['{{seq}}', '{{vu}}', '{{rand}}', '{{now}}'] as const;

/** Replace every known placeholder with a sample number, so a template can be JSON-checked before a run. */
export function sampleBody(template: string): string {
  return template.replace(/\{\{(seq|vu|rand|now)\}\}/g, '1');
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Hop-by-hop and framing headers are set by the engine; letting a user override them would break keep-alive framing.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .refine((n) => Number.isInteger(n) && n >= min, { error: `${what} must be a whole number ≥ ${min}`, abort: true })
    .refine((n) => n <= max, { error: `${what} must be at most ${max}` });

const positiveNumber = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .refine((n) => Number.isFinite(n) && n > 0, { error: `${what} must be greater than 0`, abort: true })
    .refine((n) => n <= max, { error: `${what} must be at most ${max}` });

export const endpointSchema = z.object({
  name: z
    .string({ error: 'name is required' })
    .trim()
    .min(1, { error: 'name is required' })
    .max(64, { error: 'name must be at most 64 characters' })
    .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'name may use letters, digits, "_", ".", ":" and "-" only' }),
  method: z.enum(HTTP_METHODS, { error: `method must be one of ${HTTP_METHODS.join(', ')}` }),
  path: z
    .string({ error: 'path is required' })
    .min(1, { error: 'path is required' })
    .max(2048, { error: 'path must be at most 2048 characters' })
    .refine((p) => p.startsWith('/'), { error: 'path must start with "/" (it is appended to the target base URL)' })
    .refine((p) => ![...p].some((ch) => ch <= ' ' || ch === '\u007f'), { error: 'path must not contain spaces or control characters' })
    .refine((p) => ![...p].some((ch) => ch > '\u007f'), { error: 'path must be ASCII: percent-encode other characters (é → %C3%A9)' }),
  headers: z
    .record(z.string(), z.string({ error: 'header values must be text' }))
    .optional()
    .superRefine((headers, ctx) => {
      for (const [k, v] of Object.entries(headers ?? {})) {
        if (!HEADER_NAME.test(k)) ctx.addIssue({ code: 'custom', message: `header name "${k}" is not a valid HTTP header name` });
        else if (RESERVED_HEADERS.has(k.toLowerCase()))
          ctx.addIssue({ code: 'custom', message: `header "${k}" is set by the load engine and cannot be overridden` });
        if (v.includes('\r') || v.includes('\n') || v.includes('\u0000')) ctx.addIssue({ code: 'custom', message: `header "${k}" must not contain line breaks` });
        else if ([...v].some((ch) => ch > '\u00ff')) ctx.addIssue({ code: 'custom', message: `header "${k}" must use Latin-1 characters only` });
      }
    }),
  body: z
    .string()
    .max(64 * 1024, { error: 'body must be at most 64 KiB' })
    .optional()
    .superRefine((body, ctx) => {
      if (body === undefined || body === '') return;
      try {
        JSON.parse(sampleBody(body));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `body must be JSON (placeholders ${BODY_PLACEHOLDERS.join(', ')} may stand where a number goes)`,
        });
      }
    }),
  weight: wholeNumber('weight', 1, 1000),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const closedModelSchema = z.object({
  kind: z.literal('closed'),
  vus: wholeNumber('virtual users (vus)', 1, 5000),
  thinkTimeMs: z
    .number({ error: 'think time must be a number of milliseconds' })
    .refine((n) => Number.isFinite(n) && n >= 0, { error: 'think time must be 0 ms or more' })
    .refine((n) => n <= 600_000, { error: 'think time must be at most 600000 ms' }),
});
export const openModelSchema = z.object({
  kind: z.literal('open'),
  rate: positiveNumber('rate (requests per second)', 100_000),
});
export const workloadModelSchema = z.discriminatedUnion('kind', [closedModelSchema, openModelSchema], {
  error: 'model kind must be "closed" (virtual users) or "open" (arrival rate)',
});
export type ClosedModel = z.infer<typeof closedModelSchema>;
export type OpenModel = z.infer<typeof openModelSchema>;
export type WorkloadModel = z.infer<typeof workloadModelSchema>;

export const stageSchema = z.object({
  durationSec: positiveNumber('stage duration (seconds)', 86_400),
  target: z
    .number({ error: 'stage target must be a number' })
    .refine((n) => Number.isFinite(n) && n >= 0, { error: 'stage target must be 0 or more' }),
});
export type Stage = z.infer<typeof stageSchema>;

export const ASSERTION_METRICS = ['p50', 'p95', 'p99', 'max', 'errorRate', 'rps'] as const;
export type AssertionMetric = (typeof ASSERTION_METRICS)[number];
export const ASSERTION_OPS = ['<', '<=', '>', '>='] as const;
export type AssertionOp = (typeof ASSERTION_OPS)[number];

export const assertionSchema = z
  .object({
    metric: z.enum(ASSERTION_METRICS, { error: `metric must be one of ${ASSERTION_METRICS.join(', ')}` }),
    endpoint: z.string().min(1).optional(),
    op: z.enum(ASSERTION_OPS, { error: 'op must be one of <, <=, >, >=' }),
    value: z.number({ error: 'assertion value must be a number' }).refine(Number.isFinite, { error: 'assertion value must be a finite number' }),
    abortOnFail: z.boolean().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.metric === 'errorRate' && (a.value < 0 || a.value > 1))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'errorRate is a fraction between 0 and 1 (0.01 means 1%)' });
    if (a.metric !== 'errorRate' && a.value < 0)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${a.metric} threshold must be 0 or more` });
  });
export type Assertion = z.infer<typeof assertionSchema>;

export const scenarioSpecSchema = z
  .object({
    endpoints: z
      .array(endpointSchema)
      .min(1, { error: 'add at least one endpoint' })
      .max(50, { error: 'a scenario may have at most 50 endpoints' }),
    model: workloadModelSchema,
    stages: z.array(stageSchema).max(100, { error: 'a scenario may have at most 100 stages' }).default([]),
    durationSec: positiveNumber('duration (seconds)', 86_400),
    timeoutMs: wholeNumber('request timeout (ms)', 1, 600_000),
    maxConnections: wholeNumber('maximum connections', 1, 10_000),
    assertions: z.array(assertionSchema).max(50, { error: 'a scenario may have at most 50 assertions' }).default([]),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.endpoints.forEach((e, i) => {
      if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'name'], message: `endpoint name "${e.name}" is used twice` });
      seen.add(e.name);
    });
    spec.assertions.forEach((a, i) => {
      if (a.endpoint !== undefined && !seen.has(a.endpoint))
        ctx.addIssue({ code: 'custom', path: ['assertions', i, 'endpoint'], message: `assertion refers to unknown endpoint "${a.endpoint}"` });
    });
    if (spec.stages.length > 0) {
      const sum = spec.stages.reduce((s, st) => s + st.durationSec, 0);
      if (Math.abs(sum - spec.durationSec) > 1e-6)
        ctx.addIssue({
          code: 'custom',
          path: ['durationSec'],
          message: `duration must equal the sum of the stage durations (${+sum.toFixed(3)} s)`,
        });
    }
    const unit = spec.model.kind === 'closed' ? 'virtual users' : 'requests per second';
    const limit = spec.model.kind === 'closed' ? 5000 : 100_000;
    spec.stages.forEach((st, i) => {
      if (st.target > limit) ctx.addIssue({ code: 'custom', path: ['stages', i, 'target'], message: `stage target must be at most ${limit} ${unit}` });
      if (spec.model.kind === 'closed' && !Number.isInteger(st.target))
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'target'], message: 'stage target must be a whole number of virtual users' });
    });
  });
/** Parsed spec (defaults applied). */
export type ScenarioSpec = z.output<typeof scenarioSpecSchema>;
/** What a form or API may send (stages/assertions may be omitted). */
export type ScenarioSpecInput = z.input<typeof scenarioSpecSchema>;

/** Parse with messages a person understands; throws a ZodError whose issues carry those messages. */
export function parseScenarioSpec(input: unknown): ScenarioSpec {
  return scenarioSpecSchema.parse(input);
}

/** One line per problem, prefixed with where it is ("endpoints.0.weight: weight must be …"). */
export function describeSpecErrors(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

// ---------------------------------------------------------------------------------------------------------------
// Presets: sensible small defaults for a 2-core demo machine (≤ 60 s, ≤ 200 rps), except endurance (a soak).

export const PRESET_NAMES = ['baseline', 'peak', 'burst', 'sustained', 'stress', 'endurance'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export interface ScenarioPreset {
  name: PresetName;
  description: string;
  spec: ScenarioSpec;
}

export type BaseEndpoint = Omit<Endpoint, 'weight'> & { weight?: number };

export function scenarioPresets(baseEndpoints: BaseEndpoint[]): ScenarioPreset[] {
  const endpoints: Endpoint[] = baseEndpoints.map((e) => ({ ...e, weight: e.weight ?? 1 }));
  const p95 = (value: number): Assertion => ({ metric: 'p95', op: '<', value });
  const errorRate = (value: number, abortOnFail = false): Assertion => ({ metric: 'errorRate', op: '<', value, abortOnFail });
  const common = { endpoints, timeoutMs: 5000 };
  const mk = (name: PresetName, description: string, spec: Omit<ScenarioSpec, 'endpoints' | 'timeoutMs'>): ScenarioPreset => ({
    name,
    description,
    spec: parseScenarioSpec({ ...common, ...spec }),
  });
  return [
    mk('baseline', 'Steady low arrival rate to record reference latencies (open model, 20 rps for 30 s).', {
      model: { kind: 'open', rate: 20 },
      stages: [],
      durationSec: 30,
      maxConnections: 50,
      assertions: [p95(500), errorRate(0.01)],
    }),
    mk('peak', 'Ramp to the expected daily peak and hold it (open model, 10 → 100 rps, 60 s).', {
      model: { kind: 'open', rate: 10 },
      stages: [
        { durationSec: 15, target: 100 },
        { durationSec: 45, target: 100 },
      ],
      durationSec: 60,
      maxConnections: 100,
      assertions: [p95(800), errorRate(0.01)],
    }),
    mk('burst', 'Short spike from a quiet level to see queueing and recovery (open model, 20 → 200 → 20 rps, 40 s).', {
      model: { kind: 'open', rate: 20 },
      stages: [
        { durationSec: 10, target: 20 },
        { durationSec: 2, target: 200 },
        { durationSec: 8, target: 200 },
        { durationSec: 2, target: 20 },
        { durationSec: 18, target: 20 },
      ],
      durationSec: 40,
      maxConnections: 150,
      assertions: [p95(1500), errorRate(0.05, true)],
    }),
    mk('sustained', 'Constant realistic concurrency with think time (closed model, 20 users, 60 s).', {
      model: { kind: 'closed', vus: 20, thinkTimeMs: 500 },
      stages: [],
      durationSec: 60,
      maxConnections: 20,
      assertions: [p95(800), errorRate(0.01)],
    }),
    mk('stress', 'Stepped arrival rate to find the knee (open model, 25 → 200 rps in 4 steps, 60 s).', {
      model: { kind: 'open', rate: 25 },
      stages: [
        { durationSec: 14, target: 25 },
        { durationSec: 1, target: 50 },
        { durationSec: 14, target: 50 },
        { durationSec: 1, target: 100 },
        { durationSec: 14, target: 100 },
        { durationSec: 1, target: 200 },
        { durationSec: 15, target: 200 },
      ],
      durationSec: 60,
      maxConnections: 200,
      assertions: [errorRate(0.1, true)],
    }),
    mk('endurance', 'Soak: moderate rate for 30 minutes to expose leaks and slow drifts (open model, 30 rps). Longer than the other presets on purpose.', {
      model: { kind: 'open', rate: 30 },
      stages: [],
      durationSec: 1800,
      maxConnections: 50,
      assertions: [p95(800), errorRate(0.01)],
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Wire types the engine emits once per second (workers will forward these through BullMQ; validate on receipt).

export const statusCountsSchema = z.object({ '2xx': z.number().int().nonnegative(), '3xx': z.number().int().nonnegative(), '4xx': z.number().int().nonnegative(), '5xx': z.number().int().nonnegative() });
export type StatusCounts = z.infer<typeof statusCountsSchema>;
export const errorCountsSchema = z.object({ timeout: z.number().int().nonnegative(), connect: z.number().int().nonnegative(), reset: z.number().int().nonnegative(), other: z.number().int().nonnegative() });
export type ErrorCounts = z.infer<typeof errorCountsSchema>;

export const endpointSecondSchema = z.object({
  /** Requests that finished in this second: with a response (any status) or with a transport error. */
  requests: z.number().int().nonnegative(),
  status: statusCountsSchema,
  errors: errorCountsSchema,
  /** Response time (completion − intended start), µs, HDR compressed base64, this second only. */
  hist: z.string(),
  /** Service time (completion − actual send), µs, HDR compressed base64, this second only. */
  svcHist: z.string(),
});
export type EndpointSecond = z.infer<typeof endpointSecondSchema>;

export const secondSnapshotSchema = z.object({
  /** 0-based index of the second since the run's start time (the common startAt across shards). */
  second: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  byEndpoint: z.record(z.string(), endpointSecondSchema),
  overall: endpointSecondSchema,
  /** Requests sent more than LATE_START_MS after their intended start (open model; closed: timer lag). */
  lateStarts: z.number().int().nonnegative(),
  /** Open model: scheduled requests not sent because every connection was busy and the cap was reached. */
  dropped: z.number().int().nonnegative(),
  /** Closed model: VUs running in this shard at the end of the second; null for the open model. */
  activeVus: z.number().int().nonnegative().nullable(),
  /** Open model: this shard's scheduled rate at the end of the second (req/s); null for the closed model. */
  targetRate: z.number().nonnegative().nullable(),
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
});
export type SecondSnapshot = z.infer<typeof secondSnapshotSchema>;

/** Percentiles in milliseconds. */
export interface PercentileSummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

export interface EndpointTotals {
  requests: number;
  status: StatusCounts;
  errors: ErrorCounts;
  /** Transport errors + HTTP status ≥ 400 (k6's http_req_failed default). */
  failed: number;
  /** Cumulative histograms (µs, compressed base64) for merging across shards. */
  hist: string;
  svcHist: string;
  responseTimeMs: PercentileSummary;
  serviceTimeMs: PercentileSummary;
}

export interface AssertionResult {
  assertion: Assertion;
  /** Observed value (ms for latency, fraction for errorRate, req/s for rps); null when there was no data. */
  actual: number | null;
  passed: boolean;
  message: string;
}

export interface LoadResult {
  /** Epoch ms of the run's common start. */
  startedAt: number;
  /** Seconds from start until the last in-flight request ended. */
  elapsedSec: number;
  requests: number;
  /** Completed requests / elapsed seconds (k6 http_reqs rate semantics: whole run, ramps included). */
  rps: number;
  failed: number;
  errorRate: number;
  lateStarts: number;
  dropped: number;
  /** Open model: requests this shard was scheduled to start (sent + dropped; unsent ones if aborted). */
  scheduled: number | null;
  overall: EndpointTotals;
  byEndpoint: Record<string, EndpointTotals>;
  seconds: number;
  aborted: boolean;
  abortReason: string | null;
  assertions: AssertionResult[];
  shard: { index: number; count: number };
}
