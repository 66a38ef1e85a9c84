import { z } from 'zod';

// The one registry of background jobs: name → queue + zod payload schema. Producers enqueue through
// server/jobs/enqueue.ts (which validates the payload); workers/index.ts runs one BullMQ Worker per queue and parses the
// payload again before calling the handler. Pure: importable by workers, CLI and tests.

export const QUEUES = {
  targets: { concurrency: 4, description: 'Target checks' },
  loadtest: { concurrency: 8, description: 'Load-test coordinators and shards' },
  queries: { concurrency: 2, description: 'Query collection, analysis and index builds' },
  webvitals: { concurrency: 1, description: 'Lighthouse audits (never in parallel)' },
  maintenance: { concurrency: 1, description: 'Scheduled housekeeping' },
} as const;
export type QueueName = keyof typeof QUEUES;

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  queue: QueueName;
  schema: S;
  description: string;
  /** BullMQ attempts; long user-visible work defaults to 1 (a failure is reported, not silently retried). */
  attempts?: number;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

const id = z.string().min(1).max(64);

export const JOBS = {
  'targets.check': defineJob({
    name: 'targets.check',
    queue: 'targets',
    schema: z.object({ checkId: id }),
    description: 'Probe a target: base URL, Postgres extensions, Prometheus/metrics',
  }),
  // Domain jobs are added below by each capability (loadtest.*, queries.*, webvitals.*).
  // A load-test run: the coordinator splits it into shard jobs (any worker process on any machine runs them), merges
  // their per-second snapshots and finalises the run. Both hold a loadtest slot for the run's whole duration.
  'loadtest.coordinate': defineJob({
    name: 'loadtest.coordinate',
    queue: 'loadtest',
    schema: z.object({ runId: id }),
    description: 'Coordinate a load-test run: start shards, merge their seconds, judge assertions, finalise',
  }),
  'loadtest.shard': defineJob({
    name: 'loadtest.shard',
    queue: 'loadtest',
    schema: z.object({ runId: id, index: z.number().int().min(0).max(63), count: z.number().int().min(1).max(64) }),
    description: 'Generate one shard of a load-test run and stream its per-second snapshots to the coordinator',
  }),
  'queries.collect': defineJob({
    name: 'queries.collect',
    queue: 'queries',
    // scheduled: started by the per-target job scheduler (a target that is not ready is recorded, not failed)
    schema: z.object({ targetId: id, scheduled: z.boolean().default(false) }),
    description: "Snapshot a target's pg_stat_statements, store the interval's deltas, plan the slowest statements",
  }),
  'queries.analyze': defineJob({
    name: 'queries.analyze',
    queue: 'queries',
    schema: z.object({ targetId: id, analysisId: id }),
    description: 'Run the index advisor (HypoPG) over a target\'s workload and store its recommendations',
  }),
  'queries.applyIndex': defineJob({
    name: 'queries.applyIndex',
    queue: 'queries',
    schema: z.object({ recommendationId: id, action: z.enum(['apply', 'rollback']).default('apply') }),
    description: 'Apply an approved index recommendation (CREATE/DROP INDEX CONCURRENTLY, verify) or roll it back',
  }),
  'webvitals.audit': defineJob({
    name: 'webvitals.audit',
    queue: 'webvitals',
    schema: z.object({ runId: id }),
    description: "Lighthouse audit of the console's own pages against the web budgets",
  }),
} satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;

export function jobDefinition(name: string): JobDefinition | undefined {
  return (JOBS as Record<string, JobDefinition>)[name];
}
