'use client';

import dynamic from 'next/dynamic';
import { useState, useTransition } from 'react';
import { ProgressBar } from '@/components/ui/progress';
import type { RecommendationActions as Actions } from '@/server/queries/recommendations';
import { approveAction, rejectAction, rollbackAction, type JobActionState } from '../actions';

const JobFollower = dynamic(() => import('./job-follower').then((m) => m.JobFollower), {
  ssr: false,
  loading: () => <ProgressBar value={0} label="Starting" />,
});

const BUTTON = 'inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:cursor-not-allowed disabled:opacity-50';

export function RecommendationActions({
  id,
  actions,
  activeJobId,
  kind,
  state,
}: {
  id: string;
  state: string;
  actions: Actions;
  /** An apply (or rollback) job in flight when the page was rendered. */
  activeJobId: string | null;
  kind: 'create' | 'drop';
}) {
  const [jobId, setJobId] = useState<string | null>(activeJobId);
  const [jobKind, setJobKind] = useState<'apply' | 'rollback'>('apply');
  const [message, setMessage] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const run = (what: 'apply' | 'reject' | 'rollback', fn: () => Promise<JobActionState>) =>
    start(async () => {
      setMessage(null);
      const r = await fn();
      if (!r.ok) setMessage(r.message ?? 'That did not work.');
      else if (r.jobId) {
        setJobKind(what === 'rollback' ? 'rollback' : 'apply');
        setJobId(r.jobId);
      }
    });
  const reason = actions.approve.reason ?? actions.reject.reason;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {(state === 'proposed' || state === 'failed') && (
          <>
            <button
              type="button"
              data-testid="approve-recommendation"
              className={`${BUTTON} bg-emerald-700 text-white hover:bg-emerald-800`}
              disabled={!actions.approve.enabled || pending}
              title={actions.approve.reason ?? undefined}
              onClick={() => run('apply', () => approveAction(id))}
            >
              {pending ? 'Working…' : actions.approveLabel}
            </button>
            <button
              type="button"
              data-testid="reject-recommendation"
              className={`${BUTTON} bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`}
              disabled={!actions.reject.enabled || pending}
              title={actions.reject.reason ?? undefined}
              onClick={() => run('reject', () => rejectAction(id))}
            >
              Reject
            </button>
          </>
        )}
        {kind === 'create' && actions.rollback.enabled && (
          <button
            type="button"
            data-testid="rollback-recommendation"
            className={`${BUTTON} bg-white text-red-800 ring-1 ring-inset ring-red-300 hover:bg-red-50`}
            disabled={pending}
            onClick={() => run('rollback', () => rollbackAction(id))}
          >
            Roll back (drop the index)
          </button>
        )}
        {(state === 'proposed' || state === 'failed') && !actions.approve.enabled && reason?.startsWith('Needs') && (
          <span className="text-xs text-slate-600" data-testid="approve-disabled-reason">
            {reason}
          </span>
        )}
      </div>
      {message && (
        <p role="alert" data-testid="recommendation-error" className="text-sm text-red-700">
          {message}
        </p>
      )}
      {jobId && (
        <JobFollower
          key={jobId}
          jobId={jobId}
          label={jobKind === 'rollback' ? 'Rolling back' : 'Building the index'}
          doneLabel={jobKind === 'rollback' ? 'Rolled back' : 'Apply finished'}
        />
      )}
    </div>
  );
}
