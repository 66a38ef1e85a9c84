// Pass/fail assertions on a run summary (overall or per endpoint), at the end and live (k6-style abortOnFail).
// Latency metrics are judged on the response time (from the intended start: coordinated-omission corrected).
// errorRate = (transport errors + HTTP status ≥ 400) / requests, as k6's http_req_failed. rps = requests over the
// whole run, ramps included, as k6's http_reqs rate. Pure.
import type { Assertion, AssertionOp, AssertionResult, PercentileSummary } from './schema';

export interface ScopeSummary {
  requests: number;
  failed: number;
  responseTimeMs: PercentileSummary;
}

export interface RunSummaryForAssertions {
  overall: ScopeSummary;
  byEndpoint: Record<string, ScopeSummary>;
  elapsedSec: number;
}

export function compare(actual: number, op: AssertionOp, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}

/** The observed value of an assertion's metric in one scope; null when it cannot be computed (no data). */
export function metricValue(a: Assertion, scope: ScopeSummary | undefined, elapsedSec: number): number | null {
  if (a.metric === 'rps') {
    if (elapsedSec <= 0) return null;
    return (scope?.requests ?? 0) / elapsedSec;
  }
  if (!scope || scope.requests === 0) return null;
  if (a.metric === 'errorRate') return scope.failed / scope.requests;
  if (scope.responseTimeMs.count === 0) return null;
  return scope.responseTimeMs[a.metric];
}

const UNITS: Record<Assertion['metric'], string> = { p50: ' ms', p95: ' ms', p99: ' ms', max: ' ms', errorRate: '', rps: ' req/s' };

export function describeAssertion(a: Assertion): string {
  const v = a.metric === 'errorRate' ? `${+(a.value * 100).toFixed(4)}%` : `${a.value}${UNITS[a.metric]}`;
  return `${a.metric}${a.endpoint ? `{${a.endpoint}}` : ''} ${a.op} ${v}`;
}

function formatActual(a: Assertion, actual: number): string {
  return a.metric === 'errorRate' ? `${+(actual * 100).toFixed(3)}%` : `${+actual.toFixed(3)}${UNITS[a.metric]}`;
}

function scopeOf(a: Assertion, s: RunSummaryForAssertions): ScopeSummary | undefined {
  return a.endpoint === undefined ? s.overall : s.byEndpoint[a.endpoint];
}

export function evaluateAssertion(a: Assertion, summary: RunSummaryForAssertions): AssertionResult {
  const actual = metricValue(a, scopeOf(a, summary), summary.elapsedSec);
  const label = describeAssertion(a);
  if (actual === null) {
    // No data is a failure at the end of a run: an assertion the run could not check has not passed.
    return { assertion: a, actual: null, passed: false, message: `${label}: no data (no responses${a.endpoint ? ` for ${a.endpoint}` : ''})` };
  }
  const passed = compare(actual, a.op, a.value);
  return { assertion: a, actual, passed, message: `${label}: ${passed ? 'passed' : 'failed'} (actual ${formatActual(a, actual)})` };
}

export function evaluateAssertions(assertions: readonly Assertion[], summary: RunSummaryForAssertions): AssertionResult[] {
  return assertions.map((a) => evaluateAssertion(a, summary));
}

export interface LiveGrace {
  /** Do not abort before this many seconds into the run (k6's delayAbortEval). */
  minElapsedSec: number;
  /** Do not judge a scope on fewer responses than this (avoids aborting on the first slow request). */
  minRequests: number;
}
export const DEFAULT_LIVE_GRACE: LiveGrace = { minElapsedSec: 5, minRequests: 100 };

export interface LiveVerdict {
  abort: boolean;
  /** The abortOnFail assertions currently failing (after the grace period). */
  failing: AssertionResult[];
  reason: string | null;
}

/**
 * Live check for abortOnFail assertions, on the cumulative (merged) histograms so far, as k6 does. Only latency
 * and errorRate assertions are judged live; rps is a whole-run figure (it climbs through a ramp-up), so it is
 * judged at the end only. Scopes without enough data are skipped, never failed.
 */
export function evaluateLive(
  assertions: readonly Assertion[],
  summary: RunSummaryForAssertions,
  grace: LiveGrace = DEFAULT_LIVE_GRACE,
): LiveVerdict {
  const failing: AssertionResult[] = [];
  if (summary.elapsedSec >= grace.minElapsedSec) {
    for (const a of assertions) {
      if (!a.abortOnFail || a.metric === 'rps') continue;
      const scope = scopeOf(a, summary);
      if (!scope || scope.requests < grace.minRequests) continue;
      const r = evaluateAssertion(a, summary);
      if (r.actual !== null && !r.passed) failing.push(r);
    }
  }
  return {
    abort: failing.length > 0,
    failing,
    reason: failing.length ? `aborted: ${failing.map((f) => f.message).join('; ')}` : null,
  };
}
