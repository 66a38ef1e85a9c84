'use client';

import { ActionForm, Field, SubmitButton, type FormState } from '@/components/ui/form';

// EXPLAIN ANALYZE runs the statement for real (in a transaction that is rolled back, 5 s statement timeout), so only
// approvers may ask for it; the values default to the most common ones from pg_stats.
export function ExplainAnalyzeForm({
  action,
  paramCount,
  suggested,
  canRun,
}: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  paramCount: number;
  suggested: string[];
  canRun: boolean;
}) {
  return (
    <ActionForm action={action} className="space-y-3">
      <input type="hidden" name="paramCount" value={paramCount} />
      <fieldset disabled={!canRun} className="grid gap-3 sm:grid-cols-3">
        {Array.from({ length: paramCount }, (_, i) => (
          <Field key={i} name={`p${i + 1}`} label={`$${i + 1}`} defaultValue={suggested[i] ?? ''} />
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton disabled={!canRun} pendingText="Running…">
          Run EXPLAIN ANALYZE
        </SubmitButton>
        <span className="text-xs text-slate-600">
          {canRun ? 'Executes the statement with these values inside a transaction that is rolled back (5 s timeout).' : 'Needs the approver role: it executes the statement.'}
        </span>
      </div>
    </ActionForm>
  );
}
