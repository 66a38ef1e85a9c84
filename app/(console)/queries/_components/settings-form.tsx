'use client';

import { ActionForm, Field, SubmitButton, type FormState } from '@/components/ui/form';
import type { CollectorSettings } from '@/server/queries/schema';

export function SettingsForm({ action, settings, canEdit }: { action: (prev: FormState, form: FormData) => Promise<FormState>; settings: CollectorSettings; canEdit: boolean }) {
  return (
    <ActionForm action={action}>
      <fieldset disabled={!canEdit} className="grid gap-3 sm:grid-cols-3">
        <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-3">
          <input type="checkbox" name="enabled" defaultChecked={settings.enabled} /> Collect on a schedule
        </label>
        <Field name="intervalMinutes" label="Every (minutes)" type="number" defaultValue={String(settings.intervalMinutes)} hint="1–1440" />
        <Field name="retentionDays" label="Keep history (days)" type="number" defaultValue={String(settings.retentionDays)} hint="1–90" />
        <Field name="maxSnapshots" label="At most snapshots" type="number" defaultValue={String(settings.maxSnapshots)} hint="10–20000" />
        <Field name="sampleRetentionHours" label="Keep samples (hours)" type="number" defaultValue={String(settings.sampleRetentionHours)} hint="Reported timings, 1–168" />
        <Field name="slowMeanMs" label="Slow: mean ≥ (ms)" type="number" defaultValue={String(settings.slowMeanMs)} />
        <Field name="slowSharePct" label="… or share of time ≥ (%)" type="number" defaultValue={String(settings.slowSharePct)} />
      </fieldset>
      <div className="flex items-center gap-3">
        <SubmitButton disabled={!canEdit} tone="secondary" pendingText="Saving…">
          Save settings
        </SubmitButton>
        {!canEdit && <span className="text-xs text-slate-600">Operators and above change collection settings.</span>}
      </div>
    </ActionForm>
  );
}
