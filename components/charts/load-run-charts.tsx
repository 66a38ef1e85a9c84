'use client';

import { Bar, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

// Recharts is ~100 KB gzipped: these charts are only ever loaded through next/dynamic (see
// app/(console)/load-tests/_components/run-charts.tsx), into boxes whose height the parent fixes, so drawing them
// shifts nothing. Every series comes from merged per-second rows (percentiles of merged HDR histograms).

export interface SecondPoint {
  /** Seconds since the start (1-based: the end of that second). */
  t: number;
  rps: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Open model: the scheduled rate; closed model: active VUs. */
  target: number | null;
}

export interface DistributionPoint {
  label: string;
  ms: number;
  svcMs: number | null;
}

const AXIS = { fontSize: 10, fill: '#64748b' };
// Axis ticks in ms without the unit (the captions say "ms"): a unit suffix gets clipped by the axis width.
const fmtTick = (v: number) => (v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : v >= 100 ? `${Math.round(v)}` : `${+v.toFixed(1)}`);
const MARGIN = { top: 6, right: 8, bottom: 0, left: -12 };

export function ThroughputChart({ points, height, targetLabel }: { points: SecondPoint[]; height: number; targetLabel: string }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart data={points} margin={MARGIN}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" tick={AXIS} tickFormatter={(v: number) => `${v}s`} minTickGap={20} />
        <YAxis yAxisId="rps" tick={AXIS} width={44} allowDecimals={false} />
        <YAxis yAxisId="err" orientation="right" tick={AXIS} width={36} allowDecimals={false} />
        <Tooltip labelFormatter={(v) => `second ${v}`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar yAxisId="err" dataKey="errors" name="errors/s" fill="#dc2626" isAnimationActive={false} />
        <Line yAxisId="rps" dataKey="rps" name="requests/s" stroke="#0369a1" strokeWidth={2} dot={false} isAnimationActive={false} />
        <Line yAxisId="rps" dataKey="target" name={targetLabel} stroke="#94a3b8" strokeDasharray="4 3" dot={false} isAnimationActive={false} connectNulls />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

export function LatencyChart({ points, height }: { points: SecondPoint[]; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={points} margin={MARGIN}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" tick={AXIS} tickFormatter={(v: number) => `${v}s`} minTickGap={20} />
        <YAxis tick={AXIS} width={44} tickFormatter={fmtTick} />
        <Tooltip labelFormatter={(v) => `second ${v}`} formatter={(v) => `${Number(v).toFixed(2)} ms`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {/* p99 first and p50 last: with few samples a second, p95 often equals p99 (HDR rounds the rank up), and the
            line drawn last stays visible. */}
        <Line dataKey="p99" name="p99" stroke="#b91c1c" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
        <Line dataKey="p95" name="p95" stroke="#d97706" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
        <Line dataKey="p50" name="p50" stroke="#0ea5e9" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function DistributionChart({ points, height }: { points: DistributionPoint[]; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={points} margin={MARGIN}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval={0} />
        <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow tick={AXIS} width={44} tickFormatter={fmtTick} />
        <Tooltip formatter={(v) => `${Number(v).toFixed(2)} ms`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Line dataKey="ms" name="response time" stroke="#d97706" strokeWidth={2} isAnimationActive={false} />
        <Line dataKey="svcMs" name="service time" stroke="#0369a1" strokeWidth={2} strokeDasharray="4 3" isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
}
