// Merging shard snapshots into one row per second, and accumulating those rows into a run summary. Counts are summed
// and HDR histograms are merged (exact: the merge equals one histogram of the union of the samples); percentiles are
// always read from a merged histogram, never averaged across shards or seconds. Pure.
import type { RunSummaryForAssertions } from './assertions';
import { createHistogram, decodeHistogram, encodeHistogram, mergeHistograms, summarizeHistogram, type Histogram } from './histogram';
import type { EndpointSecond, ErrorCounts, PercentileSummary, SecondSnapshot, StatusCounts } from './schema';

export const zeroStatus = (): StatusCounts => ({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
export const zeroErrors = (): ErrorCounts => ({ timeout: 0, connect: 0, reset: 0, other: 0 });

/** Transport errors + HTTP status ≥ 400 (k6's http_req_failed), as the engine counts `failed`. */
export function failedOf(status: StatusCounts, errors: ErrorCounts): number {
  return status['4xx'] + status['5xx'] + errors.timeout + errors.connect + errors.reset + errors.other;
}

function addStatus(into: StatusCounts, from: StatusCounts): void {
  into['2xx'] += from['2xx'];
  into['3xx'] += from['3xx'];
  into['4xx'] += from['4xx'];
  into['5xx'] += from['5xx'];
}
function addErrors(into: ErrorCounts, from: ErrorCounts): void {
  into.timeout += from.timeout;
  into.connect += from.connect;
  into.reset += from.reset;
  into.other += from.other;
}

/** One scope (overall or an endpoint) of one merged second. Latencies in ms, from the merged response-time histogram. */
export interface MergedScope {
  requests: number;
  failed: number;
  status: StatusCounts;
  errors: ErrorCounts;
  /** Merged response-time histogram of this second (µs, compressed base64). */
  hist: string;
  svcHist: string;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One second of a run, merged across the shards that reported it: what a LoadRunSecond row holds. */
export interface MergedSecond extends MergedScope {
  second: number;
  byEndpoint: Record<string, MergedScope>;
  lateStarts: number;
  dropped: number;
  /** Open model: the run's scheduled rate (sum of the shards' shares); null for the closed model. */
  targetRate: number | null;
  /** Closed model: VUs running across the shards; null for the open model. */
  activeVus: number | null;
  shardsReported: number;
}

function mergeScope(parts: EndpointSecond[]): MergedScope {
  const status = zeroStatus();
  const errors = zeroErrors();
  let requests = 0;
  for (const p of parts) {
    requests += p.requests;
    addStatus(status, p.status);
    addErrors(errors, p.errors);
  }
  const h = mergeHistograms(parts.map((p) => p.hist));
  const s = summarizeHistogram(h);
  return {
    requests,
    failed: failedOf(status, errors),
    status,
    errors,
    hist: encodeHistogram(h),
    svcHist: encodeHistogram(mergeHistograms(parts.map((p) => p.svcHist))),
    p50Ms: s.p50,
    p95Ms: s.p95,
    p99Ms: s.p99,
    maxMs: s.max,
  };
}

/**
 * Merge the snapshots several shards sent for the same second. Throws when they are for different seconds (a caller
 * bug). An endpoint missing from one shard's snapshot simply contributes nothing from that shard.
 */
export function mergeSecond(snaps: readonly SecondSnapshot[]): MergedSecond {
  if (snaps.length === 0) throw new Error('mergeSecond needs at least one snapshot');
  const second = snaps[0].second;
  if (snaps.some((s) => s.second !== second)) throw new Error('mergeSecond: snapshots are for different seconds');
  const names = [...new Set(snaps.flatMap((s) => Object.keys(s.byEndpoint)))].sort();
  const byEndpoint: Record<string, MergedScope> = {};
  for (const name of names) byEndpoint[name] = mergeScope(snaps.map((s) => s.byEndpoint[name]).filter((e): e is EndpointSecond => e !== undefined));
  const overall = mergeScope(snaps.map((s) => s.overall));
  const rates = snaps.map((s) => s.targetRate).filter((r): r is number => r !== null);
  const vus = snaps.map((s) => s.activeVus).filter((v): v is number => v !== null);
  return {
    second,
    ...overall,
    byEndpoint,
    lateStarts: snaps.reduce((n, s) => n + s.lateStarts, 0),
    dropped: snaps.reduce((n, s) => n + s.dropped, 0),
    targetRate: rates.length ? rates.reduce((a, b) => a + b, 0) : null,
    activeVus: vus.length ? vus.reduce((a, b) => a + b, 0) : null,
    shardsReported: new Set(snaps.map((s) => s.shard.index)).size,
  };
}

/** Rebuild a SecondSnapshot-shaped value from a stored merged second (for regression.perSecondSamples and friends). */
export function mergedToSnapshot(m: Pick<MergedSecond, 'second' | 'requests' | 'status' | 'errors' | 'hist' | 'svcHist' | 'byEndpoint' | 'lateStarts' | 'dropped' | 'activeVus' | 'targetRate'>): SecondSnapshot {
  const scope = (s: Pick<MergedScope, 'requests' | 'status' | 'errors' | 'hist' | 'svcHist'>): EndpointSecond => ({
    requests: s.requests,
    status: s.status,
    errors: s.errors,
    hist: s.hist,
    svcHist: s.svcHist,
  });
  const byEndpoint: Record<string, EndpointSecond> = {};
  for (const [k, v] of Object.entries(m.byEndpoint)) byEndpoint[k] = scope(v);
  return {
    second: m.second,
    requests: m.requests,
    byEndpoint,
    overall: scope(m),
    lateStarts: m.lateStarts,
    dropped: m.dropped,
    activeVus: m.activeVus,
    targetRate: m.targetRate,
    shard: { index: 0, count: 1 },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cumulative summary

export interface ScopeSummary {
  requests: number;
  failed: number;
  /** failed / requests (0 when there were none). */
  errorRate: number;
  /** requests / elapsed seconds (whole run, ramps included: k6's http_reqs rate). */
  rps: number;
  status: StatusCounts;
  errors: ErrorCounts;
  /** Response time (from the intended start: coordinated-omission corrected). */
  responseTimeMs: PercentileSummary;
  /** Service time (from the actual send), what most tools report. */
  serviceTimeMs: PercentileSummary;
}

export interface RunSummary extends ScopeSummary {
  elapsedSec: number;
  /** Merged seconds folded in. */
  seconds: number;
  lateStarts: number;
  dropped: number;
  byEndpoint: Record<string, ScopeSummary>;
  /** Cumulative merged histograms (µs, compressed base64): the latency distribution chart reads these. */
  hist: string;
  svcHist: string;
}

class ScopeAcc {
  requests = 0;
  readonly status = zeroStatus();
  readonly errors = zeroErrors();
  readonly hist: Histogram = createHistogram();
  readonly svcHist: Histogram = createHistogram();

  add(s: Pick<MergedScope, 'requests' | 'status' | 'errors' | 'hist' | 'svcHist'>): void {
    this.requests += s.requests;
    addStatus(this.status, s.status);
    addErrors(this.errors, s.errors);
    const h = decodeHistogram(s.hist);
    if (h.totalCount) this.hist.add(h);
    const sv = decodeHistogram(s.svcHist);
    if (sv.totalCount) this.svcHist.add(sv);
  }

  summary(elapsedSec: number): ScopeSummary {
    const failed = failedOf(this.status, this.errors);
    return {
      requests: this.requests,
      failed,
      errorRate: this.requests ? failed / this.requests : 0,
      rps: elapsedSec > 0 ? this.requests / elapsedSec : 0,
      status: { ...this.status },
      errors: { ...this.errors },
      responseTimeMs: summarizeHistogram(this.hist),
      serviceTimeMs: summarizeHistogram(this.svcHist),
    };
  }
}

/** Folds merged seconds into cumulative counters and histograms (bounded memory: a few histograms per endpoint). */
export class RunAccumulator {
  private readonly overall = new ScopeAcc();
  private readonly scopes = new Map<string, ScopeAcc>();
  lateStarts = 0;
  dropped = 0;
  seconds = 0;
  lastSecond = -1;

  constructor(endpointNames: readonly string[] = []) {
    for (const n of endpointNames) this.scopes.set(n, new ScopeAcc());
  }

  add(m: MergedSecond): void {
    this.overall.add(m);
    for (const [name, s] of Object.entries(m.byEndpoint)) {
      let acc = this.scopes.get(name);
      if (!acc) this.scopes.set(name, (acc = new ScopeAcc()));
      acc.add(s);
    }
    this.lateStarts += m.lateStarts;
    this.dropped += m.dropped;
    this.seconds++;
    if (m.second > this.lastSecond) this.lastSecond = m.second;
  }

  get requests(): number {
    return this.overall.requests;
  }

  summary(elapsedSec: number): RunSummary {
    const byEndpoint: Record<string, ScopeSummary> = {};
    for (const [name, acc] of this.scopes) byEndpoint[name] = acc.summary(elapsedSec);
    return {
      ...this.overall.summary(elapsedSec),
      elapsedSec,
      seconds: this.seconds,
      lateStarts: this.lateStarts,
      dropped: this.dropped,
      byEndpoint,
      hist: encodeHistogram(this.overall.hist),
      svcHist: encodeHistogram(this.overall.svcHist),
    };
  }

  /** The shape assertions.ts judges (live with evaluateLive, at the end with evaluateAssertions). */
  assertionSummary(elapsedSec: number): RunSummaryForAssertions {
    const scope = (a: ScopeAcc) => ({ requests: a.requests, failed: failedOf(a.status, a.errors), responseTimeMs: summarizeHistogram(a.hist) });
    const byEndpoint: RunSummaryForAssertions['byEndpoint'] = {};
    for (const [name, acc] of this.scopes) byEndpoint[name] = scope(acc);
    return { overall: scope(this.overall), byEndpoint, elapsedSec };
  }
}

/**
 * Points of a latency distribution chart (HdrHistogram-style percentile plot) from an encoded histogram: latency at
 * each percentile, from the median out to the max. Empty histogram: no points.
 */
export const DISTRIBUTION_PERCENTILES = [0, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100] as const;
export function distributionPoints(hist: string): { percentile: number; label: string; ms: number }[] {
  const h = decodeHistogram(hist);
  if (h.totalCount === 0) return [];
  return DISTRIBUTION_PERCENTILES.map((p) => ({
    percentile: p,
    label: p === 100 ? 'max' : p === 0 ? 'min' : `p${p}`,
    ms: h.getValueAtPercentile(p) / 1000,
  }));
}
