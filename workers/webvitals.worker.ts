import type { HandlerEntry } from '@/server/jobs/runner';
import { abandonRun, runAuditJob } from '@/server/webvitals/service';

// Thin: the payload was parsed by the runner against the registry schema; the service does the work.
// The webvitals queue has concurrency 1, so Lighthouse audits never overlap within the workers.
export const webvitalsHandlers: Record<string, HandlerEntry> = {
  'webvitals.audit': {
    run: (payload, ctx) => runAuditJob((payload as { runId: string }).runId, ctx),
    onAbandon: (payload) => abandonRun((payload as { runId: string }).runId),
  },
};
