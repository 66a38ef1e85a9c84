// What a person watching a Lighthouse run wants to know: pages done of total and the page being audited. Pure.
//
// The run row stores only `progress`, the fraction of Lighthouse runs done (pages × runs per page, see executeRun),
// and `pages`. Since every page gets the same number of runs, pages done = floor(progress × pages), whatever the
// runs per page were; the page being audited is the next one.
import type { LighthouseRunStatus } from './schema';

export interface RunProgress {
  pagesDone: number;
  pagesTotal: number;
  /** The page being audited now; null when queued or finished. */
  currentPage: string | null;
  /** 0..1, for a progress bar. */
  fraction: number;
  /** succeeded or failed: nothing more will change. */
  finished: boolean;
}

export const FINISHED_RUN_STATUSES: readonly LighthouseRunStatus[] = ['succeeded', 'failed'];

export function describeRunProgress(run: { status: LighthouseRunStatus; progress: number; pages: readonly string[] }): RunProgress {
  const pagesTotal = run.pages.length;
  const finished = FINISHED_RUN_STATUSES.includes(run.status);
  const fraction = run.status === 'succeeded' ? 1 : run.status === 'queued' ? 0 : clamp01(run.progress);
  // The epsilon absorbs float error (e.g. 2/3 × 3 = 1.9999999999999998 pages).
  const pagesDone = Math.min(pagesTotal, Math.max(0, Math.floor(fraction * pagesTotal + 1e-9)));
  const currentPage = run.status === 'running' && pagesDone < pagesTotal ? (run.pages[pagesDone] ?? null) : null;
  return { pagesDone, pagesTotal, currentPage, fraction, finished };
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

/** "2 of 5 pages · auditing /targets" */
export function runProgressLabel(status: LighthouseRunStatus, p: RunProgress): string {
  if (status === 'queued') return `Queued, waiting for a worker · ${p.pagesTotal} page${p.pagesTotal === 1 ? '' : 's'}`;
  const done = `${p.pagesDone} of ${p.pagesTotal} page${p.pagesTotal === 1 ? '' : 's'}`;
  if (p.finished) return `${status === 'succeeded' ? 'Finished' : 'Failed'} · ${done}`;
  return p.currentPage ? `${done} · auditing ${p.currentPage}` : done;
}
