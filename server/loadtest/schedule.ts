// Pure timing math for the two workload models, and sharding across generator processes.
//
// Profile: the target (req/s for the open model, VUs for the closed model) as a piecewise-linear function of time.
// It starts at model.rate / model.vus and each stage ramps linearly from the previous target to its own; with no
// stages it is constant for durationSec.
//
// Open model: request k (k = 0, 1, 2, …) is intended to start at the time t_k where the integral of the rate
// N(t) = ∫₀ᵗ r(s) ds reaches k (for a constant rate, t_k = k / rate, as in wrk2). Requests with t_k < duration
// are scheduled. Sharding is interleaved like k6 execution segments: shard i of n takes every k ≡ i (mod n), all
// shards share one start time, so the union of the shards is exactly the unsharded schedule.
import type { ScenarioSpec } from './schema';

export interface ProfileSegment {
  startSec: number;
  endSec: number;
  from: number;
  to: number;
  /** Integral of the profile from 0 to startSec (requests scheduled before this segment, open model). */
  cumStart: number;
}

export function buildProfile(spec: Pick<ScenarioSpec, 'model' | 'stages' | 'durationSec'>): ProfileSegment[] {
  const start = spec.model.kind === 'open' ? spec.model.rate : spec.model.vus;
  if (spec.stages.length === 0) {
    return [{ startSec: 0, endSec: spec.durationSec, from: start, to: start, cumStart: 0 }];
  }
  const segs: ProfileSegment[] = [];
  let t = 0;
  let prev = start;
  let cum = 0;
  for (const st of spec.stages) {
    segs.push({ startSec: t, endSec: t + st.durationSec, from: prev, to: st.target, cumStart: cum });
    cum += ((prev + st.target) / 2) * st.durationSec;
    t += st.durationSec;
    prev = st.target;
  }
  return segs;
}

export function profileDurationSec(profile: readonly ProfileSegment[]): number {
  return profile.length ? profile[profile.length - 1].endSec : 0;
}

function segmentAt(profile: readonly ProfileSegment[], tSec: number): ProfileSegment | undefined {
  // Few segments (≤ 100): linear scan is simpler and fast enough.
  for (const s of profile) if (tSec < s.endSec) return s;
  return undefined;
}

/** Target (rate or VUs) at time t, linearly interpolated; 0 outside [0, duration). */
export function targetAt(profile: readonly ProfileSegment[], tSec: number): number {
  if (tSec < 0) return 0;
  const s = segmentAt(profile, tSec);
  if (!s) return 0;
  const d = s.endSec - s.startSec;
  return s.from + ((s.to - s.from) * (tSec - s.startSec)) / d;
}

/** ∫₀ᵗ target: the number of open-model requests intended before time t. */
export function cumulativeAt(profile: readonly ProfileSegment[], tSec: number): number {
  if (tSec <= 0) return 0;
  const s = segmentAt(profile, tSec);
  if (!s) {
    const last = profile[profile.length - 1];
    return last ? last.cumStart + ((last.from + last.to) / 2) * (last.endSec - last.startSec) : 0;
  }
  const tau = tSec - s.startSec;
  const slope = (s.to - s.from) / (s.endSec - s.startSec);
  return s.cumStart + s.from * tau + (slope * tau * tau) / 2;
}

// Guards against N(D) = 1000.0000000001 scheduling a 1001st request at t ≈ D.
const EPS = 1e-9;

/** Number of open-model requests in the whole (unsharded) schedule. */
export function totalScheduled(profile: readonly ProfileSegment[]): number {
  const n = cumulativeAt(profile, profileDurationSec(profile));
  return Math.max(0, Math.ceil(n - EPS));
}

/** Offset in seconds inside segment s at which the cumulative count reaches k (requires cumStart ≤ k ≤ cumEnd). */
function solveInSegment(s: ProfileSegment, k: number): number {
  const delta = k - s.cumStart;
  if (delta <= 0) return s.startSec;
  const slope = (s.to - s.from) / (s.endSec - s.startSec);
  // Solve from·τ + slope·τ²/2 = delta. The form 2Δ / (from + √(from² + 2·slope·Δ)) is stable for slope → 0
  // and for negative slopes (ramp-down).
  const disc = Math.max(0, s.from * s.from + 2 * slope * delta);
  const denom = s.from + Math.sqrt(disc);
  const tau = denom > 0 ? (2 * delta) / denom : 0;
  return Math.min(s.endSec, s.startSec + tau);
}

/** Intended start (seconds from the run's start) of open-model request k of the unsharded schedule. */
export function intendedOffsetSec(profile: readonly ProfileSegment[], k: number): number {
  for (const s of profile) {
    const cumEnd = s.cumStart + ((s.from + s.to) / 2) * (s.endSec - s.startSec);
    if (k < cumEnd - EPS || s === profile[profile.length - 1]) return solveInSegment(s, k);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Sharding

export interface ShardPlan {
  index: number;
  count: number;
  kind: 'open' | 'closed';
  profile: ProfileSegment[];
  durationSec: number;
  /** This shard's part of the connection cap (an exact partition of spec.maxConnections; at least 1). */
  maxConnections: number;
  /** Closed model: the most VUs this shard runs at once (its share of the peak). */
  peakVus: number;
  /** Open model: how many requests this shard is scheduled to start (its indices k ≡ index mod count). */
  scheduledRequests: number;
}

/** Exact integer partition: shard i gets floor(total/n) plus one of the remainder when i < total mod n. */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

export function splitShard(spec: ScenarioSpec, shardIndex = 0, shardCount = 1): ShardPlan {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error('shard count must be a whole number ≥ 1');
  if (!Number.isInteger(shardIndex) || shardIndex < 0 || shardIndex >= shardCount)
    throw new Error(`shard index must be a whole number from 0 to ${shardCount - 1}`);
  const profile = buildProfile(spec);
  const total = spec.model.kind === 'open' ? totalScheduled(profile) : 0;
  const peakGlobalVus = spec.model.kind === 'closed' ? Math.max(...profile.map((s) => Math.max(s.from, s.to))) : 0;
  return {
    index: shardIndex,
    count: shardCount,
    kind: spec.model.kind,
    profile,
    durationSec: profileDurationSec(profile),
    maxConnections: Math.max(1, shareOf(spec.maxConnections, shardIndex, shardCount)),
    peakVus: shareOf(Math.round(peakGlobalVus), shardIndex, shardCount),
    scheduledRequests: total > shardIndex ? Math.ceil((total - shardIndex) / shardCount) : 0,
  };
}

/** Global VUs active at time t (closed model): the interpolated target rounded to the nearest whole VU. */
export function globalActiveVusAt(profile: readonly ProfileSegment[], tSec: number): number {
  return Math.round(targetAt(profile, tSec));
}

/**
 * VUs this shard runs at time t. Global VU j belongs to shard j mod n and is active while j < global target, so
 * the shards' counts always add up to the global count.
 */
export function shardActiveVusAt(plan: ShardPlan, tSec: number): number {
  const a = globalActiveVusAt(plan.profile, tSec);
  return a > plan.index ? Math.ceil((a - plan.index) / plan.count) : 0;
}

/** This shard's share of the open-model rate at time t (req/s). */
export function shardTargetRateAt(plan: ShardPlan, tSec: number): number {
  return targetAt(plan.profile, tSec) / plan.count;
}

/**
 * Iterates this shard's open-model schedule in order. Returns the global request index and its intended start in
 * ms from the run start; `done` once every scheduled request has been handed out.
 */
export interface OpenCursor {
  /** Global schedule index of the next request, or -1 when done. */
  peekIndex(): number;
  /** Intended start of the next request, ms from the run start (Infinity when done). */
  peekOffsetMs(): number;
  advance(): void;
  readonly remaining: number;
}

export function openCursor(plan: ShardPlan): OpenCursor {
  const total = plan.kind === 'open' ? totalScheduled(plan.profile) : 0;
  const profile = plan.profile;
  let k = plan.index;
  let seg = 0;
  let offsetMs = Infinity;
  const compute = () => {
    if (k >= total) {
      offsetMs = Infinity;
      return;
    }
    // k only grows, so the segment pointer only moves forward: O(1) amortised per request.
    while (seg < profile.length - 1) {
      const s = profile[seg];
      const cumEnd = s.cumStart + ((s.from + s.to) / 2) * (s.endSec - s.startSec);
      if (k < cumEnd - EPS) break;
      seg++;
    }
    offsetMs = solveInSegment(profile[seg], k) * 1000;
  };
  compute();
  return {
    peekIndex: () => (k < total ? k : -1),
    peekOffsetMs: () => offsetMs,
    advance() {
      k += plan.count;
      compute();
    },
    get remaining() {
      return k < total ? Math.ceil((total - k) / plan.count) : 0;
    },
  };
}

/** Parse "30s", "2m", "1h", "1m30s" or a bare number of seconds. Returns seconds or null if unreadable. */
export function parseDurationSec(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(t))) {
    const v = Number(m[1]);
    total += m[2] === 'ms' ? v / 1000 : m[2] === 's' ? v : m[2] === 'm' ? v * 60 : v * 3600;
    consumed = re.lastIndex;
  }
  return consumed === t.length && consumed > 0 ? total : null;
}
