// Lighthouse result (LHR JSON) → Perfdeck page result. Pure.
// Typed against the few LHR fields we read rather than Lighthouse's own types, so fixtures stay small and this file
// imports nothing from the lighthouse package.
import type { FormFactor, Opportunity, PageResult } from './schema';

export interface LhrAudit {
  id?: string;
  title?: string;
  score?: number | null;
  scoreDisplayMode?: string;
  numericValue?: number | null;
  errorMessage?: string;
  metricSavings?: Record<string, number | undefined>;
  details?: {
    type?: string;
    overallSavingsMs?: number;
    overallSavingsBytes?: number;
    items?: unknown[];
  };
}

export interface Lhr {
  lighthouseVersion?: string;
  requestedUrl?: string;
  finalDisplayedUrl?: string;
  finalUrl?: string;
  runtimeError?: { code: string; message: string };
  runWarnings?: string[];
  configSettings?: { formFactor?: string };
  categories: { performance?: { score: number | null } };
  audits: Record<string, LhrAudit | undefined>;
}

export class LighthouseRuntimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LighthouseRuntimeError';
  }
}

const finiteOrNull = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

function numeric(lhr: Lhr, auditId: string): number | null {
  return finiteOrNull(lhr.audits[auditId]?.numericValue);
}

interface ResourceSummaryItem {
  resourceType?: string;
  transferSize?: number;
}

/** Transfer bytes for one resource type from the `resource-summary` audit, as LHCI's resource-summary:<type>:size. */
export function resourceTransferSize(lhr: Lhr, resourceType: string): number | null {
  const items = lhr.audits['resource-summary']?.details?.items as ResourceSummaryItem[] | undefined;
  if (!Array.isArray(items)) return null;
  const item = items.find((i) => i && i.resourceType === resourceType);
  return item ? finiteOrNull(item.transferSize) : null;
}

/**
 * Opportunities with any estimated saving, biggest time saving first, then bytes. Lighthouse 12 still fills
 * `details.overallSavingsMs`; when it is absent, the largest `metricSavings` entry stands in.
 */
export function extractOpportunities(lhr: Lhr, limit = 5): Opportunity[] {
  const out: Opportunity[] = [];
  for (const [key, audit] of Object.entries(lhr.audits)) {
    if (!audit || audit.details?.type !== 'opportunity') continue;
    if (audit.scoreDisplayMode === 'notApplicable' || audit.scoreDisplayMode === 'error') continue;
    const metricMax = Math.max(0, ...Object.values(audit.metricSavings ?? {}).map((v) => finiteOrNull(v) ?? 0));
    const savingsMs = Math.max(0, finiteOrNull(audit.details.overallSavingsMs) ?? metricMax);
    const savingsBytes = Math.max(0, finiteOrNull(audit.details.overallSavingsBytes) ?? 0);
    if (savingsMs <= 0 && savingsBytes <= 0) continue;
    out.push({ id: audit.id ?? key, title: audit.title ?? key, savingsMs, savingsBytes });
  }
  out.sort((a, b) => b.savingsMs - a.savingsMs || b.savingsBytes - a.savingsBytes || (a.id < b.id ? -1 : 1));
  return out.slice(0, limit);
}

export interface ExtractContext {
  page: string;
  formFactor: FormFactor;
  /** Number of runs made for this page (default 1). */
  runs?: number;
  /** Index of this LHR among those runs (default 0). */
  medianRunIndex?: number;
  opportunityLimit?: number;
}

/**
 * Throws LighthouseRuntimeError when Lighthouse could not audit the page at all (e.g. NO_FCP, an error page):
 * such a run has no metrics worth storing and should fail loudly rather than look like a slow page.
 */
export function extractPageResult(lhr: Lhr, ctx: ExtractContext): PageResult {
  if (lhr.runtimeError && lhr.runtimeError.code && lhr.runtimeError.code !== 'NO_ERROR') {
    throw new LighthouseRuntimeError(lhr.runtimeError.code, `Lighthouse failed on ${ctx.page}: ${lhr.runtimeError.message}`);
  }
  const score = finiteOrNull(lhr.categories.performance?.score);
  return {
    page: ctx.page,
    url: lhr.finalDisplayedUrl ?? lhr.finalUrl ?? lhr.requestedUrl ?? ctx.page,
    formFactor: ctx.formFactor,
    runs: ctx.runs ?? 1,
    score,
    lcpMs: numeric(lhr, 'largest-contentful-paint'),
    cls: numeric(lhr, 'cumulative-layout-shift'),
    tbtMs: numeric(lhr, 'total-blocking-time'),
    fcpMs: numeric(lhr, 'first-contentful-paint'),
    siMs: numeric(lhr, 'speed-index'),
    scriptBytes: resourceTransferSize(lhr, 'script'),
    totalBytes: resourceTransferSize(lhr, 'total') ?? numeric(lhr, 'total-byte-weight'),
    opportunities: extractOpportunities(lhr, ctx.opportunityLimit),
    medianRunIndex: ctx.medianRunIndex ?? 0,
  };
}
