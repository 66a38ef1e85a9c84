'use client';

import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

// Recharts is ~100 KB gzipped: this module is only loaded through next/dynamic when its section comes near the
// viewport (app/(console)/queries/_components/interval-chart.tsx). The parent fixes the height: nothing shifts.

export interface IntervalChartPoint {
  /** x-axis label (HH:MM) */
  label: string;
  calls: number;
  /** ms: total execution time of the interval, or a statement's mean */
  ms: number;
}

const AXIS = { fontSize: 10, fill: '#64748b' };

export function QueryIntervalsChart({ points, height, msLabel }: { points: IntervalChartPoint[]; height: number; msLabel: string }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart data={points} margin={{ top: 6, right: 4, bottom: 0, left: -12 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" minTickGap={20} />
        <YAxis yAxisId="calls" tick={AXIS} width={48} />
        <YAxis yAxisId="ms" orientation="right" tick={AXIS} width={52} tickFormatter={(v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)}s` : `${Math.round(v)}ms`)} />
        <Tooltip formatter={(v, name) => (name === 'Calls' ? String(v) : `${Number(v).toFixed(2)} ms`)} />
        <Bar yAxisId="calls" dataKey="calls" name="Calls" fill="#bae6fd" isAnimationActive={false} />
        <Line yAxisId="ms" dataKey="ms" name={msLabel} stroke="#b45309" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
