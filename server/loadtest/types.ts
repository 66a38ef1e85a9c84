// DTOs the load-test service returns (pages, REST, CLI), the launch/scenario inputs, and the messages shards send the
// coordinator over Redis. Pure: zod and types only.
import { z } from 'zod';
import type { AssertionResult, ErrorCounts, ScenarioSpec, StatusCounts } from './schema';
import { PRESET_NAMES, secondSnapshotSchema } from './schema';
import type { RunSummary } from './merge';
import type { RunVerdict } from './verdict';

export const RUN_STATUSES = ['queued', 'running', 'passed', 'failed', 'aborted', 'stopped', 'partial'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running'];
export const isFinished = (status: string): boolean => !ACTIVE_STATUSES.includes(status as RunStatus);

// ─── inputs ───

const name = z
  .string({ error: 'name is required' })
  .trim()
  .min(1, { error: 'name is required' })
  .max(80, { error: 'name must be at most 80 characters' });

export const scenarioInputSchema = z.object({
  targetId: z.string({ error: 'choose a target' }).min(1, { error: 'choose a target' }),
  name,
  description: z.string().trim().max(500, { error: 'description must be at most 500 characters' }).optional(),
  preset: z.enum(PRESET_NAMES).optional(),
  /** Validated separately with scenarioSpecSchema so its messages keep their field paths (spec.endpoints.0.weight). */
  spec: z.unknown(),
});
export type ScenarioInput = z.input<typeof scenarioInputSchema>;

export const MAX_SHARDS = 16;
export const launchInputSchema = z.object({
  shards: z.coerce
    .number({ error: 'shards must be a number' })
    .int({ error: 'shards must be a whole number' })
    .min(1, { error: 'shards must be at least 1' })
    .max(MAX_SHARDS, { error: `shards must be at most ${MAX_SHARDS}` })
    .default(1),
});
export type LaunchInput = z.input<typeof launchInputSchema>;

// ─── DTOs ───

export interface RunListItemDto {
  id: string;
  scenarioId: string;
  scenarioName: string;
  targetName: string;
  status: RunStatus;
  progress: number;
  shardCount: number;
  createdAt: string;
  finishedAt: string | null;
  requests: number | null;
  p95Ms: number | null;
  errorRate: number | null;
  verdict: RunVerdict['verdict'] | null;
  isBaseline: boolean;
}

export interface ScenarioDto {
  id: string;
  targetId: string;
  targetName: string;
  targetBaseUrl: string;
  name: string;
  description: string | null;
  preset: string | null;
  spec: ScenarioSpec;
  baselineRunId: string | null;
  createdAt: string;
  updatedAt: string;
  lastRun: RunListItemDto | null;
}

export interface ShardDto {
  index: number;
  status: string;
  workerId: string | null;
  lastSecond: number;
  requests: number;
  error: string | null;
}

/** The run summary as sent to clients: the cumulative histograms stay on the server. */
export type RunSummaryDto = Omit<RunSummary, 'hist' | 'svcHist'>;

export interface LoadRunDto {
  id: string;
  scenarioId: string;
  scenarioName: string;
  targetId: string;
  targetName: string;
  baseUrl: string;
  status: RunStatus;
  finished: boolean;
  stage: string | null;
  progress: number;
  shardCount: number;
  /** Seconds a complete run reports. */
  expectedSeconds: number;
  lastSecond: number;
  startAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  spec: ScenarioSpec;
  summary: RunSummaryDto | null;
  /** Live while running (judged on what has been merged so far), final afterwards. */
  assertions: AssertionResult[] | null;
  verdict: RunVerdict | null;
  /** Baseline the verdict compared against (null when the scenario had none). */
  baselineRunId: string | null;
  /** This run is the scenario's pinned baseline now. */
  isBaseline: boolean;
  error: string | null;
  shards: ShardDto[];
}

export interface ScopeSecondDto {
  requests: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** One merged second, small enough to stream to a chart. */
export interface RunSecondDto extends ScopeSecondDto {
  second: number;
  status: StatusCounts;
  errors: ErrorCounts;
  maxMs: number;
  targetRate: number | null;
  activeVus: number | null;
  shardsReported: number;
  byEndpoint: Record<string, ScopeSecondDto>;
}

// ─── shard → coordinator messages (Redis stream; validated on receipt) ───

export const shardOutcomeSchema = z.object({
  requests: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  elapsedSec: z.number().nonnegative(),
  aborted: z.boolean(),
  abortReason: z.string().nullable(),
  error: z.string().nullable(),
  hist: z.string(),
  svcHist: z.string(),
  dropped: z.number().int().nonnegative(),
  lateStarts: z.number().int().nonnegative(),
});

export const shardMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), shard: z.number().int().nonnegative(), workerId: z.string() }),
  z.object({ type: z.literal('beat'), shard: z.number().int().nonnegative() }),
  z.object({ type: z.literal('second'), shard: z.number().int().nonnegative(), snapshot: secondSnapshotSchema }),
  z.object({ type: z.literal('done'), shard: z.number().int().nonnegative(), outcome: shardOutcomeSchema }),
]);
export type ShardMessage = z.infer<typeof shardMessageSchema>;

/** What the coordinator (or the console) writes to the run's control key; shards stop on any of them. */
export type ControlSignal = 'stop' | 'abort' | 'fail' | 'lost';
