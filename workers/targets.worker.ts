import type { HandlerEntry } from '@/server/jobs/runner';
import { abandonTargetCheck, runTargetCheck } from '@/server/targets/service';

// Thin: the payload was parsed by the runner against the registry schema; the service does the work.
export const targetHandlers: Record<string, HandlerEntry> = {
  'targets.check': {
    run: (payload, ctx) => runTargetCheck((payload as { checkId: string }).checkId, ctx),
    onAbandon: (payload) => abandonTargetCheck((payload as { checkId: string }).checkId),
  },
};
