'use client';

import dynamic from 'next/dynamic';
import { useNearViewport } from '@/components/charts/use-near-viewport';
import type { IntervalChartPoint } from '@/components/charts/query-intervals';

// Below the fold: recharts is fetched only when the chart comes near the viewport, into a box of fixed height.
const Chart = dynamic(() => import('@/components/charts/query-intervals').then((m) => m.QueryIntervalsChart), { ssr: false });

export const INTERVAL_CHART_HEIGHT = 160;

export function IntervalChart({ points, msLabel, label }: { points: IntervalChartPoint[]; msLabel: string; label: string }) {
  const { ref, near } = useNearViewport<HTMLElement>();
  return (
    <figure ref={ref} style={{ height: INTERVAL_CHART_HEIGHT }} aria-label={label} data-testid="interval-chart" data-loaded={near ? 'yes' : 'no'}>
      {near && <Chart points={points} height={INTERVAL_CHART_HEIGHT} msLabel={msLabel} />}
    </figure>
  );
}
