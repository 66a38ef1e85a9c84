'use client';

import dynamic from 'next/dynamic';
import { useNearViewport } from '@/components/charts/use-near-viewport';
import type { DistributionPoint, SecondPoint } from '@/components/charts/load-run-charts';
import type { RunSecondDto } from '@/server/loadtest/types';

// recharts is fetched only when the charts are needed: at once on a live run (they are the point of the page),
// when the section nears the viewport on a finished run (it sits below the summary). Each box has a fixed,
// server-rendered height, so neither the placeholder nor the chart that replaces it moves anything.
const ThroughputChart = dynamic(() => import('@/components/charts/load-run-charts').then((m) => m.ThroughputChart), { ssr: false });
const LatencyChart = dynamic(() => import('@/components/charts/load-run-charts').then((m) => m.LatencyChart), { ssr: false });
const DistributionChart = dynamic(() => import('@/components/charts/load-run-charts').then((m) => m.DistributionChart), { ssr: false });

export const CHART_HEIGHT = 180;

export function toPoints(seconds: RunSecondDto[]): SecondPoint[] {
  return seconds.map((s) => {
    // A second in which nothing got a response has no latency to plot (a gap, not a zero).
    const responded = s.requests - s.errors.timeout - s.errors.connect - s.errors.reset - s.errors.other > 0;
    return {
      t: s.second + 1,
      rps: s.requests,
      errors: s.failed,
      p50: responded ? +s.p50Ms.toFixed(3) : null,
      p95: responded ? +s.p95Ms.toFixed(3) : null,
      p99: responded ? +s.p99Ms.toFixed(3) : null,
      target: s.targetRate !== null ? +s.targetRate.toFixed(2) : s.activeVus,
    };
  });
}


function Box({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <figure className="rounded-md border border-slate-100 p-3" data-testid={testId}>
      <figcaption className="mb-1 text-xs font-medium text-slate-600">{title}</figcaption>
      <div style={{ height: CHART_HEIGHT }} className="relative">
        {children}
      </div>
    </figure>
  );
}

export function RunCharts({ seconds, kind, eager = false }: { seconds: RunSecondDto[]; kind: 'open' | 'closed'; eager?: boolean }) {
  const { ref, near } = useNearViewport(eager);
  const points = toPoints(seconds);
  return (
    <div ref={ref} className="grid gap-4 lg:grid-cols-2" data-testid="run-charts" data-points={points.length} data-loaded={near ? 'yes' : 'no'}>
      <Box title="Requests and errors per second" testId="chart-throughput">
        {near && points.length > 0 && <ThroughputChart points={points} height={CHART_HEIGHT} targetLabel={kind === 'open' ? 'scheduled rate' : 'virtual users'} />}
      </Box>
      <Box title="Response time per second, ms: p50, p95, p99 (from the merged histograms)" testId="chart-latency">
        {near && points.length > 0 && <LatencyChart points={points} height={CHART_HEIGHT} />}
      </Box>
    </div>
  );
}

export function DistributionCharts({ points }: { points: DistributionPoint[] }) {
  const { ref, near } = useNearViewport(false);
  return (
    <div ref={ref} data-testid="distribution-chart" data-loaded={near ? 'yes' : 'no'}>
      <Box title="Latency distribution of the whole run: ms at each percentile (log scale)">{near && points.length > 0 && <DistributionChart points={points} height={CHART_HEIGHT} />}</Box>
    </div>
  );
}
