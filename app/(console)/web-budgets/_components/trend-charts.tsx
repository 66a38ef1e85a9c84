'use client';

import dynamic from 'next/dynamic';
import { useNearViewport } from '@/components/charts/use-near-viewport';
import type { TrendBudget, TrendChartPoint } from '@/components/charts/web-vitals-trend';

// Trend charts sit below the fold. Their code (recharts) is fetched only when the section comes near the viewport,
// so it is not part of the page's first load; every chart box has a fixed height, server-rendered, so neither the
// placeholder nor the chart that replaces it moves anything.
const ScoreLcpTrend = dynamic(() => import('@/components/charts/web-vitals-trend').then((m) => m.ScoreLcpTrend), { ssr: false });
const ScriptTrend = dynamic(() => import('@/components/charts/web-vitals-trend').then((m) => m.ScriptTrend), { ssr: false });

export const SCORE_CHART_HEIGHT = 150;
export const SCRIPT_CHART_HEIGHT = 110;

export interface PageTrend {
  page: string;
  points: TrendChartPoint[];
  budget: TrendBudget | null;
}

function Box({ height, label, children }: { height: number; label: string; children: React.ReactNode }) {
  return (
    <figure style={{ height }} className="relative" aria-label={label}>
      {children}
    </figure>
  );
}

export function TrendCharts({ trends }: { trends: PageTrend[] }) {
  const { ref, near } = useNearViewport(false, '400px 0px');

  return (
    <div ref={ref} className="grid gap-4 lg:grid-cols-2" data-testid="trend-charts" data-loaded={near ? 'yes' : 'no'}>
      {trends.map((t) => (
        <div key={t.page} className="rounded-md border border-slate-100 p-3">
          <p className="mb-1 font-mono text-xs font-medium text-slate-700">
            {t.page} <span className="font-sans font-normal text-slate-500">· {t.points.length} runs</span>
          </p>
          <p className="text-[11px] text-slate-500">
            <span className="text-sky-700">Score</span> (0–100, left) and <span className="text-amber-700">LCP</span> (right)
            {t.budget ? ', dashed: LCP budget' : ''}
          </p>
          <Box height={SCORE_CHART_HEIGHT} label={`Score and LCP of ${t.page}`}>
            {near && <ScoreLcpTrend points={t.points} budget={t.budget} height={SCORE_CHART_HEIGHT} />}
          </Box>
          <p className="mt-2 text-[11px] text-slate-500">
            <span className="text-violet-700">Script</span> KB{t.budget ? ', dashed: budget' : ''}
          </p>
          <Box height={SCRIPT_CHART_HEIGHT} label={`Script KB of ${t.page}`}>
            {near && <ScriptTrend points={t.points} budget={t.budget} height={SCRIPT_CHART_HEIGHT} />}
          </Box>
        </div>
      ))}
    </div>
  );
}
