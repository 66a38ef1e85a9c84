'use client';

import { ActionForm, Select, SubmitButton, type FormState } from '@/components/ui/form';

// "Run": operators launch (the action redirects to the live run page); viewers see the button disabled with the
// reason, and the server refuses them anyway (the action is a public endpoint).
export function LaunchForm({
  action,
  canLaunch,
  maxShards,
  label = 'Run',
  disabledReason,
}: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  canLaunch: boolean;
  maxShards: number;
  label?: string;
  disabledReason?: string;
}) {
  const options = Array.from({ length: Math.max(1, maxShards) }, (_, i) => ({ value: String(i + 1), label: i === 0 ? '1 shard' : `${i + 1} shards` }));
  return (
    <ActionForm action={action} className="flex flex-wrap items-end gap-3">
      <div className="w-36">
        <Select name="shards" label="Split over" options={options} defaultValue="1" />
      </div>
      <SubmitButton disabled={!canLaunch} pendingText="Launching…">
        {label}
      </SubmitButton>
      {!canLaunch && (
        <span className="text-xs text-slate-600" data-testid="launch-disabled-reason">
          {disabledReason ?? 'Viewers can read runs; launching one needs the operator role.'}
        </span>
      )}
    </ActionForm>
  );
}
