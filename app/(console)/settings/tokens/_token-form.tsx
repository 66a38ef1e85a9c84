'use client';

import { ActionForm, Field, SubmitButton } from '@/components/ui/form';
import { createTokenAction } from './actions';

export function TokenForm() {
  return (
    <ActionForm
      action={createTokenAction}
      render={(s) =>
        s.ok && (s.data as { token?: string } | undefined)?.token ? (
          <div className="rounded-md border border-slate-300 bg-slate-900 p-3">
            <p className="mb-1 text-xs text-slate-400">Your new token (shown once):</p>
            <code data-testid="new-token" className="break-all font-mono text-sm text-emerald-300">
              {(s.data as { token: string }).token}
            </code>
          </div>
        ) : null
      }
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Field name="name" label="Name" placeholder="CI gate" required />
        <Field name="expiresInDays" label="Expires in (days)" type="number" hint="Blank for no expiry" />
      </div>
      <SubmitButton>Create token</SubmitButton>
    </ActionForm>
  );
}
