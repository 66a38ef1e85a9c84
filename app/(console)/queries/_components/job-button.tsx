'use client';

import dynamic from 'next/dynamic';
import { useState, useTransition } from 'react';
import { ProgressBar } from '@/components/ui/progress';
import type { JobActionState } from '../actions';

// A button that starts a background job through a server action and then follows it. The follower (react-query
// polling) is fetched only once there is a job, so the page's first load carries just the button.
const JobFollower = dynamic(() => import('./job-follower').then((m) => m.JobFollower), {
  ssr: false,
  loading: () => <ProgressBar value={0} label="Starting" />,
});

export function JobButton({
  label,
  pendingLabel,
  progressLabel,
  doneLabel,
  action,
  canRun,
  disabledReason,
  activeJobId,
  testId,
  tone = 'primary',
}: {
  label: string;
  pendingLabel: string;
  progressLabel: string;
  doneLabel: string;
  action: () => Promise<JobActionState>;
  canRun: boolean;
  disabledReason?: string;
  /** A job of this kind already running when the page was rendered: follow it. */
  activeJobId?: string | null;
  testId: string;
  tone?: 'primary' | 'secondary';
}) {
  const [jobId, setJobId] = useState<string | null>(activeJobId ?? null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const styles = tone === 'primary' ? 'bg-sky-700 text-white hover:bg-sky-800' : 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50';
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          data-testid={testId}
          disabled={!canRun || pending}
          title={canRun ? undefined : disabledReason}
          onClick={() =>
            start(async () => {
              setMessage(null);
              const r = await action();
              if (r.ok && r.jobId) setJobId(r.jobId);
              else setMessage(r.message ?? 'Could not start the job.');
            })
          }
          className={`inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:cursor-not-allowed disabled:opacity-50 ${styles}`}
        >
          {pending ? pendingLabel : label}
        </button>
        {!canRun && disabledReason && <span className="text-xs text-slate-600">{disabledReason}</span>}
      </div>
      {message && (
        <p role="alert" data-testid={`${testId}-error`} className="text-sm text-red-700">
          {message}
        </p>
      )}
      {jobId && <JobFollower key={jobId} jobId={jobId} label={progressLabel} doneLabel={doneLabel} />}
    </div>
  );
}
