'use client';

import dynamic from 'next/dynamic';
import { useEffect, useRef, useState } from 'react';
import type { IntervalChartPoint } from '@/components/charts/query-intervals';

// Below the fold: recharts is fetched only when the chart comes near the viewport, into a box of fixed height.
const Chart = dynamic(() => import('@/components/charts/query-intervals').then((m) => m.QueryIntervalsChart), { ssr: false });

export const INTERVAL_CHART_HEIGHT = 160;

export function IntervalChart({ points, msLabel, label }: { points: IntervalChartPoint[]; msLabel: string; label: string }) {
  const ref = useRef<HTMLElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: '300px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);
  return (
    <figure ref={ref} style={{ height: INTERVAL_CHART_HEIGHT }} aria-label={label} data-testid="interval-chart" data-loaded={near ? 'yes' : 'no'}>
      {near && <Chart points={points} height={INTERVAL_CHART_HEIGHT} msLabel={msLabel} />}
    </figure>
  );
}
