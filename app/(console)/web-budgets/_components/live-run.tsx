'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { ProgressBar } from '@/components/ui/progress';
import { QueryProvider } from '@/components/ui/query-provider';
import { runProgressLabel } from '@/server/webvitals/run-progress';
import type { LighthouseRunProgressDto } from '@/server/webvitals/service';

function Follow({ runId }: { runId: string }) {
  const router = useRouter();
  const { data, error } = useQuery({
    queryKey: ['lighthouse-run', runId],
    queryFn: async () => {
      const res = await fetch(`/api/v1/web-budgets/runs/${encodeURIComponent(runId)}`, { cache: 'no-store' });
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
      return (await res.json()) as LighthouseRunProgressDto;
    },
    refetchInterval: (q) => (q.state.data?.detail.finished ? false : 1000),
  });
  const finished = data?.detail.finished ?? false;
  useEffect(() => {
    // The stored results, trends and run list are server-rendered: fetch them again once the run is over.
    if (finished) router.refresh();
  }, [finished, router]);
  if (error) return <p className="text-sm text-red-700">Could not follow the run: {(error as Error).message}</p>;
  if (!data) return <ProgressBar value={0} label="Queued" />;
  const label = `${data.formFactor} · ${runProgressLabel(data.status, data.detail)}`;
  if (!data.detail.finished) return <ProgressBar value={data.detail.fraction} label={label} />;
  if (data.status === 'failed') {
    return (
      <p role="alert" data-testid="run-status" className="whitespace-pre-line text-sm text-red-700">
        Run failed ({data.detail.pagesDone} of {data.detail.pagesTotal} pages): {data.error ?? 'no reason recorded'}
      </p>
    );
  }
  return (
    <p role="status" data-testid="run-status" className="text-sm text-emerald-800">
      Run finished: {data.resultCount} page{data.resultCount === 1 ? '' : 's'} audited ({data.formFactor}),{' '}
      {data.failedCount === 0 ? 'all within budget' : `${data.failedCount} over budget`}.
    </p>
  );
}

export function LiveRun({ runId }: { runId: string }) {
  return (
    <QueryProvider>
      <div className="min-h-9" data-testid="live-run">
        <Follow runId={runId} />
      </div>
    </QueryProvider>
  );
}
