import type { HandlerEntry } from '@/server/jobs/runner';
import { abandonCoordinatorJob, abandonShardJob, coordinateRunJob, reapStaleRuns, runShardJob } from '@/server/loadtest/service';

// Thin: the payload was parsed by the runner against the registry schema; the service does the work. Both jobs hold a
// loadtest slot for the whole run, so a process runs the coordinator and up to (concurrency − 1) shards at once.
type ShardPayload = { runId: string; index: number; count: number };

export const loadtestHandlers: Record<string, HandlerEntry> = {
  'loadtest.coordinate': {
    run: (payload, ctx) => coordinateRunJob((payload as { runId: string }).runId, ctx),
    onAbandon: (payload) => abandonCoordinatorJob((payload as { runId: string }).runId),
  },
  'loadtest.shard': {
    run: (payload, ctx) => runShardJob(payload as ShardPayload, ctx),
    onAbandon: (payload) => abandonShardJob(payload as ShardPayload),
  },
};

/** Part of every worker's periodic sweep: runs whose coordinator died are finalised (partial) within ~20 s. */
export const loadtestSweep = reapStaleRuns;
