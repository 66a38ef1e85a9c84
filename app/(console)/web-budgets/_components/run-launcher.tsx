'use client';

import dynamic from 'next/dynamic';
import { ActionForm, Select, SubmitButton, type FormState } from '@/components/ui/form';
import { ProgressBar } from '@/components/ui/progress';

// The follower (react-query polling + progress) is only downloaded once there is a run to follow, so the page's
// first load carries just this form.
const LiveRun = dynamic(() => import('./live-run').then((m) => m.LiveRun), {
  ssr: false,
  loading: () => <ProgressBar value={0} label="Starting" />,
});

export function RunLauncher({
  action,
  canLaunch,
  pages,
  activeRunId,
}: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  canLaunch: boolean;
  pages: string[];
  /** A run already queued or running when the page was rendered: follow it too. */
  activeRunId: string | null;
}) {
  return (
    <ActionForm
      action={action}
      render={(state) => {
        const runId = (state.ok && (state.data as { runId?: string } | undefined)?.runId) || activeRunId;
        return runId ? <LiveRun key={runId} runId={runId} /> : null;
      }}
    >
      <fieldset disabled={!canLaunch} className="grid gap-4 sm:grid-cols-[11rem_1fr]">
        <Select
          name="formFactor"
          label="Form factor"
          defaultValue="mobile"
          options={[
            { value: 'mobile', label: 'Mobile (the gate)' },
            { value: 'desktop', label: 'Desktop' },
          ]}
        />
        <div>
          <p className="block text-sm font-medium text-slate-700" id="launch-pages">
            Pages
          </p>
          <div role="group" aria-labelledby="launch-pages" className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {pages.map((p) => (
              <label key={p} className="flex items-center gap-1.5 font-mono text-xs text-slate-700">
                <input type="checkbox" name="page" value={p} defaultChecked /> {p}
              </label>
            ))}
          </div>
          <input type="hidden" name="pageCount" value={pages.length} />
          <p className="mt-1 text-xs text-slate-500">3 Lighthouse runs per page, one at a time (≈6 s each); pages that do not exist yet are skipped.</p>
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton disabled={!canLaunch} pendingText="Queuing…">
          Run Lighthouse
        </SubmitButton>
        {!canLaunch && (
          <span className="text-xs text-slate-600" data-testid="launch-disabled-reason">
            Viewers can read results; launching a run needs the operator role.
          </span>
        )}
      </div>
    </ActionForm>
  );
}
