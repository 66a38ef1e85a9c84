// Budgets (DB rows) → LHCI-style assertions, and the one evaluation used by both the CI gate and the UI.
// Pure: imports only ./schema types.
//
// Lighthouse 12 removed budgets from core, and LHCI converts its budget.json into an `assertMatrix` itself
// (lighthouse-ci packages/utils/src/budgets-converter.js). We do the same conversion on our own rows so that a budget
// can be exported to a lighthouserc as-is, and so that CI and UI share one evaluation path.
import type { Budget, FormFactor, PageResult } from './schema';

export const AUDIT_IDS = {
  performance: 'categories:performance',
  lcp: 'largest-contentful-paint',
  cls: 'cumulative-layout-shift',
  tbt: 'total-blocking-time',
  scriptSize: 'resource-summary:script:size',
} as const;
export type AssertedAuditId = (typeof AUDIT_IDS)[keyof typeof AUDIT_IDS];

export type AssertionLevel = 'off' | 'warn' | 'error';
/** We judge the median run only (LHCI's `median-run` aggregation); the field is kept so the output is valid LHCI. */
export type AssertionOptions =
  | { minScore: number; aggregationMethod?: 'median-run' }
  | { maxNumericValue: number; aggregationMethod?: 'median-run' };
export type Assertion = AssertionLevel | [AssertionLevel, AssertionOptions];
/** LHCI's `ci.assert.assertions` shape, restricted to the audits a Perfdeck budget covers. */
export type Assertions = Partial<Record<AssertedAuditId, Assertion>>;

/** One LHCI `assertMatrix` entry, with the budget it came from. */
export interface AssertMatrixEntry {
  matchingUrlPattern: string;
  assertions: Assertions;
  pagePattern: string;
  formFactor: FormFactor;
  budgetId?: string;
}

export interface AssertionFailure {
  auditId: string;
  /** The limit: a minimum for scores, a maximum for numeric values. */
  expected: number;
  /** null when the metric was not measured (e.g. Lighthouse's NO_LCP), which always fails. */
  actual: number | null;
  message: string;
}

export interface AssertionEvaluation {
  pass: boolean;
  failures: AssertionFailure[];
  /** Breaches of `warn`-level assertions: reported, never failing. */
  warnings: AssertionFailure[];
}

export function budgetToAssertions(budget: Budget): Assertions {
  const agg = { aggregationMethod: 'median-run' } as const;
  return {
    [AUDIT_IDS.performance]: ['error', { minScore: budget.minPerformanceScore, ...agg }],
    [AUDIT_IDS.lcp]: ['error', { maxNumericValue: budget.maxLcpMs, ...agg }],
    [AUDIT_IDS.cls]: ['error', { maxNumericValue: budget.maxCls, ...agg }],
    [AUDIT_IDS.tbt]: ['error', { maxNumericValue: budget.maxTbtMs, ...agg }],
    [AUDIT_IDS.scriptSize]: ['error', { maxNumericValue: budget.maxScriptBytes, ...agg }],
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Page pattern → source of a regex over absolute URLs, like LHCI's `convertPathExpressionToRegExp`
 * (`*` → `.*`, literal parts escaped, any scheme and host). Unlike LHCI the path is anchored at both ends: LHCI's
 * prefix match would let '/audit' also budget '/auditors', and "most specific pattern wins" needs exact matches.
 * A trailing slash, query string and fragment are ignored ('/overview' matches '/overview/?range=7d').
 */
export function pagePatternToRegExpSource(pattern: string): string {
  const trimmed = pattern.length > 1 && pattern.endsWith('/') && !pattern.endsWith('*/') ? pattern.slice(0, -1) : pattern;
  const body = trimmed.split('*').map(escapeRegExp).join('.*');
  return `^https?:\\/\\/[^/?#]+${body}\\/?(?:[?#].*)?$`;
}

export function pagePatternToRegExp(pattern: string): RegExp {
  return new RegExp(pagePatternToRegExpSource(pattern));
}

/** Accepts an absolute URL or a path; paths are matched as if on any host. */
function toMatchableUrl(urlOrPath: string): string {
  return urlOrPath.startsWith('/') ? `http://localhost${urlOrPath}` : urlOrPath;
}

export function matchesPagePattern(pattern: string, urlOrPath: string): boolean {
  return pagePatternToRegExp(pattern).test(toMatchableUrl(urlOrPath));
}

/**
 * Orders patterns most specific first: an exact path beats any glob; then more literal characters; then fewer
 * wildcards; then the pattern text, so that the choice never depends on row order.
 */
export function comparePatternSpecificity(a: string, b: string): number {
  const key = (p: string) => {
    const wildcards = (p.match(/\*/g) ?? []).length;
    return { exact: wildcards === 0 ? 1 : 0, literal: p.replace(/\*/g, '').replace(/\/$/, '').length, wildcards };
  };
  const ka = key(a);
  const kb = key(b);
  return kb.exact - ka.exact || kb.literal - ka.literal || ka.wildcards - kb.wildcards || (a < b ? -1 : a > b ? 1 : 0);
}

/** LHCI-style assertMatrix for one form factor, most specific pattern first. */
export function budgetsToAssertMatrix(budgets: readonly Budget[], formFactor: FormFactor): AssertMatrixEntry[] {
  return budgets
    .filter((b) => b.formFactor === formFactor)
    .slice()
    .sort((a, b) => comparePatternSpecificity(a.pagePattern, b.pagePattern))
    .map((b) => ({
      matchingUrlPattern: pagePatternToRegExpSource(b.pagePattern),
      assertions: budgetToAssertions(b),
      pagePattern: b.pagePattern,
      formFactor: b.formFactor,
      ...(b.id ? { budgetId: b.id } : {}),
    }));
}

/** The budget that governs a page: the most specific matching pattern for that form factor, or null. */
export function selectBudgetForPage(budgets: readonly Budget[], urlOrPath: string, formFactor: FormFactor): Budget | null {
  const candidates = budgets
    .filter((b) => b.formFactor === formFactor && matchesPagePattern(b.pagePattern, urlOrPath))
    .sort((a, b) => comparePatternSpecificity(a.pagePattern, b.pagePattern));
  return candidates[0] ?? null;
}

const AUDIT_LABELS: Record<AssertedAuditId, { label: string; format: (v: number) => string }> = {
  'categories:performance': { label: 'Performance score', format: (v) => String(Math.round(v * 100)) },
  'largest-contentful-paint': { label: 'Largest Contentful Paint', format: (v) => `${Math.round(v)} ms` },
  'cumulative-layout-shift': { label: 'Cumulative Layout Shift', format: (v) => v.toFixed(3) },
  'total-blocking-time': { label: 'Total Blocking Time', format: (v) => `${Math.round(v)} ms` },
  'resource-summary:script:size': {
    label: 'Script transfer size',
    format: (v) => `${(v / 1024).toFixed(1)} KB`,
  },
};

function actualValue(auditId: string, result: PageResult): number | null | undefined {
  switch (auditId) {
    case AUDIT_IDS.performance:
      return result.score;
    case AUDIT_IDS.lcp:
      return result.lcpMs;
    case AUDIT_IDS.cls:
      return result.cls;
    case AUDIT_IDS.tbt:
      return result.tbtMs;
    case AUDIT_IDS.scriptSize:
      return result.scriptBytes;
    default:
      return undefined; // an audit a page result does not carry
  }
}

function describe(auditId: string) {
  return AUDIT_LABELS[auditId as AssertedAuditId] ?? { label: auditId, format: (v: number) => String(v) };
}

/** Judges one page result against LHCI-style assertions. A metric that was not measured fails its assertion. */
export function evaluateAssertions(assertions: Assertions, result: PageResult): AssertionEvaluation {
  const failures: AssertionFailure[] = [];
  const warnings: AssertionFailure[] = [];
  for (const [auditId, assertion] of Object.entries(assertions) as [string, Assertion | undefined][]) {
    if (!assertion || assertion === 'off' || typeof assertion === 'string') continue; // a bare level has no limit
    const [level, options] = assertion;
    if (level === 'off') continue;
    const { label, format } = describe(auditId);
    const actual = actualValue(auditId, result);
    let breach: AssertionFailure | null = null;
    if ('minScore' in options) {
      const expected = options.minScore;
      if (actual === undefined || actual === null) {
        breach = { auditId, expected, actual: null, message: `${label} was not measured (minimum ${format(expected)})` };
      } else if (actual < expected) {
        breach = { auditId, expected, actual, message: `${label} ${format(actual)} is below the minimum ${format(expected)}` };
      }
    } else {
      const expected = options.maxNumericValue;
      if (actual === undefined || actual === null) {
        breach = { auditId, expected, actual: null, message: `${label} was not measured (budget ${format(expected)})` };
      } else if (actual > expected) {
        breach = { auditId, expected, actual, message: `${label} ${format(actual)} exceeds the budget of ${format(expected)}` };
      }
    }
    if (breach) (level === 'error' ? failures : warnings).push(breach);
  }
  return { pass: failures.length === 0, failures, warnings };
}

export interface PageBudgetEvaluation extends AssertionEvaluation {
  /** The governing budget, or null when no budget matches (such a page passes: nothing was promised). */
  budget: Budget | null;
}

/** Picks the governing budget for the result's page and form factor and evaluates it. */
export function evaluatePageResult(budgets: readonly Budget[], result: PageResult): PageBudgetEvaluation {
  const budget = selectBudgetForPage(budgets, result.page, result.formFactor);
  if (!budget) return { budget: null, pass: true, failures: [], warnings: [] };
  return { budget, ...evaluateAssertions(budgetToAssertions(budget), result) };
}
