// Display formats for Lighthouse numbers, shared by the server-rendered tables and the client trend charts.
// Score as Lighthouse shows it (0–100), times in ms, CLS with 3 decimals, script sizes in KB of 1024 bytes.

export const fmtScore = (v: number | null | undefined) => (v == null ? '—' : String(Math.round(v * 100)));
export const fmtMs = (v: number | null | undefined) => (v == null ? '—' : `${Math.round(v).toLocaleString('en-US')} ms`);
export const fmtCls = (v: number | null | undefined) => (v == null ? '—' : v.toFixed(3));
export const fmtKb = (v: number | null | undefined) => (v == null ? '—' : `${(v / 1024).toFixed(1)} KB`);
export const shortSha = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : null);

export const FORM_FACTOR_LABEL = { mobile: 'Mobile', desktop: 'Desktop' } as const;

/** What each form factor means, stated next to every result. */
export const FORM_FACTOR_DETAIL = {
  mobile: 'Lighthouse mobile: Moto G Power screen, simulated slow 4G (150 ms RTT, 1.6 Mbit/s) and 4× CPU slowdown',
  desktop: 'Lighthouse desktop: 1350×940 screen, simulated 40 ms RTT, 10 Mbit/s, no CPU slowdown',
} as const;

type Metric = 'score' | 'lcpMs' | 'cls' | 'tbtMs' | 'scriptBytes';
export function fmtMetric(key: Metric, v: number | null | undefined): string {
  switch (key) {
    case 'score':
      return fmtScore(v);
    case 'cls':
      return fmtCls(v);
    case 'scriptBytes':
      return fmtKb(v);
    default:
      return fmtMs(v);
  }
}

/** A signed change in the metric's own unit: "+120 ms", "−3", "+0.012", "+4.2 KB". */
export function fmtDelta(key: Metric, d: number | null): string {
  if (d == null) return '—';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const a = Math.abs(d);
  switch (key) {
    case 'score':
      return `${sign}${Math.round(a * 100)}`;
    case 'cls':
      return `${sign}${a.toFixed(3)}`;
    case 'scriptBytes':
      return `${sign}${(a / 1024).toFixed(1)} KB`;
    default:
      return `${sign}${Math.round(a).toLocaleString('en-US')} ms`;
  }
}
