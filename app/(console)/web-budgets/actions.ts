'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/components/ui/form';
import { formObject, formValues, toActionState } from '@/server/action-state';
import { requireActor } from '@/server/auth/session';
import { ValidationError } from '@/server/errors';
import { parseBudgetForm, toFormFieldErrors } from '@/server/webvitals/budget-form';
import { launchRun, removeBudget, saveBudget } from '@/server/webvitals/service';

// Thin edges: who is calling → parse → service (which authorizes: operator to launch, admin for budgets).

export async function launchRunAction(_prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  // Checkboxes: the pages ticked. All of them (or none) means "every page", which also covers pages added later.
  const ticked = form.getAll('page').filter((p): p is string => typeof p === 'string' && p.length > 0);
  const every = form.get('pageCount') === String(ticked.length) || ticked.length === 0;
  const state = await toActionState(form, async () => {
    const run = await launchRun(actor, { formFactor: form.get('formFactor') ?? undefined, ...(every ? {} : { pages: ticked }) });
    return { data: { runId: run.id } };
  });
  if (state.ok) revalidatePath('/web-budgets');
  return state;
}

export async function saveBudgetAction(_prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(form, async () => {
    const parsed = parseBudgetForm(formObject(form));
    if (!parsed.ok) throw new ValidationError('Please correct the highlighted fields.', parsed.fieldErrors as Record<string, string>);
    const saved = await saveBudget(actor, parsed.budget);
    return { message: `Saved the ${saved.formFactor} budget for ${saved.pagePattern}.` };
  });
  if (state.ok) {
    revalidatePath('/web-budgets');
    return state;
  }
  return { ...state, fieldErrors: toFormFieldErrors(state.fieldErrors), values: formValues(form) };
}

export async function removeBudgetAction(budgetId: string, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(null, async () => {
    await removeBudget(actor, budgetId);
    return { message: 'Budget deleted.' };
  });
  if (state.ok) revalidatePath('/web-budgets');
  return state;
}
