'use client';

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

// Recharts is ~100 KB gzipped: this module is only ever loaded through next/dynamic, when the trend section scrolls
// into view (see app/(console)/web-budgets/_components/trend-charts.tsx). The parent fixes the height, so drawing the
// chart shifts nothing.

export interface TrendChartPoint {
  /** x-axis label: short commit or time */
  label: string;
  /** 0–100 */
  score: number | null;
  lcpMs: number | null;
  scriptKb: number | null;
}

export interface TrendBudget {
  minScore: number;
  maxLcpMs: number;
  maxScriptKb: number;
}

const AXIS = { fontSize: 10, fill: '#64748b' };

export function ScoreLcpTrend({ points, budget, height }: { points: TrendChartPoint[]; budget: TrendBudget | null; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={points} margin={{ top: 6, right: 4, bottom: 0, left: -18 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" minTickGap={16} />
        <YAxis yAxisId="score" domain={[0, 100]} tick={AXIS} width={44} />
        <YAxis
          yAxisId="lcp"
          orientation="right"
          tick={AXIS}
          width={44}
          domain={[0, (max: number) => Math.max(max, budget?.maxLcpMs ?? 0) * 1.1]}
          tickFormatter={(v: number) => `${(v / 1000).toFixed(1)}s`} />
        <Tooltip formatter={(v, name) => (name === 'LCP' ? `${Math.round(Number(v))} ms` : String(v))} />
        {budget && <ReferenceLine yAxisId="lcp" y={budget.maxLcpMs} stroke="#dc2626" strokeDasharray="4 3" />}
        <Line yAxisId="score" dataKey="score" name="Score" stroke="#0369a1" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} connectNulls />
        <Line yAxisId="lcp" dataKey="lcpMs" name="LCP" stroke="#d97706" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function ScriptTrend({ points, budget, height }: { points: TrendChartPoint[]; budget: TrendBudget | null; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={points} margin={{ top: 6, right: 4, bottom: 0, left: -18 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" minTickGap={16} />
        <YAxis tick={AXIS} width={44} domain={[0, (max: number) => Math.max(max, budget?.maxScriptKb ?? 0) * 1.1]} tickFormatter={(v: number) => `${Math.round(v)}`} />
        <Tooltip formatter={(v) => `${Number(v).toFixed(1)} KB`} />
        {budget && <ReferenceLine y={budget.maxScriptKb} stroke="#dc2626" strokeDasharray="4 3" />}
        <Line dataKey="scriptKb" name="Script" stroke="#7c3aed" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
}
