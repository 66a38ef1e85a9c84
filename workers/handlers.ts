import type { HandlerEntry } from '@/server/jobs/runner';
import { queriesHandlers } from './queries.worker';
import { loadtestHandlers } from './loadtest.worker';
import { targetHandlers } from './targets.worker';
import { webvitalsHandlers } from './webvitals.worker';

// Job name → handler. Each capability adds its *.worker.ts spread here.
export const HANDLERS: Record<string, HandlerEntry> = {
  ...targetHandlers,
  ...loadtestHandlers,
  ...queriesHandlers,
  ...webvitalsHandlers,
};
