// Two runs side by side: per page both runs' metrics and the change from A to B. Pure.
//
// Lighthouse numbers wobble from run to run even on a quiet machine, so a change smaller than the metric's noise band
// is called "same" rather than coloured better or worse; otherwise every compare would look like a verdict.
import type { FormFactor, LighthouseResultDto, LighthouseRunDetailDto } from './schema';

export type MetricKey = 'score' | 'lcpMs' | 'cls' | 'tbtMs' | 'scriptBytes';
export type Verdict = 'better' | 'worse' | 'same';

export interface MetricSpec {
  key: MetricKey;
  label: string;
  higherIsBetter: boolean;
  /** Changes of at most this size are "same". */
  noise: number;
}

export const COMPARED_METRICS: readonly MetricSpec[] = [
  // Bands from repeated runs of one build on the CI machine: score ±0.02, LCP ±200 ms, TBT ±50 ms are common (LCP
  // swings more on a busy machine); CLS and script bytes are nearly deterministic.
  { key: 'score', label: 'Score', higherIsBetter: true, noise: 0.02 },
  { key: 'lcpMs', label: 'LCP', higherIsBetter: false, noise: 200 },
  { key: 'cls', label: 'CLS', higherIsBetter: false, noise: 0.005 },
  { key: 'tbtMs', label: 'TBT', higherIsBetter: false, noise: 50 },
  { key: 'scriptBytes', label: 'Script', higherIsBetter: false, noise: 1024 },
];

export interface MetricDelta {
  key: MetricKey;
  a: number | null;
  b: number | null;
  /** b − a; null when either side was not measured. */
  delta: number | null;
  verdict: Verdict | null;
}

export interface ComparedPage {
  page: string;
  /** Result ids, to link their reports; null when the run has no result for the page. */
  aResultId: string | null;
  bResultId: string | null;
  aPass: boolean | null;
  bPass: boolean | null;
  metrics: MetricDelta[];
}

export interface RunComparison {
  a: { id: string; formFactor: FormFactor; commitSha: string | null; createdAt: string };
  b: { id: string; formFactor: FormFactor; commitSha: string | null; createdAt: string };
  /** Comparing a mobile run with a desktop run compares different throttling, not different code. */
  sameFormFactor: boolean;
  pages: ComparedPage[];
  summary: Record<Verdict, number>;
}

export function judgeDelta(spec: MetricSpec, a: number | null, b: number | null): MetricDelta {
  if (a === null || b === null) return { key: spec.key, a, b, delta: null, verdict: null };
  const delta = b - a;
  // Rounded so that float error (0.3 - 0.29) does not push a change across the noise band.
  const size = Math.abs(Math.round(delta * 1e6) / 1e6);
  const verdict: Verdict = size <= spec.noise ? 'same' : delta > 0 === spec.higherIsBetter ? 'better' : 'worse';
  return { key: spec.key, a, b, delta, verdict };
}

export function compareRunResults(a: LighthouseRunDetailDto, b: LighthouseRunDetailDto): RunComparison {
  const byPage = (r: LighthouseRunDetailDto) => new Map(r.results.map((x) => [x.page, x] as const));
  const ra = byPage(a);
  const rb = byPage(b);
  const pages = [...new Set([...ra.keys(), ...rb.keys()])].sort();
  const summary: Record<Verdict, number> = { better: 0, worse: 0, same: 0 };
  const rows = pages.map((page): ComparedPage => {
    const x: LighthouseResultDto | undefined = ra.get(page);
    const y: LighthouseResultDto | undefined = rb.get(page);
    const metrics = COMPARED_METRICS.map((spec) => judgeDelta(spec, x ? x[spec.key] : null, y ? y[spec.key] : null));
    for (const m of metrics) if (m.verdict) summary[m.verdict]++;
    return { page, aResultId: x?.id ?? null, bResultId: y?.id ?? null, aPass: x?.pass ?? null, bPass: y?.pass ?? null, metrics };
  });
  const head = (r: LighthouseRunDetailDto) => ({ id: r.id, formFactor: r.formFactor, commitSha: r.commitSha, createdAt: r.createdAt });
  return { a: head(a), b: head(b), sameFormFactor: a.formFactor === b.formFactor, pages: rows, summary };
}
