// The web-budgets page's main table: each page's latest result judged against the budget that governs it now. Pure.
//
// A result also carries the verdict recorded when its run finished (`pass`, `failures`). Budgets can change after a
// run, so the table judges against today's budgets (the limits it shows beside the numbers) and says when the verdict
// recorded at run time differed.
import { AUDIT_IDS, evaluatePageResult, type AssertionFailure } from './budgets-to-assertions';
import type { Budget, FormFactor, LighthouseResultDto, PageResult } from './schema';
import type { MetricKey } from './compare';

export interface BoardRow {
  result: LighthouseResultDto;
  commitSha: string | null;
  /** The governing budget now; null when no budget matches the page (nothing was promised, so it passes). */
  budget: Budget | null;
  pass: boolean;
  failures: AssertionFailure[];
  /** Metric → the breach, for highlighting a cell with the limit it broke. */
  failed: Partial<Record<MetricKey, AssertionFailure>>;
  /** The verdict recorded when the run finished, if it differs from today's. */
  recordedPass: boolean | null;
}

const METRIC_OF_AUDIT: Record<string, MetricKey> = {
  [AUDIT_IDS.performance]: 'score',
  [AUDIT_IDS.lcp]: 'lcpMs',
  [AUDIT_IDS.cls]: 'cls',
  [AUDIT_IDS.tbt]: 'tbtMs',
  [AUDIT_IDS.scriptSize]: 'scriptBytes',
};

export function metricOfAudit(auditId: string): MetricKey | undefined {
  return METRIC_OF_AUDIT[auditId];
}

export function resultToPageResult(r: LighthouseResultDto): PageResult {
  return {
    page: r.page,
    url: r.page,
    formFactor: r.formFactor,
    runs: r.runs,
    score: r.score,
    lcpMs: r.lcpMs,
    cls: r.cls,
    tbtMs: r.tbtMs,
    fcpMs: r.fcpMs,
    siMs: r.siMs,
    scriptBytes: r.scriptBytes,
    totalBytes: r.totalBytes,
    opportunities: r.opportunities,
    medianRunIndex: r.medianRunIndex,
  };
}

export function buildBoard(
  results: readonly LighthouseResultDto[],
  budgets: readonly Budget[],
  commitOfRun: ReadonlyMap<string, string | null>,
  formFactor: FormFactor,
): BoardRow[] {
  return results
    .filter((r) => r.formFactor === formFactor)
    .slice()
    .sort((a, b) => (a.page < b.page ? -1 : a.page > b.page ? 1 : 0))
    .map((result) => {
      const e = evaluatePageResult(budgets, resultToPageResult(result));
      const failed: BoardRow['failed'] = {};
      for (const f of e.failures) {
        const k = metricOfAudit(f.auditId);
        if (k) failed[k] = f;
      }
      return {
        result,
        commitSha: commitOfRun.get(result.runId) ?? null,
        budget: e.budget,
        pass: e.pass,
        failures: e.failures,
        failed,
        recordedPass: result.pass === e.pass ? null : result.pass,
      };
    });
}
