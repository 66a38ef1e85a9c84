// Display formats for load-test numbers, shared by server-rendered views and the live client component.
import type { ScenarioSpec } from '@/server/loadtest/schema';

export const fmtMs = (v: number | null | undefined) => (v == null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
export const fmtPct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(v > 0 && v < 0.001 ? 3 : 2)}%`);
export const fmtRps = (v: number | null | undefined) => (v == null ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
export const fmtInt = (v: number | null | undefined) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));

export function fmtDelta(rel: number | null | undefined): string {
  if (rel == null || !Number.isFinite(rel)) return '';
  return `${rel >= 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`;
}

const fmtDur = (sec: number) => (sec >= 120 && sec % 60 === 0 ? `${sec / 60} min` : `${+sec.toFixed(1)} s`);

/** "open · 15 req/s · 15 s · 3 endpoints" / "closed · 20 VUs (500 ms think) · 3 stages · 60 s". */
export function describeSpec(spec: ScenarioSpec): string {
  const model = spec.model.kind === 'open' ? `open · ${spec.model.rate} req/s` : `closed · ${spec.model.vus} VUs (${spec.model.thinkTimeMs} ms think)`;
  const peak = spec.stages.length ? Math.max(...spec.stages.map((s) => s.target)) : null;
  const stages = spec.stages.length ? ` → peak ${peak}${spec.model.kind === 'open' ? ' req/s' : ' VUs'} · ${spec.stages.length} stages` : '';
  return `${model}${stages} · ${fmtDur(spec.durationSec)} · ${spec.endpoints.length} endpoint${spec.endpoints.length === 1 ? '' : 's'}`;
}
