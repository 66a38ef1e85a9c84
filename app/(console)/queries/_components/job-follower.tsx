'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { ProgressBar } from '@/components/ui/progress';
import { QueryProvider } from '@/components/ui/query-provider';

// Follows one background job (collection, analysis, index build) through GET /api/v1/jobs/:id and re-renders the
// server page when it ends. Loaded with next/dynamic only once there is a job to follow.

interface JobStatus {
  id: string;
  status: string;
  progress: number;
  message: string | null;
  error: string | null;
}

const FINAL = ['succeeded', 'failed', 'abandoned'];

function Follow({ jobId, label, doneLabel }: { jobId: string; label: string; doneLabel: string }) {
  const router = useRouter();
  const { data, error } = useQuery({
    queryKey: ['job', jobId],
    queryFn: async () => {
      const res = await fetch(`/api/v1/jobs/${encodeURIComponent(jobId)}`, { cache: 'no-store' });
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
      return (await res.json()) as JobStatus;
    },
    refetchInterval: (q) => (q.state.data && FINAL.includes(q.state.data.status) ? false : 600),
  });
  const finished = !!data && FINAL.includes(data.status);
  useEffect(() => {
    // What the job changed (snapshots, recommendations, states) is server-rendered: fetch the page again.
    if (finished) router.refresh();
  }, [finished, router]);
  if (error) return <p className="text-sm text-red-700">Could not follow the job: {(error as Error).message}</p>;
  if (!data) return <ProgressBar value={0} label="Queued" />;
  if (data.status === 'queued') return <ProgressBar value={0} label="Queued, waiting for a worker" />;
  if (data.status === 'running') return <ProgressBar value={data.progress} label={data.message ? `${label}: ${data.message}` : label} />;
  if (data.status === 'succeeded') return <ProgressBar value={1} label={doneLabel} />;
  return (
    <p role="alert" data-testid="job-error" className="whitespace-pre-line text-sm text-red-700">
      {data.status === 'abandoned' ? 'The worker stopped before the job finished.' : (data.error ?? 'The job failed.')}
    </p>
  );
}

export function JobFollower({ jobId, label, doneLabel }: { jobId: string; label: string; doneLabel: string }) {
  return (
    <QueryProvider>
      <div className="min-h-9" data-testid="job-follower" data-job-id={jobId}>
        <Follow jobId={jobId} label={label} doneLabel={doneLabel} />
      </div>
    </QueryProvider>
  );
}
