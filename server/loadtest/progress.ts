// What the progress bar says while a run is going: which stage it is in, in words, and how far along it is. Pure.
import { buildProfile, targetAt } from './schedule';
import type { ScenarioSpec } from './schema';

export interface StageInfo {
  /** 1-based stage number (1 of 1 when the scenario has no stages). */
  number: number;
  count: number;
  label: string;
}

const fmt = (n: number) => String(+n.toFixed(n < 10 ? 2 : 1));

/** The stage at `tSec` seconds into the run, e.g. "stage 2/3 · ramp 10 → 100 req/s" or "steady · 20 VUs". */
export function stageAt(spec: Pick<ScenarioSpec, 'model' | 'stages' | 'durationSec'>, tSec: number): StageInfo {
  const unit = spec.model.kind === 'open' ? 'req/s' : 'VUs';
  const profile = buildProfile(spec);
  const t = Math.min(Math.max(tSec, 0), Math.max(0, spec.durationSec - 1e-6));
  if (spec.stages.length === 0) {
    return { number: 1, count: 1, label: `steady · ${fmt(targetAt(profile, t))} ${unit}` };
  }
  let i = profile.findIndex((s) => t < s.endSec);
  if (i < 0) i = profile.length - 1;
  const seg = profile[i];
  const what = seg.from === seg.to ? `hold ${fmt(seg.to)} ${unit}` : `ramp ${fmt(seg.from)} → ${fmt(seg.to)} ${unit}`;
  return { number: i + 1, count: profile.length, label: `stage ${i + 1}/${profile.length} · ${what}` };
}

/** Whole seconds a full run reports (the engine emits exactly ceil(duration) snapshots per shard). */
export function expectedSeconds(spec: Pick<ScenarioSpec, 'durationSec'>): number {
  return Math.max(1, Math.ceil(spec.durationSec - 1e-9));
}

/** Fraction done once `lastSecond` (0-based) has been merged; -1 means nothing yet. */
export function progressAfter(spec: Pick<ScenarioSpec, 'durationSec'>, lastSecond: number): number {
  return Math.min(1, Math.max(0, (lastSecond + 1) / expectedSeconds(spec)));
}
