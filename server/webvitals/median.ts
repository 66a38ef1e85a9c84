// Median-run selection. Pure.
//
// Same idea as Lighthouse's computeMedianRun (core/lib/median-run.js): pick the run closest (Euclidean distance) to
// the median FCP and the median Time to Interactive, breaking ties with the lower TTI. FCP and TTI bracket the page
// lifecycle, and a whole run is kept so its metrics, opportunities and report stay consistent with one another.
// Lighthouse 12 still computes `interactive` but no longer scores it; if any run lacks it we fall back to LCP, and
// if LCP is missing too, to FCP alone, rather than refusing to pick.

export interface RunTimings {
  fcpMs: number | null | undefined;
  interactiveMs?: number | null;
  lcpMs?: number | null;
}

/** The minimal LHR shape the selection reads, so callers can pass full Lighthouse results. */
export interface LhrTimingsSource {
  audits: Record<string, { numericValue?: number | null } | undefined>;
}

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) throw new Error('medianOf: no values');
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const isFiniteNumber = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Indices of runs usable for selection (FCP measured), in input order. */
export function validRunIndices(runs: readonly RunTimings[]): number[] {
  return runs.flatMap((r, i) => (isFiniteNumber(r.fcpMs) ? [i] : []));
}

/**
 * Index (into `runs`) of the median run. Runs without an FCP are ignored; throws when none is usable.
 * Ties that survive the TTI tie-break go to the earlier run, so the choice is deterministic.
 */
export function selectMedianRunIndex(runs: readonly RunTimings[]): number {
  const indices = validRunIndices(runs);
  if (indices.length === 0) throw new Error('No Lighthouse run has a First Contentful Paint to choose a median from');

  const late: 'interactiveMs' | 'lcpMs' | null = indices.every((i) => isFiniteNumber(runs[i].interactiveMs))
    ? 'interactiveMs'
    : indices.every((i) => isFiniteNumber(runs[i].lcpMs))
      ? 'lcpMs'
      : null;

  const fcp = (i: number) => runs[i].fcpMs as number;
  const lateOf = (i: number) => (late ? (runs[i][late] as number) : 0);
  const medianFcp = medianOf(indices.map(fcp));
  const medianLate = medianOf(indices.map(lateOf));
  const distance = (i: number) => (medianFcp - fcp(i)) ** 2 + (medianLate - lateOf(i)) ** 2;

  let best = indices[0];
  for (const i of indices.slice(1)) {
    const d = distance(i) - distance(best);
    if (d < 0 || (d === 0 && lateOf(i) < lateOf(best))) best = i;
  }
  return best;
}

export function runTimingsFromLhr(lhr: LhrTimingsSource): RunTimings {
  return {
    fcpMs: lhr.audits['first-contentful-paint']?.numericValue ?? null,
    interactiveMs: lhr.audits['interactive']?.numericValue ?? null,
    lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? null,
  };
}

export function selectMedianLhrIndex(lhrs: readonly LhrTimingsSource[]): number {
  return selectMedianRunIndex(lhrs.map(runTimingsFromLhr));
}
