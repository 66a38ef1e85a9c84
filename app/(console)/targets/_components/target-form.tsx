'use client';

import { ActionForm, Field, SubmitButton, type FormState } from '@/components/ui/form';

// Create and edit share one form. Secret fields are never pre-filled: the server does not send them.
export function TargetForm({
  action,
  initial,
  submitLabel,
}: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  initial?: { name: string; baseUrl: string; postgres: string | null; redis: string | null; prometheus: string | null };
  submitLabel: string;
}) {
  const keep = (hint: string | null) => (hint ? `Stored (${hint}); leave blank to keep` : 'Optional');
  return (
    <ActionForm action={action}>
      <div className="grid gap-4 md:grid-cols-2">
        <Field name="name" label="Name" defaultValue={initial?.name} placeholder="Checkout API" required />
        <Field name="baseUrl" label="Base URL" defaultValue={initial?.baseUrl} placeholder="http://127.0.0.1:4010" hint="Load tests may only hit this host." required />
        <Field name="postgresDsn" label="Postgres DSN" type="password" placeholder="postgresql://user:pass@host:5432/db" hint={initial ? keep(initial.postgres) : 'Optional. Encrypted at rest, never shown again.'} autoComplete="off" />
        <Field name="redisUrl" label="Redis URL" type="password" placeholder="redis://host:6379" hint={initial ? keep(initial.redis) : 'Optional. Encrypted at rest.'} autoComplete="off" />
        <Field name="prometheusUrl" label="Prometheus URL" type="password" placeholder="http://host:9090" hint={initial ? keep(initial.prometheus) : 'Optional. Encrypted at rest.'} autoComplete="off" />
      </div>
      {initial && (
        <fieldset className="flex flex-wrap gap-4 text-sm text-slate-700">
          <legend className="sr-only">Remove stored secrets</legend>
          {initial.postgres && (
            <label className="flex items-center gap-1">
              <input type="checkbox" name="clearPostgresDsn" /> Remove Postgres DSN
            </label>
          )}
          {initial.redis && (
            <label className="flex items-center gap-1">
              <input type="checkbox" name="clearRedisUrl" /> Remove Redis URL
            </label>
          )}
          {initial.prometheus && (
            <label className="flex items-center gap-1">
              <input type="checkbox" name="clearPrometheusUrl" /> Remove Prometheus URL
            </label>
          )}
        </fieldset>
      )}
      <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
    </ActionForm>
  );
}
