import type { HandlerEntry } from '@/server/jobs/runner';
import { abandonAnalysis, abandonApply, runAnalyzeJob, runApplyJob, runCollectJob, syncCollectorSchedules } from '@/server/queries/service';

// Thin: the payload was parsed by the runner against the registry schema; the service does the work.
export const queriesHandlers: Record<string, HandlerEntry> = {
  'queries.collect': {
    run: (payload, ctx) => runCollectJob(payload as { targetId: string; scheduled: boolean }, ctx),
  },
  'queries.analyze': {
    run: (payload, ctx) => runAnalyzeJob(payload as { targetId: string; analysisId: string }, ctx),
    onAbandon: (payload) => abandonAnalysis((payload as { analysisId: string }).analysisId),
  },
  'queries.applyIndex': {
    run: (payload, ctx) => runApplyJob(payload as { recommendationId: string; action: 'apply' | 'rollback' }, ctx),
    onAbandon: (payload) => abandonApply((payload as { recommendationId: string }).recommendationId),
  },
};

/**
 * Keeps one collector schedule per target in step with the targets and their settings: at start and every minute
 * (a target added or given a DSN is picked up within a minute). Returns a stop function.
 */
export function startQueriesScheduling(log: (line: string) => void = console.log): () => void {
  const sync = () =>
    syncCollectorSchedules().then(
      (r) => {
        if (r.scheduled.length || r.removed.length) log(`[workers] query collection: scheduled ${r.scheduled.length}, removed ${r.removed.length}`);
      },
      (err) => log(`[workers] query collection schedule sync failed: ${(err as Error).message.split('\n')[0]}`),
    );
  void sync();
  const timer = setInterval(sync, 60_000);
  return () => clearInterval(timer);
}
