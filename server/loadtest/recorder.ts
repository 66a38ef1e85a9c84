// What the engine records, kept pure so that a simulated run (tests) and the real engine share one code path.
//
// Every finished request yields at most one sample in each histogram: response time (completion − intended start)
// and service time (completion − actual send). Nothing is synthesised (unlike recordValueWithExpectedInterval,
// which autocannon misuses), so the sample count never exceeds the number of requests issued.
import { createHistogram, encodeHistogram, recordMicros, summarizeHistogram, type Histogram } from './histogram';
import type { RunSummaryForAssertions } from './assertions';
import type { EndpointSecond, EndpointTotals, ErrorCounts, SecondSnapshot, StatusCounts } from './schema';

export type ErrorKind = keyof ErrorCounts;

/** Counters for one endpoint (or overall) over one window; plain fields, mutated in the hot path. */
class Counters {
  requests = 0;
  s2xx = 0;
  s3xx = 0;
  s4xx = 0;
  s5xx = 0;
  eTimeout = 0;
  eConnect = 0;
  eReset = 0;
  eOther = 0;

  addFrom(o: Counters): void {
    this.requests += o.requests;
    this.s2xx += o.s2xx;
    this.s3xx += o.s3xx;
    this.s4xx += o.s4xx;
    this.s5xx += o.s5xx;
    this.eTimeout += o.eTimeout;
    this.eConnect += o.eConnect;
    this.eReset += o.eReset;
    this.eOther += o.eOther;
  }
  reset(): void {
    this.requests = this.s2xx = this.s3xx = this.s4xx = this.s5xx = 0;
    this.eTimeout = this.eConnect = this.eReset = this.eOther = 0;
  }
  status(): StatusCounts {
    return { '2xx': this.s2xx, '3xx': this.s3xx, '4xx': this.s4xx, '5xx': this.s5xx };
  }
  errors(): ErrorCounts {
    return { timeout: this.eTimeout, connect: this.eConnect, reset: this.eReset, other: this.eOther };
  }
  /** Transport errors + HTTP status ≥ 400 (k6's http_req_failed default). */
  failed(): number {
    return this.s4xx + this.s5xx + this.eTimeout + this.eConnect + this.eReset + this.eOther;
  }
}

class Scope {
  readonly delta = new Counters();
  readonly total = new Counters();
  readonly hist = createHistogram();
  readonly svcHist = createHistogram();
  readonly totalHist = createHistogram();
  readonly totalSvcHist = createHistogram();
}

export interface RecorderOptions {
  /** A request sent more than this many ms after its intended start counts as a late start. */
  lateStartMs: number;
  shard?: { index: number; count: number };
}

export class LoadRecorder {
  readonly names: readonly string[];
  private readonly scopes: Scope[];
  private readonly overall = new Scope();
  private readonly lateStartMs: number;
  private readonly shard: { index: number; count: number };
  private lateDelta = 0;
  private droppedDelta = 0;
  lateStarts = 0;
  dropped = 0;
  /** Samples recorded into the response-time histograms (== responses received). */
  samples = 0;

  constructor(endpointNames: readonly string[], opts: RecorderOptions) {
    this.names = endpointNames;
    this.scopes = endpointNames.map(() => new Scope());
    this.lateStartMs = opts.lateStartMs;
    this.shard = opts.shard ?? { index: 0, count: 1 };
  }

  /** Call when a request is actually written; counts it late if it left more than lateStartMs after intended. */
  recordStart(intendedMs: number, sentMs: number): void {
    if (sentMs - intendedMs > this.lateStartMs) this.lateDelta++;
  }

  recordResponse(ep: number, status: number, intendedMs: number, sentMs: number, doneMs: number): void {
    const s = this.scopes[ep];
    const c = s.delta;
    c.requests++;
    if (status < 300) c.s2xx++;
    else if (status < 400) c.s3xx++;
    else if (status < 500) c.s4xx++;
    else c.s5xx++;
    // From the earlier of intended and actual send: a request sent a hair early (timer resolution) is measured
    // from its send, so response time is never below service time.
    recordMicros(s.hist, (doneMs - (intendedMs < sentMs ? intendedMs : sentMs)) * 1000);
    recordMicros(s.svcHist, (doneMs - sentMs) * 1000);
    this.samples++;
  }

  recordError(ep: number, kind: ErrorKind): void {
    const c = this.scopes[ep].delta;
    c.requests++;
    if (kind === 'timeout') c.eTimeout++;
    else if (kind === 'connect') c.eConnect++;
    else if (kind === 'reset') c.eReset++;
    else c.eOther++;
  }

  recordDropped(n = 1): void {
    this.droppedDelta += n;
  }

  /**
   * Close the current one-second window: returns its snapshot (deltas, HDR-encoded) and folds the deltas into the
   * cumulative totals.
   */
  takeSecond(second: number, gauges: { activeVus: number | null; targetRate: number | null }): SecondSnapshot {
    const byEndpoint: Record<string, EndpointSecond> = {};
    const o = this.overall;
    o.delta.reset();
    o.hist.reset();
    o.svcHist.reset();
    this.scopes.forEach((s, i) => {
      byEndpoint[this.names[i]] = this.closeScope(s);
      o.delta.addFrom(s.delta);
      if (s.hist.totalCount) o.hist.add(s.hist);
      if (s.svcHist.totalCount) o.svcHist.add(s.svcHist);
      s.delta.reset();
      s.hist.reset();
      s.svcHist.reset();
    });
    const overall = this.closeScope(o);
    this.lateStarts += this.lateDelta;
    this.dropped += this.droppedDelta;
    const snap: SecondSnapshot = {
      second,
      requests: o.delta.requests,
      byEndpoint,
      overall,
      lateStarts: this.lateDelta,
      dropped: this.droppedDelta,
      activeVus: gauges.activeVus,
      targetRate: gauges.targetRate,
      shard: { ...this.shard },
    };
    this.lateDelta = 0;
    this.droppedDelta = 0;
    return snap;
  }

  private closeScope(s: Scope): EndpointSecond {
    s.total.addFrom(s.delta);
    if (s.hist.totalCount) s.totalHist.add(s.hist);
    if (s.svcHist.totalCount) s.totalSvcHist.add(s.svcHist);
    return {
      requests: s.delta.requests,
      status: s.delta.status(),
      errors: s.delta.errors(),
      hist: encodeHistogram(s.hist),
      svcHist: encodeHistogram(s.svcHist),
    };
  }

  /** Requests finished so far, including the open window (cheap: no histogram work). */
  get requestsSoFar(): number {
    let n = this.overall.total.requests;
    for (const s of this.scopes) n += s.delta.requests;
    return n;
  }

  private scopeTotals(s: Scope): EndpointTotals {
    return {
      requests: s.total.requests,
      status: s.total.status(),
      errors: s.total.errors(),
      failed: s.total.failed(),
      hist: encodeHistogram(s.totalHist),
      svcHist: encodeHistogram(s.totalSvcHist),
      responseTimeMs: summarizeHistogram(s.totalHist),
      serviceTimeMs: summarizeHistogram(s.totalSvcHist),
    };
  }

  /** Cumulative totals over the closed windows (call takeSecond first to include the last partial second). */
  totals(): { overall: EndpointTotals; byEndpoint: Record<string, EndpointTotals> } {
    const byEndpoint: Record<string, EndpointTotals> = {};
    this.scopes.forEach((s, i) => (byEndpoint[this.names[i]] = this.scopeTotals(s)));
    return { overall: this.scopeTotals(this.overall), byEndpoint };
  }

  /** Cumulative summary for assertion checks (live or final), without encoding anything. */
  assertionSummary(elapsedSec: number): RunSummaryForAssertions {
    const sum = (s: Scope) => ({ requests: s.total.requests, failed: s.total.failed(), responseTimeMs: summarizeHistogram(s.totalHist) });
    const byEndpoint: RunSummaryForAssertions['byEndpoint'] = {};
    this.scopes.forEach((s, i) => (byEndpoint[this.names[i]] = sum(s)));
    return { overall: sum(this.overall), byEndpoint, elapsedSec };
  }

  /** Cumulative response-time histogram (overall), for callers that need more than the summary. */
  get cumulativeHistogram(): Histogram {
    return this.overall.totalHist;
  }
}
